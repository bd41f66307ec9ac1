"""Receipts: the email a donor gets for every counted gift, a monthly installment included.

`queue_receipt` is called inside the transaction that counts the gift (the webhook, the
local test checkout, a payment accepted after review, a monthly installment); the outbox
sends it once that commits, or never.
"""

from django.utils.formats import date_format

from northstar.days import organisation_date
from northstar.emails import public_url, send_email

from .models import LOCAL_SESSION_PREFIX


def queue_receipt(donation, **extra):
    """Queue the receipt email (sent by a worker once the transaction commits).

    `extra`: more of the email's context (a monthly installment's `monthly`,
    `installment_number`, `manage_url`, `test_payment`: donations/recurring.py).
    """
    page = donation.page.specific
    send_email(
        "donation_receipt",
        donation.email,
        {
            "first_name": donation.first_name,
            "amount_cents": donation.amount_cents,  # shown with the `money` filter
            "currency": donation.currency,
            "page_title": page.title,
            "page_url": public_url(page),
            "paid_on": date_format(organisation_date(donation.paid_at), "F j, Y"),
            "reference": str(donation.uuid).split("-")[0].upper(),
            "test_payment": (donation.checkout_session_id or "").startswith(LOCAL_SESSION_PREFIX),
            **extra,
        },
    )
