"""The fee rule in the giving settings: staff type a percentage and dollars, read exactly."""

from decimal import Decimal

import pytest

from donations.fees import FeeFixedField, PercentField, fee_rule
from donations.models import GivingSettings

pytestmark = pytest.mark.django_db


def test_the_default_rule_is_2_2_percent_and_30_cents(home_page):
    settings = GivingSettings.for_default_site()

    assert (settings.fee_percent, settings.fee_fixed_cents) == (Decimal("2.20"), 30)
    assert fee_rule("usd").describe("usd") == "2.2% + $0.30"


@pytest.mark.parametrize(
    ("typed", "percent"),
    [("2.2", Decimal("2.20")), ("2.20", Decimal("2.20")), ("2.9 %", Decimal("2.90")), ("0", 0)],
)
def test_a_percentage_is_read_exactly(typed, percent):
    assert PercentField().clean(typed) == percent


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-1", "The percentage cannot be negative."),
        ("10.01", "The percentage can be at most 10%."),
        ("2.255", "Please type a percentage like 2.2 (at most two digits after the point)."),
        ("٢.٢", "Please type the percentage with the digits 0 to 9, like 2.2."),
        ("2,2", "Please type a percentage like 2.2 (at most two digits after the point)."),
    ],
)
def test_a_bad_percentage_is_refused_with_a_message(typed, message):
    with pytest.raises(Exception) as refused:
        PercentField().clean(typed)

    assert refused.value.messages == [message]


def test_the_fixed_part_is_typed_in_dollars_and_kept_in_cents():
    field = FeeFixedField(min_cents=0, max_cents=500)

    assert field.clean("0.30") == 30
    assert field.clean("$0") == 0


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-0.30", "The fixed part cannot be negative."),
        ("5.01", "Please enter at most $5."),
        ("0.305", "Please round the amount to the cent: at most two digits after the point."),
        ("０.３０", "Please type the amount with the digits 0 to 9, like 40 or 40.50."),
    ],
)
def test_a_bad_fixed_part_is_refused_with_a_message(typed, message):
    with pytest.raises(Exception) as refused:
        FeeFixedField(min_cents=0, max_cents=500).clean(typed)

    assert refused.value.messages == [message]


def test_staff_save_the_rule_in_the_admin_and_the_form_follows_it(admin_client, home_page, client):
    from wagtail.models import Site

    site = Site.objects.get(is_default_site=True)
    url = f"/admin/settings/donations/givingsettings/{site.pk}/"
    form = admin_client.get(url).context["form"]
    data = {
        name: form[name].value() if form[name].value() is not None else ""
        for name in form.fields
        if name != "logo"
    }
    data.update(fee_percent="2.9", fee_fixed_cents="0.30")

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["form"].errors
    settings = GivingSettings.for_default_site()
    assert (settings.fee_percent, settings.fee_fixed_cents) == (Decimal("2.90"), 30)


def test_staff_typing_a_negative_fee_see_a_message_and_nothing_changes(admin_client, home_page):
    from wagtail.models import Site

    site = Site.objects.get(is_default_site=True)
    url = f"/admin/settings/donations/givingsettings/{site.pk}/"
    form = admin_client.get(url).context["form"]
    data = {
        name: form[name].value() if form[name].value() is not None else ""
        for name in form.fields
        if name != "logo"
    }
    data.update(fee_percent="-2", fee_fixed_cents="0.30")

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert response.context["form"].errors["fee_percent"] == ["The percentage cannot be negative."]
    assert GivingSettings.for_default_site().fee_percent == Decimal("2.20")
