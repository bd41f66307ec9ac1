"""Stripe's webhook: realistic events, signed for real with the endpoint secret."""

import json
import time

import pytest

from donations.models import Donation, StripeEvent
from tests.donations.factories import DonationFactory
from tests.support.stripe_events import WEBHOOK_URL, deliver, signature_header

pytestmark = pytest.mark.django_db


def checkout_event(
    donation, event_id="evt_1PaidCheckout", type="checkout.session.completed", **session
):
    """A checkout.session event for `donation`, shaped like Stripe's (API 2025 onwards)."""
    obj = {
        "id": donation.checkout_session_id,
        "object": "checkout.session",
        "amount_subtotal": donation.amount_cents,
        "amount_total": donation.amount_cents,
        "client_reference_id": str(donation.pk),
        "currency": donation.currency,
        "customer_details": {"email": donation.email, "name": donation.donor_name},
        "livemode": False,
        "metadata": {"donation_id": str(donation.pk), "page_id": str(donation.page_id)},
        "mode": "payment",
        "payment_intent": "pi_3PaidIntent",
        "payment_status": "paid",
        "status": "complete",
        "submit_type": "donate",
    }
    obj.update(session)
    return {
        "id": event_id,
        "object": "event",
        "api_version": "2025-06-30.basil",
        "created": int(time.time()),
        "data": {"object": obj},
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": type,
    }


@pytest.fixture
def donation(campaign, stripe_keys):
    return DonationFactory(page=campaign, checkout_session_id="cs_test_a1B2c3")


def test_a_signed_paid_checkout_event_marks_the_gift_paid(client, campaign, donation):
    response = deliver(client, checkout_event(donation))

    assert response.status_code == 200
    donation.refresh_from_db()
    assert donation.status == Donation.Status.PAID
    assert donation.payment_intent_id == "pi_3PaidIntent"
    assert campaign.totals() == (5000, 1)
    assert StripeEvent.objects.get().event_id == "evt_1PaidCheckout"


def test_a_bad_signature_is_refused_and_changes_nothing(client, campaign, donation):
    response = deliver(client, checkout_event(donation), secret="whsec_someone_else")

    assert response.status_code == 400
    donation.refresh_from_db()
    assert donation.status == Donation.Status.PENDING
    assert campaign.totals() == (0, 0)
    assert StripeEvent.objects.count() == 0


def test_an_old_signature_is_refused(client, campaign, donation):
    payload = json.dumps(checkout_event(donation))
    header = signature_header(payload, timestamp=int(time.time()) - 3600)
    assert deliver(client, payload, header=header).status_code == 400
    assert campaign.totals() == (0, 0)


@pytest.mark.parametrize("header", ["", "garbage", "t=abc,v1=00", "t=1,v0=abc"])
def test_a_missing_or_malformed_signature_header_is_refused(client, donation, header):
    response = client.post(
        WEBHOOK_URL,
        data=json.dumps(checkout_event(donation)),
        content_type="application/json",
        headers={"Stripe-Signature": header} if header else {},
    )
    assert response.status_code == 400


@pytest.mark.parametrize("payload", ["not json", "[]", '{"object": "event"}', "\u00e9\u0000"])
def test_a_correctly_signed_body_that_is_no_event_is_refused(client, donation, payload):
    assert deliver(client, payload).status_code == 400
    assert StripeEvent.objects.count() == 0


def test_the_webhook_takes_only_post(client, donation):
    assert client.get(WEBHOOK_URL).status_code == 405


def test_the_same_event_delivered_twice_is_processed_once(client, campaign, donation):
    event = checkout_event(donation)
    assert deliver(client, event).status_code == 200
    Donation.objects.filter(pk=donation.pk).update(status=Donation.Status.PENDING)

    assert deliver(client, event).status_code == 200

    assert StripeEvent.objects.count() == 1
    assert campaign.totals() == (5000, 1)


def test_a_second_event_for_a_paid_checkout_changes_nothing(client, campaign, donation):
    deliver(client, checkout_event(donation, event_id="evt_first"))
    deliver(client, checkout_event(donation, event_id="evt_retry_of_the_payment"))
    assert campaign.totals() == (5000, 1)


def test_an_unrelated_event_type_is_acknowledged_and_changes_nothing(client, campaign, donation):
    event = checkout_event(donation, event_id="evt_charge", type="charge.succeeded")

    assert deliver(client, event).status_code == 200

    donation.refresh_from_db()
    assert donation.status == Donation.Status.PENDING
    assert campaign.totals() == (0, 0)


def test_a_completed_checkout_still_awaiting_its_money_is_not_counted_yet(
    client, campaign, donation
):
    event = checkout_event(donation, payment_status="unpaid")
    assert deliver(client, event).status_code == 200
    assert campaign.totals() == (0, 0)

    later = checkout_event(
        donation, event_id="evt_async", type="checkout.session.async_payment_succeeded"
    )
    assert deliver(client, later).status_code == 200
    assert campaign.totals() == (5000, 1)


def test_an_expired_checkout_marks_its_pending_gift_failed(client, campaign, donation):
    event = checkout_event(
        donation, type="checkout.session.expired", payment_status="unpaid", status="expired"
    )
    assert deliver(client, event).status_code == 200
    donation.refresh_from_db()
    assert donation.status == Donation.Status.FAILED


def test_an_expiry_arriving_after_the_payment_leaves_the_gift_paid(client, campaign, donation):
    deliver(client, checkout_event(donation))
    late = checkout_event(donation, event_id="evt_late", type="checkout.session.expired")
    deliver(client, late)
    donation.refresh_from_db()
    assert donation.status == Donation.Status.PAID
    assert campaign.totals() == (5000, 1)
