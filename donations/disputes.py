"""Disputes (chargebacks) and inquiries on paid gifts, recorded from Stripe's events.

`record_dispute(obj)` keeps one `Dispute` row per Stripe dispute, from the dispute
as Stripe holds it now (re-read: events are unordered), under the gift's lock:
while a dispute is open, and once lost, its amount is off every total the gift
counts on; won, it is back (`refunds.settle` counts the difference). Inquiries
(`warning_*` statuses) move no money. Staff are emailed once, when the dispute is
first recorded, with the evidence deadline in the organisation's time zone and a
link to the dispute in Stripe's dashboard. The fee Stripe withdraws
(`charge.dispute.funds_withdrawn`: the balance transactions' fees) is kept on the
row for the gifts report.
"""

import logging
from datetime import UTC, datetime

import stripe
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.formats import date_format
from wagtail.log_actions import log

from northstar.days import organisation_time
from northstar.emails import send_email

from .models import Dispute
from .money import format_money
from .refunds import donation_for, lock_donation, settle
from .services import as_stripe_holds_it, stripe_client, stripe_enabled
from .stripe_objects import stripe_id

logger = logging.getLogger(__name__)

REFUND_PERMISSION = ("donations", "refund_donation")
DISPUTED = "donations.dispute"  # the log action (registered in `donations.wagtail_hooks`)


def fresh_dispute(obj):
    """The dispute of an event as Stripe holds it now (the event's copy if it cannot be read)."""
    return as_stripe_holds_it(obj, lambda v1: v1.disputes)


def _payment_intent_of(obj):
    """The payment intent a dispute is on: its own field, else its charge's (read from Stripe
    when the charge is only an id)."""
    found = stripe_id(obj.get("payment_intent"))
    if found:
        return found
    charge = obj.get("charge")
    if isinstance(charge, dict):
        return stripe_id(charge.get("payment_intent"))
    if charge and stripe_enabled():
        try:
            return stripe_id(stripe_client().v1.charges.retrieve(charge).get("payment_intent"))
        except stripe.StripeError as exc:
            logger.warning("Could not read charge %s of a dispute: %s", charge, exc)
    return ""


def _fee_cents(obj):
    """Stripe's dispute fee: the fees of the dispute's balance transactions (withdrawal
    and any reinstatement), in cents."""
    fees = 0
    for transaction_ in obj.get("balance_transactions") or []:
        if isinstance(transaction_, dict) and isinstance(transaction_.get("fee"), int):
            fees += transaction_["fee"]
    return fees


def _due_by(obj):
    due = (obj.get("evidence_details") or {}).get("due_by")
    return datetime.fromtimestamp(due, tz=UTC) if isinstance(due, int) else None


def record_dispute(obj):
    """Record a dispute as Stripe holds it (a dict) on its gift and count what it moves;
    the `Dispute`, or None if the payment is not ours or the object is unreadable."""
    dispute_id = stripe_id(obj)
    amount = obj.get("amount")
    status = obj.get("status")
    if not dispute_id or not isinstance(amount, int) or amount < 0 or not status:
        logger.warning("Dispute event without id, amount or status: %s", dispute_id or "?")
        return None
    found = donation_for(_payment_intent_of(obj))
    if found is None:
        logger.warning("Dispute %s is of no gift of ours", dispute_id)
        return None
    with transaction.atomic():
        donation = lock_donation(found.pk)
        dispute = Dispute.objects.filter(stripe_dispute_id=dispute_id).first()
        new = dispute is None
        if new:
            dispute = Dispute(donation=donation, stripe_dispute_id=dispute_id, status=status)
        with settle(donation):
            dispute.amount_cents = amount
            dispute.status = status
            dispute.reason = str(obj.get("reason") or "")[:64]
            dispute.evidence_due_by = _due_by(obj)
            dispute.fee_cents = max(dispute.fee_cents, _fee_cents(obj))
            dispute.save()
        if new:
            log(donation, DISPUTED, data=dispute_data(dispute))
            tell_staff(donation, dispute, livemode=bool(obj.get("livemode")))
    return dispute


def dispute_data(dispute):
    return {
        "amount": format_money(dispute.amount_cents, dispute.donation.currency),
        "status": dispute.status,
        "stripe": dispute.stripe_dispute_id,
    }


def dispute_words(data):
    """ "Disputed $50.00 (needs_response, dp_1)" (the History line of a new dispute)."""
    return f"Disputed {data.get('amount', '?')} ({data.get('status')}, {data.get('stripe')})"


def dispute_changed(obj):
    """`charge.dispute.created`, `.updated`, `.closed`, `.funds_withdrawn`,
    `.funds_reinstated`: record the dispute as it is now."""
    record_dispute(fresh_dispute(obj))


def staff_to_tell():
    """Active staff who may refund gifts (`donations.refund_donation`), superusers included."""
    app_label, codename = REFUND_PERMISSION
    permission = Permission.objects.filter(
        content_type__app_label=app_label, codename=codename
    ).first()
    allowed = Q(is_superuser=True)
    if permission is not None:
        allowed |= Q(user_permissions=permission) | Q(groups__permissions=permission)
    return get_user_model().objects.filter(allowed, is_active=True).distinct()


def dashboard_url(dispute, livemode):
    test = "" if livemode else "test/"
    return f"https://dashboard.stripe.com/{test}disputes/{dispute.stripe_dispute_id}"


def tell_staff(donation, dispute, *, livemode):
    """Email each of `staff_to_tell` about a new dispute or inquiry (after commit)."""
    due = dispute.evidence_due_by
    context = {
        "amount_cents": dispute.amount_cents,
        "gift_cents": donation.given_cents,
        "currency": donation.currency,
        "donor_name": donation.donor_name,
        "page_title": donation.page.title,
        "inquiry": dispute.is_inquiry,
        "reason": dispute.reason,
        "due_by": date_format(organisation_time(due), "DATETIME_FORMAT") if due else "",
        "dashboard_url": dashboard_url(dispute, livemode),
        "gift_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/")
        + reverse("donation:inspect", args=[donation.pk]),
    }
    for user in staff_to_tell():
        send_email("donations/dispute_opened", user.email, context)
