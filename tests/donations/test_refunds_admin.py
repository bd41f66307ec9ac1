"""Staff refund a gift from its screen in the admin: dollars typed, a confirm step that says
what it does, permission `donations.refund_donation`; bad input changes nothing."""

import pytest
from django.contrib.auth.models import Group, Permission

from donations.models import Refund
from tests.donations import refund_kit
from tests.donations.refund_kit import totals
from tests.site.factories import UserFactory

pytestmark = pytest.mark.django_db

# The shared fixtures (a paid gift on a fundraiser page in a team).
gift = refund_kit.gift
page = refund_kit.page
team = refund_kit.team


def url(gift):
    return f"/admin/donations/refund/{gift.pk}/"


def test_the_gifts_screen_offers_refund_to_staff_who_may(staff_client, gift):
    html = staff_client.get(f"/admin/donation/inspect/{gift.pk}/").content.decode()

    assert url(gift) in html


def test_the_confirm_step_says_the_amount_the_donor_and_the_totals_and_refunds_nothing(
    staff_client, gift, page, team, campaign, no_stripe
):
    response = staff_client.post(url(gift), {"amount": "10", "reason": "Asked by phone"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "This will refund <strong>$10.00</strong> to <strong>Ana Ruiz</strong>" in html
    for title in ("Maria&#x27;s page", "Grace Church", "Spring into Action"):
        assert title in html
    assert "The gift still counts as one gift." in html
    assert not Refund.objects.exists()


def test_confirming_refunds_and_every_level_drops_by_the_amount(
    staff_client, gift, page, team, campaign, no_stripe
):
    response = staff_client.post(
        url(gift), {"amount": "10.00", "reason": "Asked by phone", "confirm": "yes"}
    )

    assert response.status_code == 302
    assert Refund.objects.get().amount_cents == 1000
    assert totals(page, team, campaign) == [(4000, 1)] * 3


@pytest.mark.parametrize(
    "typed, message",
    [
        ("ten", "Please enter an amount"),
        ("-5", ""),
        ("0", "more than zero"),
        ("50.01", "At most $50.00"),
    ],
)
def test_bad_amounts_get_a_clear_message_and_change_nothing(
    staff_client, gift, page, campaign, no_stripe, typed, message
):
    response = staff_client.post(url(gift), {"amount": typed, "reason": "x", "confirm": "yes"})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="error-message"' in html
    assert message in html
    assert not Refund.objects.exists()
    assert totals(page, campaign) == [(5000, 1)] * 2


def test_staff_without_the_refund_permission_are_refused(client, gift, no_stripe):
    editors = Group.objects.create(name="Gift viewers")
    editors.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_donation"),
    )
    viewer = UserFactory()
    viewer.groups.add(editors)
    client.force_login(viewer)

    response = client.post(url(gift), {"amount": "10", "reason": "x", "confirm": "yes"})

    assert response.status_code in (302, 403)
    assert not Refund.objects.exists()
