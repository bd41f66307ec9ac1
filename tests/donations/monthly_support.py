"""Monthly gifts in tests: a plan, and Stripe's events for it built from Stripe's published
objects (tests/support/stripe_events.py), shaped as API version 2025 "basil" sends them."""

import time

import factory

from donations.models import RecurringGift
from donations.recurring import plan_metadata
from tests.support.stripe_events import event, stripe_object

SUBSCRIPTION = "sub_test_monthly1"
CUSTOMER = "cus_test_monthly1"


class RecurringGiftFactory(factory.django.DjangoModelFactory):
    """A $25 monthly gift waiting for its Stripe checkout (pass `page=`)."""

    class Meta:
        model = RecurringGift

    amount_cents = 2500
    currency = "usd"
    first_name = "Ana"
    last_name = "Ruiz"
    email = factory.Sequence(lambda n: f"monthly{n}@example.org")
    checkout_session_id = factory.Sequence(lambda n: f"cs_test_monthly{n:04d}")


def session_completed(plan, **fields):
    """checkout.session.completed of `plan`'s subscription checkout."""
    session = stripe_object(
        "checkout.session",
        id=plan.checkout_session_id,
        mode="subscription",
        status="complete",
        payment_status="paid",
        amount_total=plan.amount_cents,
        currency=plan.currency,
        client_reference_id=f"recurring-{plan.pk}",
        customer=CUSTOMER,
        subscription=SUBSCRIPTION,
        metadata=plan_metadata(plan),
        payment_intent=None,
    )
    session.update(fields)
    return event("checkout.session.completed", session)


def invoice(plan, invoice_id, type="invoice.paid", amount=None, **fields):
    """An invoice event of `plan`'s subscription: paid (by default) or failed."""
    amount = plan.amount_cents if amount is None else amount
    paid = type == "invoice.paid"
    obj = stripe_object(
        "invoice",
        id=invoice_id,
        status="paid" if paid else "open",
        amount_due=amount,
        amount_paid=amount if paid else 0,
        amount_remaining=0 if paid else amount,
        currency=plan.currency,
        customer=CUSTOMER,
        billing_reason="subscription_cycle",
        subscription=None,
        parent={
            "type": "subscription_details",
            "quote_details": None,
            "subscription_details": {"metadata": plan_metadata(plan), "subscription": SUBSCRIPTION},
        },
        status_transitions={
            "finalized_at": int(time.time()),
            "marked_uncollectible_at": None,
            "paid_at": int(time.time()) if paid else None,
            "voided_at": None,
        },
        next_payment_attempt=None if paid else int(time.time()) + 3 * 86400,
    )
    obj.update(fields)
    return event(type, obj)


def subscription(plan, type="customer.subscription.updated", status="active", **fields):
    obj = stripe_object(
        "subscription",
        id=SUBSCRIPTION,
        customer=CUSTOMER,
        status=status,
        metadata=plan_metadata(plan),
    )
    obj["items"] = {"object": "list", "data": []}
    obj.update(fields)
    return event(type, obj)
