"""Receipts: the email a donor gets for every counted gift, a monthly installment included,
numbered per year without gaps.

`queue_receipt` is called inside the transaction that counts the gift (the webhook, the
local test checkout, a payment accepted after review, a monthly installment, an offline
gift staff confirm). It writes nothing: once that transaction commits it enqueues
`send_receipt_task`, so the webhook's hot path never waits on the year's receipt number.

`send_receipt` (the task's work, and staff's "Re-send receipt") does, in ONE transaction:
lock the gift; if it has no number yet, lock the year's `ReceiptSequence` row and take the
next number; write it on the gift; queue the email in the outbox. The number and the
outbox row commit together or not at all, so a rollback (a worker killed, a database that
blinks) leaves no gap; a retry or a re-send finds the gift numbered and reuses its number.
Numbers are never freed: a gift refunded or voided later keeps its number. The year is
the organisation's year of the day the gift was paid (`northstar.days`).

`receipt_details` is what every receipt says, wherever it is read: the email, the PDF on
the donor's giving page, the yearly statement.
"""

import logging

from celery import shared_task
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy
from wagtail.log_actions import log

from northstar.days import organisation_date
from northstar.emails import public_url, send_email
from northstar.models import SiteSettings

from .models import LOCAL_SESSION_PREFIX, Donation, ReceiptSequence
from .models import refunded_cents as read_refunded_cents

logger = logging.getLogger(__name__)

# What a US receipt must say when the donor received nothing for the gift (IRS Pub. 1771).
NO_GOODS_OR_SERVICES = gettext_lazy(
    "No goods or services were provided in exchange for this contribution."
)

RECEIPT_SENT = "donations.receipt_sent"  # staff sent a gift's receipt (again)


class NoReceipt(Exception):
    """The gift is not counted (pending, failed, awaiting confirmation, voided, refunded while
    held for review): it has no receipt to send. The message says why, for staff."""


def receipt_reference(donation):
    """The short reference a donor quotes ("3F2A9C1B"): the start of the gift's uuid."""
    return str(donation.uuid).split("-")[0].upper()


def receipt_number_display(donation):
    """ "2026-000042" for a numbered receipt, else "" (numbered by the receipt task)."""
    if donation.receipt_number is None:
        return ""
    return f"{donation.receipt_year}-{donation.receipt_number:06d}"


def receipt_details(donation, org=None, *, refunded_cents=None):
    """What every receipt of `donation` says, as a dict:

    - `number` ("2026-000042", "" until numbered), `reference`, `paid_on` (the
      organisation's date, "December 8, 2026"), `page_title`;
    - money in minor units of `currency`: `amount_cents` (the gift), `fee_cents` (the fee the
      donor covered), `given_cents` (both), `refunded_cents` (refunds pending or
      succeeded), `net_cents` (what was given less what was refunded: the deductible
      amount);
    - the organisation from `org` (a `SiteSettings`, the default site's when None):
      `legal_name` (else its name), `postal_address`, `ein`;
    - `no_goods`: the sentence that nothing was given in exchange;
    - `dedication`: "In memory of Rosa Diaz" or "";
    - `offline`: the method's words for an offline gift ("Cheque"), else "";
    - `test_payment`: paid through the local test checkout (no card charged).

    `refunded_cents`: the gift's refunds when the caller read them already (the yearly
    statement reads a batch's in one query); read here when None.
    """
    if org is None:
        org = SiteSettings.for_default_site()
    refunded = read_refunded_cents(donation) if refunded_cents is None else refunded_cents
    dedication = ""
    if donation.tribute and donation.tribute_name:
        dedication = f"{donation.get_tribute_display()} {donation.tribute_name}"
    paid_at = donation.paid_at or donation.created_at
    return {
        "number": receipt_number_display(donation),
        "reference": receipt_reference(donation),
        "paid_on": date_format(organisation_date(paid_at), "F j, Y"),
        "page_title": donation.page.title,
        "currency": donation.currency,
        "amount_cents": donation.amount_cents,
        "fee_cents": donation.fee_cents,
        "given_cents": donation.given_cents,
        "refunded_cents": refunded,
        "net_cents": max(0, donation.given_cents - refunded),
        "legal_name": org.legal_name or org.organisation_name,
        "postal_address": org.postal_address,
        "ein": org.ein,
        "no_goods": str(NO_GOODS_OR_SERVICES),
        "dedication": dedication,
        "offline": donation.get_method_display() if donation.is_offline else "",
        "test_payment": (donation.checkout_session_id or "").startswith(LOCAL_SESSION_PREFIX),
    }


