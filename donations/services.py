"""Giving: starting a gift, its checkout, and marking it paid exactly once.

`start_donation` writes a pending `Donation` and opens its checkout: Stripe
Checkout when STRIPE_SECRET_KEY is set, otherwise the local test checkout.
Stripe's webhook and the test checkout both end in `fulfil_checkout_session`,
which marks the gift paid, adds it to the page's total and queues the receipt,
all in one transaction, once however often it is called.
"""

import logging
import secrets

import stripe
from django.conf import settings
from django.db import transaction
from django.urls import reverse

from northstar.emails import absolute_url, public_url

from .models import LOCAL_SESSION_PREFIX, Donation
from .money import normalise_currency
from .receipts import queue_receipt
from .review import hold_if_not_countable
from .stripe_objects import metadata_ids, stripe_id
from .tributes import tribute_fields

logger = logging.getLogger(__name__)


class CheckoutUnavailable(Exception):
    """The payment provider could not open a checkout; nothing was charged."""


def stripe_enabled():
    return bool(settings.STRIPE_SECRET_KEY)


def stripe_client():
    """Stripe's client with the account's secret key (settings.STRIPE_SECRET_KEY): the one
    way the donations app talks to Stripe."""
    return stripe.StripeClient(settings.STRIPE_SECRET_KEY)


def as_stripe_holds_it(obj, retrieve, **params):
    """The Stripe object an event carries (`obj`), as Stripe holds it now: `retrieve` (a
    service of `stripe_client().v1`, e.g. `.refunds`) reads it again by its id, with
    `params`, because events arrive late, twice and in any order. The event's own copy
    when Stripe is not configured or cannot be read (logged)."""
    object_id = stripe_id(obj)
    if not object_id or not stripe_enabled():
        return obj
    try:
        return retrieve(stripe_client().v1).retrieve(object_id, params or None).to_dict()
    except stripe.StripeError as exc:
        logger.warning("Could not re-read %s (%s): using the event's copy", object_id, exc)
        return obj


def test_checkout_enabled():
    """Whether the local test checkout may complete gifts: no Stripe key, and DEBUG on or the
    operator's ALLOW_EMBEDDED_DEFAULTS (settings refuse to start without either; this is the
    second line of defence)."""
    return not stripe_enabled() and (settings.DEBUG or settings.ALLOW_EMBEDDED_DEFAULTS)


def local_payment_intent(donation):
    """The payment intent id the local test checkout pays `donation` with."""
    return f"pi_local_{donation.uuid.hex}"


def thank_you_path(donation):
    return reverse("donations:thank-you", args=[donation.checkout_token])


def donor_fields(page, data) -> dict:
    """The fields a gift and a monthly gift share, from the donate form's cleaned `data`: the
    page given to, the amount and the fee the donor chose to cover (minor units of the page's
    currency; no fee when `data` has none), who gives and what they let others see."""
    return {
        "page": page,
        "amount_cents": data["amount_cents"],
        "fee_cents": data.get("fee_cents") or 0,
        "currency": page.currency,
        "first_name": data["first_name"],
        "last_name": data["last_name"],
        "email": data["email"],
        "name_shown": data.get("name_shown") or Donation.NameShown.ANONYMOUS,
        "show_amount_publicly": data.get("show_amount_publicly", False),
        "message": data.get("message", ""),
    }


def start_donation(page, data):
    """Record a pending gift to `page` from the cleaned donate form; the URL of its checkout.
    A one-time gift keeps the form's tribute (in honour or memory, donations/tributes.py)."""
    donation = Donation(
        **donor_fields(page, data), **tribute_fields(data), referral=data.get("referral", "")
    )
    if not stripe_enabled():
        donation.checkout_session_id = LOCAL_SESSION_PREFIX + secrets.token_hex(16)
        donation.save(force_insert=True)
        return reverse("donations:test-checkout", args=[donation.checkout_token])
    donation.save(force_insert=True)
    session = create_checkout_session(page, donation)
    Donation.objects.filter(pk=donation.pk).update(checkout_session_id=session.id)
    return session.url


def line_item(currency, cents, name) -> dict:
    """One line of a Stripe Checkout Session: `cents` (minor units) of `currency`, named."""
    return {
        "quantity": 1,
        "price_data": {
            "currency": currency,
            "unit_amount": cents,
            "product_data": {"name": name},
        },
    }


