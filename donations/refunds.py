"""Refunds: staff give back all or part of a paid gift, and Stripe's refunds are recorded.

`refund(donation, amount_cents, by=..., reason=...)` writes a `Refund` and takes
its amount off every total the gift counts on (`settle`), in one transaction:
with Stripe configured it asks Stripe to refund (`refunds.create`) inside that
transaction, so a refusal changes nothing; in test mode it refunds at once.

Stripe's events (`refund.created`, `refund.updated`, `refund.failed`,
`charge.refunded`) are reconciled by `record_stripe_refund`, from the refund as
Stripe holds it now (re-read), so a refund made in Stripe's dashboard is recorded
too, and events arriving twice or in any order end with the same totals: each
change reads the gift's counted share (`counted_share`) before and after, and
counts the difference, under the gift's lock.

A payment held for review (`Donation.Status.NEEDS_REVIEW`: Stripe collected money the
code would not count) is refunded the same way, whole: what may be refunded is what
Stripe collected, in its currency; no total changes (it was never counted); once
refunds cover all of it the gift leaves "Needs review" for `Donation.Status.REFUNDED`,
and goes back to "Needs review" if such a refund fails (`_settle_held`).
"""

import logging
from contextlib import contextmanager

import stripe
from django.db import transaction
from django.utils.formats import date_format
from wagtail.log_actions import log
from wagtail.models import Page

from northstar.days import organisation_date
from northstar.emails import public_url, send_email

from .models import (
    Donation,
    Refund,
    count_change,
    counted_share,
    gift_levels,
    refunded_cents,
)
from .money import format_money
from .services import as_stripe_holds_it, stripe_client, stripe_enabled
from .stripe_objects import stripe_id

logger = logging.getLogger(__name__)

DASHBOARD_REASON = "Refunded in Stripe"
REFUNDED = "donations.refund"  # the log action (registered in `donations.wagtail_hooks`)

# Stripe's refund statuses, as ours ("requires_action": still pending).
STRIPE_STATUSES = {
    "pending": Refund.Status.PENDING,
    "requires_action": Refund.Status.PENDING,
    "succeeded": Refund.Status.SUCCEEDED,
    "failed": Refund.Status.FAILED,
    "canceled": Refund.Status.CANCELED,
}


class RefundError(Exception):
    """A refund that cannot be made; its message says why, for staff."""


class RefundTooLarge(RefundError):
    """More than what is left to refund of the gift."""


class GiftNotPaid(RefundError):
    """The gift was never paid (pending, failed): there is nothing to refund."""


class DisputeOpen(RefundError):
    """A dispute is open on the gift: Stripe refuses refunds until it closes."""


class RefundRefused(RefundError):
    """Stripe refused the refund (or could not be reached); nothing changed."""


class HeldRefundedWhole(RefundError):
    """A payment held for review is refunded whole (what is left of what Stripe collected),
    never in part: a part kept would be counted by nobody."""


# The states of a payment held for review, before and after it was refunded whole.
HELD_STATES = (Donation.Status.NEEDS_REVIEW, Donation.Status.REFUNDED)


def is_held(donation):
    """Whether `donation` is a payment held for review (refunded whole or not)."""
    return donation.status in HELD_STATES


def refundable_cents(donation):
    """Cents of `donation` that may still be refunded: of what the donor gave if it is paid
    (`given_cents`: the gift and the fee they covered, all of it charged), of what Stripe
    collected if it is held for review (in `donation.charged_currency`); else 0."""
    if donation.is_paid:
        charged = donation.given_cents
    elif donation.status == Donation.Status.NEEDS_REVIEW:
        charged = donation.collected_amount_cents or 0
    else:
        return 0
    return max(0, charged - refunded_cents(donation))


def open_dispute(donation):
    """The dispute open on `donation` (or an inquiry not closed), or None."""
    return next((d for d in donation.disputes.all() if d.is_open), None)


