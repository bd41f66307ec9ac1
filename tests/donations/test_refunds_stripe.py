"""Refunds with Stripe configured: our refund asks Stripe (HTTP stubbed at the network
boundary), and Stripe's refund events, ours or made in its dashboard, are reconciled from the
refund as Stripe holds it now: delivered twice or in reversed order, the totals end the same."""

from urllib.parse import parse_qs

import pytest
import responses

from donations.models import Refund
from donations.refunds import RefundRefused, refund
from tests.donations import refund_kit
from tests.donations.refund_kit import API, PAYMENT_INTENT, StripeNow, drift, totals
from tests.support.stripe_events import deliver, event

pytestmark = pytest.mark.django_db

# The shared fixtures (a paid gift on a fundraiser page in a team).
gift = refund_kit.gift
page = refund_kit.page
team = refund_kit.team


def replay(client, events, order):
    """Deliver `events` twice each, in the order given ("forward" or "reversed")."""
    sequence = events if order == "forward" else list(reversed(events))
    for each in [*sequence, *sequence]:
        assert deliver(client, each).status_code == 200


@responses.activate
def test_a_staff_refund_asks_stripe_with_our_id_and_an_idempotency_key(
    gift, page, team, campaign, staff, stripe_keys
):
    responses.post(
        f"{API}/refunds",
        json={"id": "re_1Ours", "object": "refund", "amount": 1000, "status": "succeeded"},
    )

    made = refund(gift, 1000, by=staff, reason="Asked by phone")

    [call] = responses.calls
    sent = {key: values[0] for key, values in parse_qs(call.request.body).items()}
    assert sent == {
        "payment_intent": PAYMENT_INTENT,
        "amount": "1000",
        "reason": "requested_by_customer",
        "metadata[refund_id]": str(made.pk),
        "metadata[donation_id]": str(gift.pk),
    }
    assert call.request.headers["Idempotency-Key"] == f"refund-{made.uuid}"
    made.refresh_from_db()
    assert (made.stripe_refund_id, made.status) == ("re_1Ours", Refund.Status.SUCCEEDED)
    assert totals(page, team, campaign) == [(4000, 1)] * 3


@responses.activate
def test_when_stripe_refuses_a_refund_nothing_changes(gift, page, campaign, staff, stripe_keys):
    responses.post(
        f"{API}/refunds",
        status=400,
        json={"error": {"type": "invalid_request_error", "message": "Charge already refunded"}},
    )

    with pytest.raises(RefundRefused):
        refund(gift, 1000, by=staff)

    assert not Refund.objects.exists()
    assert totals(page, campaign) == [(5000, 1)] * 2


@pytest.mark.parametrize("order", ["forward", "reversed"])
@responses.activate
def test_a_partial_then_full_refund_made_in_stripes_dashboard_ends_with_nothing_counted(
    client, gift, page, team, campaign, stripe_keys, order
):
    stripe = StripeNow()
    first = stripe.refund("re_1Part", 1000)
    rest = stripe.refund("re_2Rest", 4000)
    stripe.stub()
    events = [
        event("refund.created", first),
        event("charge.refunded", stripe.charge()),
        event("refund.created", rest),
        event("charge.refunded", stripe.charge()),
    ]

    replay(client, events, order)

    assert sorted(Refund.objects.values_list("stripe_refund_id", "amount_cents", "status")) == [
        ("re_1Part", 1000, "succeeded"),
        ("re_2Rest", 4000, "succeeded"),
    ]
    assert totals(page, team, campaign) == [(0, 0)] * 3
    assert drift() == {}


@pytest.mark.parametrize("order", ["forward", "reversed"])
@responses.activate
def test_a_partial_refund_from_stripes_dashboard_is_recorded_and_keeps_the_gift_counted(
    client, gift, page, team, campaign, stripe_keys, order
):
    stripe = StripeNow()
    made = stripe.refund("re_1Dash", 1500)
    stripe.stub()

    replay(
        client, [event("refund.created", made), event("charge.refunded", stripe.charge())], order
    )

    recorded = Refund.objects.get()
    assert (recorded.amount_cents, recorded.by, recorded.reason) == (
        1500,
        None,
        "Refunded in Stripe",
    )
    assert totals(page, team, campaign) == [(3500, 1)] * 3
    assert drift() == {}


@pytest.mark.parametrize("order", ["forward", "reversed"])
@responses.activate
def test_a_refund_that_failed_puts_the_amount_back_whatever_the_order(
    client, gift, page, team, campaign, staff, stripe_keys, order
):
    responses.post(
        f"{API}/refunds",
        json={"id": "re_1Fails", "object": "refund", "amount": 2000, "status": "pending"},
    )
    ours = refund(gift, 2000, by=staff)
    assert totals(page, team, campaign) == [(3000, 1)] * 3
    stripe = StripeNow()
    pending = stripe.refund(
        "re_1Fails", 2000, status="pending", metadata={"refund_id": str(ours.pk)}
    )
    created = event("refund.created", dict(pending))
    stripe.refund("re_1Fails", 2000, status="failed", metadata={"refund_id": str(ours.pk)})
    failed = event("refund.failed", stripe.refunds["re_1Fails"])
    stripe.stub()

    replay(client, [created, failed], order)

    ours.refresh_from_db()
    assert ours.status == Refund.Status.FAILED
    assert Refund.objects.count() == 1
    assert totals(page, team, campaign) == [(5000, 1)] * 3
    assert drift() == {}


@responses.activate
def test_a_refund_event_that_overtakes_our_saved_id_finds_our_refund_by_its_metadata(
    client, gift, page, campaign, staff, stripe_keys
):
    ours = Refund.objects.create(donation=gift, amount_cents=1000, status="failed", by=staff)
    stripe = StripeNow()
    made = stripe.refund("re_1Meta", 1000, metadata={"refund_id": str(ours.pk)})
    stripe.stub()

    deliver(client, event("refund.created", made))

    ours.refresh_from_db()
    assert (ours.stripe_refund_id, ours.status) == ("re_1Meta", "succeeded")
    assert Refund.objects.count() == 1
    assert totals(page, campaign) == [(4000, 1)] * 2