def checkout_line_items(page, donation) -> list[dict]:
    """What Stripe's checkout lists: the gift, and the fee the donor chose to cover as a line
    of its own ("Covering the processing fee"), so the donor sees both before paying; Stripe
    charges their sum (`donation.given_cents`)."""
    items = [line_item(donation.currency, donation.amount_cents, f"Gift to {page.title}")]
    if donation.fee_cents:
        items.append(
            line_item(
                donation.currency,
                donation.fee_cents,
                "Covering the processing fee, so that all of the gift reaches the cause",
            )
        )
    return items


def create_checkout_session(page, donation):
    """A Stripe Checkout Session for `donation` (the gift and the fee covered, as
    `checkout_line_items`); marks it failed and raises if Stripe says no."""
    client = stripe_client()
    params = {
        "mode": "payment",
        "submit_type": "donate",
        "line_items": checkout_line_items(page, donation),
        "customer_email": donation.email,
        "client_reference_id": str(donation.pk),
        "metadata": {"donation_id": str(donation.pk), "page_id": str(page.pk)},
        "payment_intent_data": {"metadata": {"donation_id": str(donation.pk)}},
        "success_url": absolute_url(thank_you_path(donation)),
        "cancel_url": public_url(page),
    }
    try:
        return client.v1.checkout.sessions.create(
            params, {"idempotency_key": f"donation-{donation.uuid}"}
        )
    except stripe.StripeError as exc:
        logger.warning("Stripe refused a checkout for donation %s: %s", donation.pk, exc)
        donation.mark_failed()
        raise CheckoutUnavailable from exc


def fulfil_checkout_session(session_id, payment_intent_id, amount_total, currency, metadata=None):
    """Mark the gift of a paid checkout paid; True if this call did, False otherwise.

    `amount_total` is what Stripe collected in minor units (None if unreadable),
    `currency` its code ("usd"; "" if unreadable), `metadata` the session's own metadata
    (a dict). Only a checkout we opened fulfils a gift (`find_donation_for_update`); any
    other is logged and changes nothing. The gift is locked, so concurrent deliveries of
    the same payment queue up and the second finds it paid. A payment whose amount differs
    from what the donor gives (`given_cents`: the gift and the fee covered), or whose
    currency differs from the gift's, is not counted: the gift is held for a person to
    review (`review.hold_if_not_countable`).
    """
    with transaction.atomic():
        donation = find_donation_for_update(session_id, metadata)
        if donation is None:
            logger.warning("Checkout session %s is not one we opened for a gift", session_id)
            return False
        if donation.is_paid:
            return False
        donation.checkout_session_id = session_id
        # Stripe writes currencies lower-case, as the gift's is stored (campaigns allow only
        # SUPPORTED_CURRENCIES, saved lower-case): compared as stored, never as typed.
        currency = normalise_currency(currency)
        if hold_if_not_countable(donation, amount_total, currency, payment_intent_id):
            return False
        donation.mark_paid(payment_intent_id)
        queue_receipt(donation)
    return True


def find_donation_for_update(session_id, metadata=None):
    """The gift of a checkout we opened, locked; None for any other checkout.

    By its stored session id; or, when Stripe's event overtakes the request that saves
    the id, by the session's own `metadata` as `create_checkout_session` writes it
    (`donation_id` and `page_id`, ASCII digits: int() would also read "١٢" as 12),
    naming a gift still pending that has no session yet. A session's
    `client_reference_id` is never enough: a Payment Link or another app on the same
    Stripe account can write any number there.
    """
    donations = Donation.objects.select_for_update()
    if session_id:
        donation = donations.filter(checkout_session_id=session_id).first()
        if donation is not None:
            return donation
    named = metadata_ids(metadata, "donation_id", "page_id")
    if not session_id or named is None:
        return None
    donation_id, page_id = named
    return donations.filter(
        pk=donation_id,
        page_id=page_id,
        status=Donation.Status.PENDING,
        checkout_session_id__isnull=True,
    ).first()


def fail_checkout_session(session_id):
    """A checkout that expired or whose payment failed: its pending gift is marked failed."""
    with transaction.atomic():
        donation = Donation.objects.select_for_update().filter(checkout_session_id=session_id)
        donation = donation.first()
        return bool(donation and donation.mark_failed())