@contextmanager
def settle(donation):
    """Count on every level of `donation` the change in its counted share that the block
    makes (to its refunds and disputes). Use inside a transaction holding the gift's lock."""
    before = counted_share(donation)
    yield
    after = counted_share(donation)
    count_change(donation, after[0] - before[0], after[1] - before[1])


def lock_donation(pk):
    return Donation.objects.select_for_update().get(pk=pk)


def check_refund(donation, amount_cents):
    """Raise the `RefundError` that refunding `amount_cents` of `donation` meets, if any."""
    held = donation.status == Donation.Status.NEEDS_REVIEW
    if donation.is_offline:  # no card to refund: staff correct or void it (donations/offline.py)
        raise GiftNotPaid("This gift was given offline: correct it or void it instead.")
    if not donation.is_paid and not held:
        raise GiftNotPaid("This gift was not paid, so there is nothing to refund.")
    if held and not donation.collected_amount_cents:
        raise GiftNotPaid(
            "Stripe's event gave no amount we could read for this payment: refund it in "
            "Stripe's dashboard."
        )
    if open_dispute(donation) is not None:
        raise DisputeOpen(
            "A dispute is open on this gift: it can be refunded only once the dispute closes."
        )
    if not isinstance(amount_cents, int) or amount_cents <= 0:
        raise RefundTooLarge("Enter an amount more than zero.")
    left = refundable_cents(donation)
    if held and amount_cents != left:
        raise HeldRefundedWhole(
            f"A payment held for review is refunded whole: {_money(left, donation)} "
            f"(asked: {_money(amount_cents, donation)})."
        )
    if amount_cents > left:
        raise RefundTooLarge(
            f"At most {_money(left, donation)} of this gift is left to refund "
            f"(asked: {_money(amount_cents, donation)})."
        )


def refund(donation: Donation, amount_cents: int, *, by, reason: str = "") -> Refund:
    """Refund `amount_cents` (cents, > 0) of the paid gift `donation`, or all that Stripe
    collected of a payment held for review; the `Refund`.

    In one transaction, under the gift's lock: the `Refund` row, its amount off the
    gift's page and every level it counts on (the gift's count too once nothing is
    left), a log entry on the gift, and, with Stripe configured, Stripe's refund
    (`refunds.create`, idempotency key per refund); in test mode the refund succeeds
    at once and the donor's email is queued. A held payment moves no total and becomes
    `Donation.Status.REFUNDED` (`_settle_held`).

    Raises GiftNotPaid (nor paid nor held, or held with no amount read), DisputeOpen,
    RefundTooLarge (over what is left, or not more than 0), HeldRefundedWhole (part of
    a held payment) and RefundRefused (Stripe said no or could not be reached); each
    changes nothing.
    """
    with transaction.atomic():
        donation = lock_donation(donation.pk)
        check_refund(donation, amount_cents)
        with settle(donation):
            item = Refund.objects.create(
                donation=donation,
                amount_cents=amount_cents,
                reason=reason,
                by=by,
                status=Refund.Status.PENDING,
            )
        log(donation, REFUNDED, user=by, data=refund_data(item))
        if stripe_enabled():
            created = _create_stripe_refund(donation, item)
            item.stripe_refund_id = created["id"]
            item.save(update_fields=["stripe_refund_id"])
            _set_status(donation, item, STRIPE_STATUSES.get(created.get("status"), item.status))
        else:
            _set_status(donation, item, Refund.Status.SUCCEEDED)
        _settle_held(donation)
    return item


