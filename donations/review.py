"""Payments the code will not count, seen by a person.

When Stripe collects, through a checkout we opened for a gift, an amount or a currency
other than the gift's (a discount, tax added), the gift is neither counted nor left
"Pending" like an abandoned checkout: `hold_if_not_countable` puts it in its own state,
`Donation.Status.NEEDS_REVIEW`, with what Stripe collected (amount, currency, payment
intent, session) and why (`Donation.ReviewReason` and a sentence). The donor's page says
we received the payment and are checking it.

Staff see these gifts in the admin's Donations list (a filter, and a count above the list
and on the dashboard), are emailed once a day while any wait
(`remind_staff_of_payments_to_review`, on beat's schedule), and accept one
(`accept_held_payment`): the gift's amount becomes what Stripe collected, it is counted on
every level and receipted, or refund it whole (`donations.refunds.refund`: the gift
becomes "Refunded", no total changes).

A checkout session we did not open (a Payment Link, another app on the same Stripe
account) never reaches this module: it names no gift of ours (`find_donation_for_update`),
so it is logged and left alone, however its `client_reference_id` reads.
"""

import logging

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from wagtail.log_actions import log

from northstar.days import organisation_today
from northstar.emails import send_email
from northstar.models import OutboundEmail, SiteSettings

from .models import REVIEW_ACCEPTED, Donation, Refund
from .money import format_money
from .receipts import queue_receipt

logger = logging.getLogger(__name__)

REVIEW_PERMISSION = "donations.review_donation"
REMINDER_TEMPLATE = "donations/payments_to_review"


class CannotAccept(Exception):
    """The payment cannot be accepted as it is; `str(exc)` says why, for staff."""


def describe_collected(amount_cents, currency):
    """What Stripe collected, in words: "$45.00", "€50.00", or that it could not be read."""
    if amount_cents is None or not currency:
        return "an amount we could not read"
    return format_money(amount_cents, currency)


def not_countable(donation, amount_cents, currency):
    """(reason, sentence) if Stripe's `amount_cents` (minor units, or None when unreadable)
    in `currency` ("usd", or "" when unreadable) cannot be counted for `donation`; else None.
    Stripe charges the gift and the fee the donor covered: it must collect `given_cents`."""
    collected = describe_collected(amount_cents, currency)
    if currency != donation.currency:
        return (
            Donation.ReviewReason.CURRENCY_DIFFERS,
            f"Stripe collected {collected} ({(currency or '?').upper()}) for a gift of "
            f"{given_display(donation)} ({donation.currency.upper()}).",
        )
    if amount_cents != donation.given_cents:
        return (
            Donation.ReviewReason.AMOUNT_DIFFERS,
            f"Stripe collected {collected} for a gift of {given_display(donation)}.",
        )
    return None


def given_display(donation):
    """The gift as staff compare it with what Stripe collected: "$50", or
    "$51.43 ($50 and a fee of $1.43)" when the donor covered the fee."""
    given = format_money(donation.given_cents, donation.currency)
    if not donation.fee_cents:
        return given
    gift = donation.amount_display
    fee = format_money(donation.fee_cents, donation.currency)
    return f"{given} ({gift} and a fee of {fee})"


def hold_if_not_countable(donation, amount_cents, currency, payment_intent_id):
    """Hold the locked `donation` for review if what Stripe collected cannot be counted for
    it; True if it is held (now or before), False if the payment may be counted."""
    if donation.status == Donation.Status.NEEDS_REVIEW:
        return True
    why = not_countable(donation, amount_cents, currency)
    if why is None:
        return False
    reason, detail = why
    logger.error("Donation %s held for review: %s", donation.pk, detail)
    donation.hold_for_review(
        reason,
        detail,
        amount_cents=amount_cents,
        currency=currency,
        payment_intent_id=payment_intent_id,
    )
    return True


