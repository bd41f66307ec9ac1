"""Stripe's webhook events: each stored once, then handed to a named handler.

Events arrive more than once and in any order. The event id is recorded in
the same transaction as what the handler changes, so a redelivery finds it
and does nothing, and a handler that fails leaves no record, so Stripe's
retry runs it again. The handlers themselves are idempotent too.
"""

from django.db import IntegrityError, transaction

from . import recurring
from .models import StripeEvent
from .services import fail_checkout_session, fulfil_checkout_session


def checkout_session_completed(session):
    """A finished checkout: fulfil it once its money has arrived (cards: at once)."""
    if session.get("mode") == "subscription":  # a monthly gift: `invoice.paid` counts it
        recurring.link_subscription_checkout(session)
        return
    if not session.get("id") or session.get("payment_status") != "paid":
        return  # a delayed payment method: `async_payment_succeeded` follows
    fulfil_checkout_session(
        session["id"],
        session.get("payment_intent") or "",
        session.get("amount_total"),
        session.get("currency"),
        donation_id=session.get("client_reference_id"),
    )


def checkout_session_failed(session):
    """An expired checkout, or a delayed payment that failed: its pending gift failed."""
    if session.get("id"):
        fail_checkout_session(session["id"])


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
}


def process_event(event):
    """Handle a verified event (as a dict) once; False if ignored or seen before."""
    handler = HANDLERS.get(event.get("type"))
    if handler is None:
        return False
    with transaction.atomic():
        try:
            with transaction.atomic():
                StripeEvent.objects.create(event_id=event["id"], type=event["type"])
        except IntegrityError:
            return False  # delivered before
        handler((event.get("data") or {}).get("object") or {})
    return True
