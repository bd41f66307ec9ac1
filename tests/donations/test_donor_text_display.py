"""Donors' own words on public and token pages are isolated, so a direction override in one
(U+202E) cannot reverse the text after it."""

import pytest
from django.utils import timezone

from donations.models import Donation
from tests.donations.factories import DonationFactory, donate_form

pytestmark = pytest.mark.django_db

OVERRIDE = "\u202e"


def test_recent_donors_names_and_messages_are_isolated(client, campaign):
    DonationFactory(
        page=campaign,
        status=Donation.Status.PAID,
        paid_at=timezone.now(),
        first_name=f"{OVERRIDE}Grace",
        last_name="Okafor",
        name_shown=Donation.NameShown.PUBLIC,
        message=f"{OVERRIDE}For every survivor.",
    )

    html = client.get(campaign.url).content.decode()

    assert f"<strong><bdi>{OVERRIDE}Grace O.</bdi></strong>" in html
    assert f"<q><bdi>{OVERRIDE}For every survivor.</bdi></q>" in html
    assert "· just now" in html


def test_the_thank_you_page_isolates_the_donors_name(client, campaign):
    donation = DonationFactory(
        page=campaign, status=Donation.Status.PAID, first_name=f"{OVERRIDE}Grace"
    )

    html = client.get(f"/donations/thank-you/{donation.checkout_token}/").content.decode()

    assert f"Thank you, <bdi>{OVERRIDE}Grace</bdi>." in html


def test_the_test_checkout_isolates_the_donors_name(client, campaign, no_stripe):
    client.post(f"/donations/give/{campaign.pk}/", donate_form(last_name="Okafor"))
    donation = Donation.objects.get()
    Donation.objects.filter(pk=donation.pk).update(first_name=f"{OVERRIDE}Grace")  # as if stored

    html = client.get(f"/donations/test-checkout/{donation.checkout_token}/").content.decode()

    assert f"<dd><bdi>{OVERRIDE}Grace Okafor</bdi></dd>" in html
