"""Staff refund a paid gift in test mode (no Stripe keys): the refund is made at once, comes off
every level, and the donor is told."""

import pytest
from django.core.management import call_command

from donations.models import Refund
from donations.refunds import DisputeOpen, GiftNotPaid, RefundTooLarge, refund
from northstar.models import OutboundEmail
from tests.donations import refund_kit
from tests.donations.factories import DonationFactory
from tests.donations.refund_kit import drift, totals

pytestmark = pytest.mark.django_db

# The shared fixtures (a paid gift on a fundraiser page in a team).
gift = refund_kit.gift
page = refund_kit.page
team = refund_kit.team


def test_a_partial_refund_comes_off_every_level_and_keeps_the_gift_counted(
    gift, page, team, campaign, staff, no_stripe
):
    made = refund(gift, 1000, by=staff, reason="Asked by phone")

    assert made.status == Refund.Status.SUCCEEDED
    assert (made.amount_cents, made.by, made.reason) == (1000, staff, "Asked by phone")
    assert totals(page, team, campaign) == [(4000, 1)] * 3
    assert drift() == {}


def test_refunding_what_is_left_drops_the_gift_from_the_count(
    gift, page, team, campaign, staff, no_stripe
):
    refund(gift, 1000, by=staff)
    refund(gift, 4000, by=staff)

    assert totals(page, team, campaign) == [(0, 0)] * 3
    assert drift() == {}


def test_a_refund_over_what_is_left_is_refused_and_changes_nothing(
    gift, page, campaign, staff, no_stripe
):
    refund(gift, 4000, by=staff)

    with pytest.raises(RefundTooLarge, match=r"At most \$10\.00"):
        refund(gift, 1001, by=staff)

    assert Refund.objects.count() == 1
    assert totals(page, campaign) == [(1000, 1)] * 2


def test_a_gift_not_paid_cannot_be_refunded(page, staff, no_stripe):
    pending = DonationFactory(page=page)

    with pytest.raises(GiftNotPaid):
        refund(pending, 1000, by=staff)

    assert not Refund.objects.exists()


def test_a_refund_of_nothing_or_less_is_refused(gift, staff, no_stripe):
    for amount in (0, -500):
        with pytest.raises(RefundTooLarge, match="more than zero"):
            refund(gift, amount, by=staff)

    assert not Refund.objects.exists()


def test_a_gift_with_an_open_dispute_cannot_be_refunded(gift, page, campaign, staff, no_stripe):
    gift.disputes.create(stripe_dispute_id="dp_1", amount_cents=5000, status="needs_response")

    with pytest.raises(DisputeOpen):
        refund(gift, 1000, by=staff)

    assert not Refund.objects.exists()


def test_the_donor_is_emailed_the_refund_and_the_net_their_receipt_stands_for(
    gift, staff, no_stripe
):
    refund(gift, 1500, by=staff)

    mail = OutboundEmail.objects.get(template="donations/refund")
    assert mail.to == gift.email
    assert mail.context["amount_cents"] == 1500
    assert mail.context["gift_cents"] == 5000
    assert mail.context["net_cents"] == 3500


def test_recount_rebuilds_totals_net_of_refunds(gift, page, team, campaign, staff, no_stripe):
    refund(gift, 1200, by=staff)
    from donations.models import DonationTotal

    DonationTotal.objects.all().delete()

    call_command("recount", verbosity=0)

    assert totals(page, team, campaign) == [(3800, 1)] * 3