def queue_receipt(donation, **extra):
    """Number and email `donation`'s receipt once the current transaction commits (by
    `send_receipt_task`, on a worker): nothing is written now.

    `extra`: more of the email's context, JSON-able (a monthly installment's `monthly`,
    `installment_number`, `manage_url`, `test_payment`: donations/recurring.py).
    """
    send_receipt_task.delay_on_commit(donation.pk, extra)


def receipt_year(donation) -> int:
    """The organisation's year of the day `donation` was paid: its receipt's year."""
    return organisation_date(donation.paid_at or donation.created_at).year


def number_receipt(donation) -> bool:
    """Give the locked, counted `donation` the next receipt number of its year unless it has
    one; True if it took a number now. Call inside the transaction that queues its email."""
    if donation.receipt_number is not None:
        return False
    year = receipt_year(donation)
    ReceiptSequence.objects.get_or_create(year=year)
    sequence = ReceiptSequence.objects.select_for_update().get(year=year)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    donation.receipt_year, donation.receipt_number = year, sequence.last_number
    donation.save(update_fields=["receipt_year", "receipt_number"])
    return True


def receipt_context(donation, extra=None):
    """The receipt email's context (JSON-able): `receipt` (`receipt_details`), and the words
    the templates read beside it; `extra` last, so a caller's `test_payment` wins."""
    from .giving import giving_url  # giving.py reads this module's receipt_details

    page = donation.page.specific
    details = receipt_details(donation)
    return {
        "first_name": donation.first_name,
        "amount_cents": donation.amount_cents,  # shown with the `money` filter
        "currency": donation.currency,
        "page_title": page.title,
        "page_url": public_url(page),
        "paid_on": details["paid_on"],
        "reference": details["reference"],
        "test_payment": details["test_payment"],
        "receipt": details,
        "giving_url": giving_url(donation.email),
        **(extra or {}),
    }


def send_receipt(donation_id: int, extra: dict | None = None, *, by=None) -> Donation:
    """Number `donation_id`'s receipt if it has no number yet and queue its email, in one
    transaction; return the gift.

    `extra`: more of the email's context (`queue_receipt`). `by`: the staff member who
    asked (a re-send: `extra` is the gift's own, `resend_extra`; always emailed, and logged
    in the gift's history, `RECEIPT_SENT`). Without `by` (the task), a gift numbered already
    had its receipt queued with its number: nothing is sent again (a task delivered twice).

    Raises `Donation.DoesNotExist`, and `NoReceipt` for a gift not counted (nothing is
    numbered or sent).
    """
    with transaction.atomic():
        donation = (
            Donation.objects.select_for_update(of=("self",))
            .select_related("page")
            .get(pk=donation_id)
        )
        if donation.status not in Donation.COUNTED_STATES:
            raise NoReceipt(
                f"This gift is {donation.get_status_display().lower()}, not counted: "
                "it has no receipt to send."
            )
        numbered_now = number_receipt(donation)
        if not numbered_now and by is None:
            return donation  # its receipt went with its number
        if by is not None:
            extra = resend_extra(donation)
        send_email("donation_receipt", donation.email, receipt_context(donation, extra))
        if by is not None:
            log(
                instance=donation,
                action=RECEIPT_SENT,
                user=by,
                data={
                    "number": receipt_number_display(donation),
                    "to": donation.email,
                    "numbered_now": numbered_now,
                },
            )
    return donation


def resend_extra(donation) -> dict:
    """The context a monthly installment's receipt had (`recurring.record_installment`), for
    a re-send; {} for any other gift."""
    plan = donation.recurring_gift
    if plan is None:
        return {}
    from .recurring import LOCAL_INVOICE_PREFIX, manage_url  # recurring imports this module

    earlier = plan.installments.filter(
        status__in=Donation.COUNTED_STATES, paid_at__lte=donation.paid_at
    )
    return {
        "monthly": True,
        "installment_number": earlier.count(),
        "manage_url": manage_url(plan),
        "test_payment": (donation.stripe_invoice_id or "").startswith(LOCAL_INVOICE_PREFIX),
    }


def receipt_sent_words(data):
    """The History line of `RECEIPT_SENT`."""
    numbered = " (numbered now)" if data.get("numbered_now") else ""
    return f"Receipt {data.get('number', '?')}{numbered} emailed to {data.get('to', '?')}"


@shared_task(name="donations.tasks.send_receipt")
def send_receipt_task(donation_id: int, extra: dict | None = None) -> None:
    """Number and email a counted gift's receipt (`send_receipt`); a gift no longer counted
    when the task runs (voided meanwhile) gets none."""
    try:
        send_receipt(donation_id, extra)
    except (Donation.DoesNotExist, NoReceipt) as refused:
        logger.info("No receipt for gift %s: %s", donation_id, refused)
