"""Totals stay exact when many gifts are paid at the same moment (PostgreSQL)."""

import pytest

from donations.models import Donation, DonationTotal
from donations.services import fulfil_checkout_session
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