def acceptance_problem(donation):
    """Why `donation` cannot be accepted as collected (a sentence for staff), or ""."""
    if donation.status != Donation.Status.NEEDS_REVIEW:
        return f"This gift is {donation.get_status_display().lower()}, not waiting for review."
    if donation.collected_amount_cents is None or not donation.collected_currency:
        return "Stripe's event gave no amount we could read: check the payment in Stripe."
    if donation.collected_amount_cents == 0:
        return "Stripe collected nothing for this gift: there is nothing to count."
    if donation.refunds.filter(status__in=Refund.COUNTED_STATES).exists():
        return (
            "Part of this payment was refunded in Stripe, so it cannot be counted: refund the rest."
        )
    if donation.collected_currency != donation.currency:
        return (
            f"Stripe collected {donation.collected_currency.upper()}, but this page counts "
            f"{donation.currency.upper()}: it cannot be counted toward its totals."
        )
    return ""


def accept_held_payment(donation_id: int, *, by) -> Donation:
    """Count a held payment as Stripe collected it: what the gift gives (`given_cents`)
    becomes the collected amount (minor units): the fee the donor covered stays when the
    collected amount is larger, the gift is the rest (else all of it is the gift, no fee).
    It is marked paid, counted on its page and every level above it,
    and receipted, in one transaction; logged as `REVIEW_ACCEPTED` by staff member `by`.

    Raises `Donation.DoesNotExist`, and `CannotAccept` for a gift not waiting for review,
    an amount that could not be read, or a currency other than the page's.
    """
    with transaction.atomic():
        donation = Donation.objects.select_for_update().get(pk=donation_id)
        problem = acceptance_problem(donation)
        if problem:
            raise CannotAccept(problem)
        was = given_display(donation)
        collected = donation.collected_amount_cents
        if donation.fee_cents >= collected:
            donation.fee_cents = 0
        donation.amount_cents = collected - donation.fee_cents
        donation.save(update_fields=["amount_cents", "fee_cents"])
        donation.mark_paid(donation.payment_intent_id)
        queue_receipt(donation)
        log(
            instance=donation,
            action=REVIEW_ACCEPTED,
            user=by,
            data={"was": was, "counted": given_display(donation)},
        )
    return donation


def waiting_for_review():
    """The gifts held for review, oldest first."""
    return Donation.objects.filter(status=Donation.Status.NEEDS_REVIEW).order_by(
        "held_for_review_at", "pk"
    )


def reviewers():
    """The addresses told of payments to review: active staff who may accept them
    (`REVIEW_PERMISSION`, superusers included), else the organisation's contact address
    (site settings), else none. Sorted, each once."""
    app_label, codename = REVIEW_PERMISSION.split(".")
    may = {"content_type__app_label": app_label, "codename": codename}
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(user_permissions__in=Permission.objects.filter(**may))
            | Q(groups__permissions__in=Permission.objects.filter(**may))
        )
    )
    addresses = sorted({email for email in users.values_list("email", flat=True) if email})
    if addresses:
        return addresses
    contact = SiteSettings.for_default_site().contact_email
    return [contact] if contact else []


def remind_staff_of_payments_to_review(today=None) -> int:
    """Email each reviewer once on the organisation's day `today` (a date; today by
    default) if any payment waits for review: how many, and the oldest few. Returns how
    many emails were queued (0 when none wait, or each was told today already)."""
    waiting = waiting_for_review()
    count = waiting.count()
    if not count:
        return 0
    today = today or organisation_today()
    told_today = set(
        OutboundEmail.objects.filter(
            template=REMINDER_TEMPLATE, context__day=today.isoformat()
        ).values_list("to", flat=True)
    )
    context = {
        "day": today.isoformat(),
        "count": count,
        "payments": [
            {
                "donor": donation.donor_name,
                "gift": given_display(donation),
                "detail": donation.review_detail,
            }
            for donation in waiting[:10]
        ],
        "review_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/")
        + reverse("donation:index")
        + f"?state={Donation.Status.NEEDS_REVIEW}",
    }
    sent = 0
    with transaction.atomic():
        for address in reviewers():
            if address not in told_today:
                send_email(REMINDER_TEMPLATE, address, context)
                sent += 1
    return sent


@shared_task(name="donations.tasks.remind_staff_of_payments_to_review")
def remind_staff_of_payments_to_review_task():
    """Beat's daily reminder (`remind_staff_of_payments_to_review`); returns emails queued."""
    return remind_staff_of_payments_to_review()
