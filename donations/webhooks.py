"""Stripe's webhook events: each stored once, then handed to a named handler.

Events arrive more than once and in any order. The event id is recorded in
the same transaction as what the handler changes, so a redelivery finds it
and does nothing, and a handler that fails leaves no record, so Stripe's
retry runs it again. The handlers themselves are idempotent too.
"""

from django.db import IntegrityError, transaction

from . import recurring
from .disputes import dispute_changed
from .models import StripeEvent
from .refunds import charge_refunded, refund_changed
from .services import fail_checkout_session, fulfil_checkout_session
from .stripe_objects import stripe_amount, stripe_currency, stripe_dict, stripe_id


def checkout_session_completed(session):
    """A finished checkout: fulfil it once its money has arrived (cards: at once)."""
    if session.get("mode") == "subscription":  # a monthly gift: `invoice.paid` counts it
        recurring.link_subscription_checkout(session)
        return
    session_id = stripe_id(session.get("id"))
    if not session_id or session.get("payment_status") != "paid":
        return  # a delayed payment method: `async_payment_succeeded` follows
    fulfil_checkout_session(
        session_id,
        stripe_id(session.get("payment_intent")),
        stripe_amount(session.get("amount_total")),
        stripe_currency(session.get("currency")),
        metadata=stripe_dict(session.get("metadata")),
    )


def checkout_session_failed(session):
    """An expired checkout, or a delayed payment that failed: its pending gift failed."""
    session_id = stripe_id(session.get("id"))
    if session_id:
        fail_checkout_session(session_id)


HANDLERS = {
    "checkout.session.completed": checkout_session_completed,
    "checkout.session.async_payment_succeeded": checkout_session_completed,
    "checkout.session.async_payment_failed": checkout_session_failed,
    "checkout.session.expired": checkout_session_failed,
    # Monthly gifts (donations/recurring.py): every installment is counted on `invoice.paid`.
    "invoice.paid": recurring.installment_from_invoice,
    "invoice.payment_failed": recurring.installment_failed,
    "customer.subscription.updated": recurring.subscription_changed,
    "customer.subscription.deleted": recurring.subscription_changed,
    # Refunds and disputes (donations/refunds.py, disputes.py): each re-reads its object.
    "refund.created": refund_changed,
    "refund.updated": refund_changed,
    "refund.failed": refund_changed,
    "charge.refunded": charge_refunded,
    "charge.dispute.created": dispute_changed,
    "charge.dispute.updated": dispute_changed,
    "charge.dispute.closed": dispute_changed,
    "charge.dispute.funds_withdrawn": dispute_changed,
    "charge.dispute.funds_reinstated": dispute_changed,
}


def event_object(event):
    """The object a verified event (a dict) carries, a dict; None if it carries none (the
    webhook answers 400: no Stripe event has that shape)."""
    obj = stripe_dict(event.get("data")).get("object")
    return obj if isinstance(obj, dict) else None


def process_event(event):
    """Handle a verified event (as a dict, its object checked by `event_object`) once;
    False if ignored or seen before."""
    handler = HANDLERS.get(event.get("type"))
    if handler is None:
        return False
    with transaction.atomic():
        try:
            with transaction.atomic():
                StripeEvent.objects.create(event_id=event["id"], type=event["type"])
        except IntegrityError:
            return False  # delivered before
        handler(event_object(event) or {})
    return True
