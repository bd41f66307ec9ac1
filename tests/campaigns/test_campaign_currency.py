"""A campaign's currency is a choice of the currencies the project takes, stored lower-case
as Stripe writes it: staff who type "USD" get a campaign whose gifts are marked paid."""

import importlib
import re
from urllib.parse import parse_qs

import pytest
import responses
from django.apps import apps
from django.core.exceptions import ValidationError
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from campaigns.models import FundraisingCampaignPage
from donations.models import Donation
from donations.money import SUPPORTED_CURRENCIES
from tests.campaigns.factories import FundraisingCampaignPageFactory, peer_to_peer_admin_fields
from tests.donations.factories import donate_form
from tests.donations.test_webhook import checkout_event
from tests.support.stripe_events import deliver

pytestmark = pytest.mark.django_db

SESSIONS_URL = "https://api.stripe.com/v1/checkout/sessions"


def publish_with_currency(staff_client, campaign, currency):
    """Staff publish `campaign` from the admin's edit form with `currency` as posted."""
    data = nested_form_data(
        {
            "title": campaign.title,
            "slug": campaign.slug,
            "intro": campaign.intro,
            "body": streamfield([]),
            "goal_cents": "10,000",
            "currency": currency,
            "deadline": campaign.deadline.isoformat(),
            "ask_text": campaign.ask_text,
            "comments": inline_formset([]),
            **peer_to_peer_admin_fields(),
        }
    )
    data["action-publish"] = "action-publish"
    return staff_client.post(f"/admin/pages/{campaign.pk}/edit/", data)


@pytest.fixture
def campaign_published_as_usd(staff_client, campaign):
    """The campaign after staff published it with the currency typed "USD"."""
    response = publish_with_currency(staff_client, campaign, "USD")
    assert response.status_code == 302
    return FundraisingCampaignPage.objects.get(pk=campaign.pk)


def test_a_currency_typed_in_capitals_is_stored_lower_case(campaign_published_as_usd):
    assert campaign_published_as_usd.currency == "usd"
    assert campaign_published_as_usd.get_latest_revision_as_object().currency == "usd"


def test_a_gift_to_a_campaign_saved_as_usd_is_marked_paid_by_the_test_checkout(
    client, campaign_published_as_usd, no_stripe
):
    campaign = campaign_published_as_usd
    client.post(f"/donations/give/{campaign.pk}/", donate_form(amount="50"))
    donation = Donation.objects.get()

    client.post(f"/donations/test-checkout/{donation.checkout_token}/")

    donation.refresh_from_db()
    assert donation.status == Donation.Status.PAID
    assert campaign.totals() == (5000, 1)


@responses.activate
def test_a_gift_to_a_campaign_saved_as_usd_is_marked_paid_by_stripes_webhook(
    client, campaign_published_as_usd, stripe_keys
):
    campaign = campaign_published_as_usd
    responses.post(
        SESSIONS_URL,
        json={"id": "cs_test_usd", "object": "checkout.session", "url": "https://x.test/"},
    )
    client.post(f"/donations/give/{campaign.pk}/", donate_form(amount="50"))
    donation = Donation.objects.get()

    # Stripe writes the currency lower-case in its events whatever case it was sent in.
    response = deliver(client, checkout_event(donation, currency="usd"))

    assert response.status_code == 200
    donation.refresh_from_db()
    assert donation.status == Donation.Status.PAID
    assert campaign.totals() == (5000, 1)
    sent = parse_qs(responses.calls[0].request.body)
    assert sent["line_items[0][price_data][currency]"] == ["usd"]


def test_a_currency_the_project_does_not_take_is_refused_and_nothing_changes(
    staff_client, campaign
):
    response = publish_with_currency(staff_client, campaign, "CHF")

    assert response.status_code == 200
    assert (
        "Please choose one of the currencies we take: USD, EUR, GBP, CAD, AUD, JPY."
        in response.content.decode()
    )
    campaign = FundraisingCampaignPage.objects.get(pk=campaign.pk)
    assert campaign.currency == "usd"
    assert campaign.get_latest_revision() is None or (
        campaign.get_latest_revision_as_object().currency == "usd"
    )


def test_the_admin_offers_only_the_currencies_the_project_takes(staff_client, campaign):
    html = staff_client.get(f"/admin/pages/{campaign.pk}/edit/").content.decode()

    select = html[html.index('<select name="currency"') :]
    select = select[: select.index("</select>")]
    offered = re.findall(r'<option value="([^"]*)"', select)
    assert offered == list(SUPPORTED_CURRENCIES)


def test_a_campaign_saved_in_code_with_a_capitalised_currency_is_stored_lower_case(home_page):
    campaign = FundraisingCampaignPageFactory(currency=" USD ")
    assert FundraisingCampaignPage.objects.get(pk=campaign.pk).currency == "usd"


def test_a_campaign_saved_in_code_with_an_unknown_currency_is_refused(home_page):
    with pytest.raises(ValidationError) as refused:
        FundraisingCampaignPageFactory(currency="xyz")
    assert "currency" in refused.value.message_dict
    assert not FundraisingCampaignPage.objects.exists()


def test_the_goal_help_text_speaks_of_what_staff_type_not_cents():
    help_text = FundraisingCampaignPage._meta.get_field("goal_cents").help_text
    assert "cents" not in help_text
    assert "25,000" in help_text


def test_the_migration_lower_cases_currencies_and_sets_unknown_ones_to_usd(home_page, capsys):
    typed = FundraisingCampaignPageFactory(title="Typed")
    unknown = FundraisingCampaignPageFactory(title="Unknown")
    FundraisingCampaignPage.objects.filter(pk=typed.pk).update(currency="USD")
    FundraisingCampaignPage.objects.filter(pk=unknown.pk).update(currency="EUR")
    revision = typed.save_revision()
    revision.content["currency"] = "Usd"
    revision.save(update_fields=["content"])
    migration = importlib.import_module("campaigns.migrations.0002_currency_choice")

    migration.normalise_currencies(apps, None)

    assert FundraisingCampaignPage.objects.get(pk=typed.pk).currency == "usd"
    assert FundraisingCampaignPage.objects.get(pk=unknown.pk).currency == "usd"
    revision.refresh_from_db()
    assert revision.content["currency"] == "usd"
    said = capsys.readouterr().out
    assert f"campaign {unknown.pk} (Unknown): currency 'EUR' is not taken; set to USD" in said
