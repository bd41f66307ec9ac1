"""Receipts: the email a donor gets for every counted gift, a monthly installment included.

`queue_receipt` is called inside the transaction that counts the gift (the webhook, the
local test checkout, a payment accepted after review, a monthly installment); the outbox
sends it once that commits, or never.

`receipt_details` is what every receipt says, wherever it is read: the email, the PDF on
the donor's giving page, the yearly statement.
"""

from django.utils.formats import date_format
from django.utils.translation import gettext_lazy

from northstar.days import organisation_date
from northstar.emails import public_url, send_email
from northstar.models import SiteSettings

from .models import LOCAL_SESSION_PREFIX, refunded_cents

# What a US receipt must say when the donor received nothing for the gift (IRS Pub. 1771).
NO_GOODS_OR_SERVICES = gettext_lazy(
    "No goods or services were provided in exchange for this contribution."
)


def receipt_reference(donation):
    """The short reference a donor quotes ("3F2A9C1B"): the start of the gift's uuid."""
    return str(donation.uuid).split("-")[0].upper()


def receipt_number_display(donation):
    """ "2026-000042" for a numbered receipt, else "" (numbered by the receipt task)."""
    if donation.receipt_number is None:
        return ""
    return f"{donation.receipt_year}-{donation.receipt_number:06d}"


def receipt_details(donation, org=None):
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
    """
    if org is None:
        org = SiteSettings.for_default_site()
    refunded = refunded_cents(donation)
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
    """Queue the receipt email (sent by a worker once the transaction commits).

    `extra`: more of the email's context (a monthly installment's `monthly`,
    `installment_number`, `manage_url`, `test_payment`: donations/recurring.py).
    """
    from .giving import giving_url  # giving.py reads this module's receipt_details

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
            "reference": receipt_reference(donation),
            "test_payment": (donation.checkout_session_id or "").startswith(LOCAL_SESSION_PREFIX),
            "giving_url": giving_url(donation.email),
            **extra,
        },
    )
