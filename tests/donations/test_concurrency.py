"""Totals stay exact when many gifts are paid at the same moment (PostgreSQL)."""

import pytest
from django.test import Client

from donations.models import Donation, DonationTotal
from donations.services import fulfil_checkout_session
from northstar.models import OutboundEmail
from tests.donations.factories import DonationFactory
from tests.support.threads import run_at_once

DONORS = 20


@pytest.mark.django_db(transaction=True)
def test_twenty_gifts_paid_at_once_are_all_counted_exactly(campaign):
    donations = [DonationFactory(page=campaign, amount_cents=1000 + i) for i in range(DONORS)]

    def pay(i):
        donation = donations[i]
        assert fulfil_checkout_session(
            donation.checkout_session_id, f"pi_{i}", donation.amount_cents, "usd"
        )

    run_at_once(pay, DONORS)

    assert Donation.objects.filter(status=Donation.Status.PAID).count() == DONORS
    assert campaign.totals() == (sum(1000 + i for i in range(DONORS)), DONORS)
    assert DonationTotal.objects.filter(page=campaign).count() <= DonationTotal.SHARDS


@pytest.mark.django_db(transaction=True)
def test_the_same_checkout_fulfilled_by_many_requests_at_once_counts_once(campaign):
    donation = DonationFactory(page=campaign)

    run_at_once(
        lambda i: fulfil_checkout_session(donation.checkout_session_id, "pi_1", 5000, "usd"), 10
    )

    assert campaign.totals() == (5000, 1)


@pytest.mark.django_db(transaction=True)
def test_six_quick_clicks_on_complete_test_payment_each_answer_the_thank_you_page(
    campaign, settings
):
    settings.STRIPE_SECRET_KEY = ""  # the embedded default: the local test checkout
    donation = DonationFactory(page=campaign, checkout_session_id="cs_local_six_clicks")
    answers = [None] * 6

    def click(i):
        answers[i] = Client().post(f"/donations/test-checkout/{donation.checkout_token}/")

    run_at_once(click, 6)

    thank_you = f"/donations/thank-you/{donation.checkout_token}/"
    assert [(a.status_code, a["Location"]) for a in answers] == [(302, thank_you)] * 6
    assert campaign.totals() == (5000, 1)
    assert OutboundEmail.objects.filter(template="donation_receipt").count() == 1
