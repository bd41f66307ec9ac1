"""Public lists of donors show a gift only while it stands: never one given back (a refund,
even in part) or taken back (a dispute open or lost)."""

import pytest

from campaigns.models import recent_public_donations
from donations.disputes import dispute_changed
from donations.models import Donation
from donations.refunds import refund
from tests.donations import refund_kit
from tests.support.stripe_events import stripe_object

pytestmark = pytest.mark.django_db

gift = refund_kit.gift
page = refund_kit.page
team = refund_kit.team


@pytest.fixture
def public_gift(gift):
    Donation.objects.filter(pk=gift.pk).update(name_shown=Donation.NameShown.PUBLIC)
    return gift


def listed(page, campaign):
    return (
        [d.pk for d in recent_public_donations(page.pk)],
        [d.pk for d in campaign.recent_gifts()],
    )


def test_a_standing_gift_is_listed_on_its_page_and_its_campaign(public_gift, page, campaign):
    assert listed(page, campaign) == ([public_gift.pk], [public_gift.pk])


def test_a_gift_refunded_in_part_leaves_the_public_lists(
    public_gift, page, campaign, staff, no_stripe
):
    refund(public_gift, 1000, by=staff, reason="Asked by phone")

    assert listed(page, campaign) == ([], [])


def test_a_disputed_gift_leaves_the_public_lists(public_gift, page, campaign, no_stripe):
    dispute_changed(
        stripe_object(
            "dispute",
            id="dp_1Public",
            amount=5000,
            currency="usd",
            charge="ch_1Public",
            payment_intent=refund_kit.PAYMENT_INTENT,
            status="needs_response",
        )
    )

    assert listed(page, campaign) == ([], [])
