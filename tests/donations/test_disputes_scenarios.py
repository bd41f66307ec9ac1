"""Disputes from Stripe's events, re-read from Stripe: an inquiry moves nothing; a dispute
comes off every level while open, comes back when won, stays off when lost; staff are told
once. Each scenario delivered twice and in reversed order, drift zero."""

import pytest
import responses

from donations.models import Dispute
from northstar.models import OutboundEmail
from tests.donations import refund_kit
from tests.donations.refund_kit import StripeNow, drift, totals
from tests.support.stripe_events import deliver, event

pytestmark = pytest.mark.django_db

# The shared fixtures (a paid gift on a fundraiser page in a team).
gift = refund_kit.gift
page = refund_kit.page
team = refund_kit.team

DUE_BY = 1723679999  # 2024-08-14 23:59:59 UTC: 19:59 in New York


def replay(client, events, order):
    sequence = events if order == "forward" else list(reversed(events))
    for each in [*sequence, *sequence]:
        assert deliver(client, each).status_code == 200


def dispute_events(stripe, final_status, **fields):
    """created (needs_response) then closed (`final_status`), Stripe holding the final state."""
    opened = dict(stripe.dispute("dp_1Gift", 5000, "needs_response", **fields))
    closed = stripe.dispute("dp_1Gift", 5000, final_status, **fields)
    return [event("charge.dispute.created", opened), event("charge.dispute.closed", closed)]


@pytest.mark.parametrize("order", ["forward", "reversed"])
@responses.activate
def test_an_inquiry_moves_no_money(client, gift, page, team, campaign, stripe_keys, order):
    stripe = StripeNow()
    inquiry = stripe.dispute("dp_1Inquiry", 5000, "warning_needs_response")
    stripe.stub()

    replay(client, [event("charge.dispute.created", inquiry)], order)

    assert Dispute.objects.get().status == "warning_needs_response"
    assert totals(page, team, campaign) == [(5000, 1)] * 3
    assert drift() == {}


@responses.activate
def test_an_open_dispute_takes_the_amount_off_every_level_and_tells_staff_once(
    client, gift, page, team, campaign, staff, stripe_keys
):
    stripe = StripeNow()
    opened = stripe.dispute("dp_1Open", 5000, "needs_response", evidence_details={"due_by": DUE_BY})
    stripe.stub()

    replay(client, [event("charge.dispute.created", opened)], "forward")

    assert totals(page, team, campaign) == [(0, 0)] * 3
    assert drift() == {}
    [mail] = OutboundEmail.objects.filter(template="donations/dispute_opened")
    assert mail.to == staff.email
    assert mail.context["due_by"].startswith("Aug. 14, 2024, 7:59")
    assert mail.context["dashboard_url"] == "https://dashboard.stripe.com/test/disputes/dp_1Open"


@pytest.mark.parametrize("order", ["forward", "reversed"])
@responses.activate
def test_a_dispute_won_puts_the_amount_back(client, gift, page, team, campaign, stripe_keys, order):
    stripe = StripeNow()
    events = dispute_events(stripe, "won")
    stripe.stub()

    replay(client, events, order)

    assert Dispute.objects.get().status == "won"
    assert totals(page, team, campaign) == [(5000, 1)] * 3
    assert drift() == {}


@pytest.mark.parametrize("order", ["forward", "reversed"])
@responses.activate
def test_a_dispute_lost_stays_off_with_its_fee_recorded(
    client, gift, page, team, campaign, stripe_keys, order
):
    stripe = StripeNow()
    withdrawn = [{"id": "txn_1", "amount": -6500, "fee": 1500}]
    events = dispute_events(stripe, "lost", balance_transactions=withdrawn)
    events.append(event("charge.dispute.funds_withdrawn", stripe.disputes["dp_1Gift"]))
    stripe.stub()

    replay(client, events, order)

    dispute = Dispute.objects.get()
    assert (dispute.status, dispute.fee_cents) == ("lost", 1500)
    assert totals(page, team, campaign) == [(0, 0)] * 3
    assert drift() == {}
