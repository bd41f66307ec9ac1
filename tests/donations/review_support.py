"""Checkout sessions as Stripe sends them, for the review tests (test_review_*.py)."""

from tests.support.stripe_events import event, stripe_object


def paid_session(donation, **fields):
    """Stripe's published checkout session, completed and paid for `donation` through the
    checkout we opened for it (its session id, our metadata), with `fields` set."""
    session = stripe_object(
        "checkout.session",
        id=donation.checkout_session_id or "cs_test_overtaking",
        amount_total=donation.amount_cents,
        amount_subtotal=donation.amount_cents,
        currency=donation.currency,
        client_reference_id=str(donation.pk),
        metadata={"donation_id": str(donation.pk), "page_id": str(donation.page_id)},
        payment_intent="pi_3PaidByStripe",
        payment_status="paid",
        status="complete",
    )
    session.update(fields)
    return session


def completed(session, type="checkout.session.completed"):
    """The event Stripe sends when `session` completes (or `type`: "checkout.session.expired")."""
    return event(type, session)