def _create_stripe_refund(donation, item):
    """Stripe's refund of `item` (a dict); raises RefundRefused."""
    if not donation.payment_intent_id:
        raise RefundRefused("This gift has no Stripe payment to refund.")
    params = {
        "payment_intent": donation.payment_intent_id,
        "amount": item.amount_cents,
        "reason": "requested_by_customer",
        "metadata": {"refund_id": str(item.pk), "donation_id": str(donation.pk)},
    }
    try:
        created = stripe_client().v1.refunds.create(
            params, {"idempotency_key": f"refund-{item.uuid}"}
        )
    except stripe.StripeError as exc:
        logger.warning("Stripe refused refund %s of donation %s: %s", item.pk, donation.pk, exc)
        raise RefundRefused(
            f"Stripe did not make the refund ({exc.user_message or 'no answer'}); "
            "nothing was changed."
        ) from exc
    return created.to_dict() if hasattr(created, "to_dict") else dict(created)


def refund_data(item):
    """A refund's log entry `data`, in words fixed now."""
    return {
        "amount": item.amount_display,
        "reason": item.reason,
        "refund": item.pk,
        "stripe": item.stripe_refund_id or "",
    }


def refund_words(data):
    """ "Refunded $10.00: Asked by phone" (the History line of a refund)."""
    reason = f": {data['reason']}" if data.get("reason") else ""
    return f"Refunded {data.get('amount', '?')}{reason}"


def _set_status(donation, item, status):
    """Move `item` to `status`, counting the change on the gift's levels; the donor is told
    once, when it first succeeds. Inside the transaction holding the gift's lock."""
    if item.status == status:
        return
    with settle(donation):
        item.status = status
        item.save(update_fields=["status"])
    if status == Refund.Status.SUCCEEDED and not item.donor_told:
        item.donor_told = True
        item.save(update_fields=["donor_told"])
        queue_refund_email(donation, item)
    _settle_held(donation)


def _settle_held(donation):
    """A payment held for review is "Refunded" while its refunds (pending or succeeded) cover
    what Stripe collected, else "Needs review" (a refund that failed puts it back before
    staff). Nothing for any other gift. Inside the transaction holding the gift's lock."""
    if not is_held(donation) or not donation.collected_amount_cents:
        return
    covered = refunded_cents(donation) >= donation.collected_amount_cents
    status = Donation.Status.REFUNDED if covered else Donation.Status.NEEDS_REVIEW
    if donation.status != status:
        donation.status = status
        donation.save(update_fields=["status"])


# --- Stripe's events ------------------------------------------------------------------


def fresh_refund(obj):
    """The refund of an event as Stripe holds it now (re-read: events are unordered)."""
    return as_stripe_holds_it(obj, lambda v1: v1.refunds)


def fresh_charge(obj):
    """The charge of an event as Stripe holds it now, its refunds listed."""
    return as_stripe_holds_it(obj, lambda v1: v1.charges, expand=["refunds"])


def donation_for(payment_intent_id="", metadata=None):
    """The gift a Stripe object belongs to: by its payment intent, else by the refund id
    we put in its metadata; None if neither is ours."""
    if payment_intent_id:
        donation = Donation.objects.filter(payment_intent_id=payment_intent_id).first()
        if donation is not None:
            return donation
    refund_id = str((metadata or {}).get("refund_id") or "")
    if refund_id.isascii() and refund_id.isdigit():
        item = Refund.objects.filter(pk=int(refund_id)).select_related("donation").first()
        if item is not None:
            return item.donation
    return None


def record_stripe_refund(obj, charge_payment_intent=""):
    """Record a refund as Stripe holds it (a dict): ours (by its id, or the id in its
    metadata) or one made in Stripe's dashboard (a new `Refund`); its status and amount
    counted on the gift's levels. The `Refund`, or None if the payment is not ours."""
    refund_id = stripe_id(obj)
    status = STRIPE_STATUSES.get(obj.get("status"))
    amount = obj.get("amount")
    if not refund_id or status is None or not isinstance(amount, int) or amount <= 0:
        logger.warning("Refund event without id, status or amount: %s", refund_id or "?")
        return None
    metadata = obj.get("metadata") or {}
    payment_intent_id = stripe_id(obj.get("payment_intent")) or charge_payment_intent
    found = donation_for(payment_intent_id, metadata)
    if found is None:
        logger.warning("Refund %s is of no gift of ours", refund_id)
        return None
    with transaction.atomic():
        donation = lock_donation(found.pk)
        item = Refund.objects.filter(stripe_refund_id=refund_id).first()
        ours = str(metadata.get("refund_id") or "")
        if item is None and ours.isascii() and ours.isdigit():
            item = Refund.objects.filter(
                pk=int(ours), donation=donation, stripe_refund_id__isnull=True
            ).first()
        if item is None:
            if not donation.is_paid and not is_held(donation):
                logger.warning("Refund %s of gift %s, which is not paid", refund_id, donation.pk)
                return None
            with settle(donation):
                item = Refund.objects.create(
                    donation=donation,
                    amount_cents=amount,
                    status=Refund.Status.FAILED,  # counted below, as its status says
                    stripe_refund_id=refund_id,
                    reason=DASHBOARD_REASON,
                )
            log(donation, REFUNDED, data=refund_data(item))
        elif item.stripe_refund_id != refund_id or item.amount_cents != amount:
            with settle(donation):
                item.stripe_refund_id = refund_id
                item.amount_cents = amount
                item.save(update_fields=["stripe_refund_id", "amount_cents"])
        _set_status(donation, item, status)
    return item


def refund_changed(obj):
    """`refund.created`, `refund.updated`, `refund.failed`: record the refund as it is now."""
    record_stripe_refund(fresh_refund(obj))


def charge_refunded(obj):
    """`charge.refunded`: record each refund of the charge as Stripe holds it now; the
    charge's cumulative `amount_refunded` is checked against what we then count."""
    charge = fresh_charge(obj)
    payment_intent_id = stripe_id(charge.get("payment_intent"))
    refunds = (charge.get("refunds") or {}).get("data") or []
    for item in refunds:
        record_stripe_refund(item, charge_payment_intent=payment_intent_id)
    donation = donation_for(payment_intent_id)
    if donation is not None and charge.get("amount_refunded") != refunded_cents(donation):
        logger.warning(
            "Charge %s: Stripe has refunded %s, we count %s (the refund events will settle it)",
            stripe_id(charge),
            charge.get("amount_refunded"),
            refunded_cents(donation),
        )


# --- what people read -----------------------------------------------------------------


def _money(cents, donation):
    return format_money(cents, donation.charged_currency, exact=True)


def queue_refund_email(donation, item):
    """Tell the donor (through the outbox, after commit) what was refunded of which gift
    and that their receipt now stands for what is left."""
    page = donation.page.specific
    held = is_held(donation)  # never counted: the gift is what Stripe collected, no receipt
    gift_cents = donation.collected_amount_cents if held else donation.given_cents
    paid_at = donation.held_for_review_at if held else donation.paid_at
    send_email(
        "donations/refund",
        donation.email,
        {
            "first_name": donation.first_name,
            "amount_cents": item.amount_cents,
            "gift_cents": gift_cents,
            "net_cents": max(0, gift_cents - refunded_cents(donation)),
            "never_counted": held,
            "currency": donation.charged_currency,
            "page_title": page.title,
            "page_url": public_url(page),
            "paid_on": date_format(organisation_date(paid_at), "F j, Y"),
            "refunded_on": date_format(organisation_date(item.created), "F j, Y"),
            "reference": str(donation.uuid).split("-")[0].upper(),
        },
    )


def totals_affected(donation):
    """The pages whose totals a refund of `donation` changes, as (title, kind) pairs, page
    first: for the admin's confirm step."""
    ids = gift_levels(donation.page_id)
    pages = Page.objects.filter(pk__in=ids).specific().in_bulk()
    return [(pages[pk].title, pages[pk]._meta.verbose_name) for pk in ids if pk in pages]
