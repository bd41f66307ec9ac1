"""The yearly statement: in January each donor gets one email listing every gift they gave in
the previous year (online, monthly installments, offline), refunds netted, and the year's
deductible total.

Beat runs `send_yearly_statements` at 09:00 on January 2nd, the organisation's time
(site/settings.py says why then). The year is the organisation's (`northstar.days`): a gift
paid at 23:30 on December 31st in its zone is in that year, whatever UTC says.

Donors are the addresses of the year's counted gifts, compared without case and iterated in
batches of `BATCH_SIZE`: each batch reads its addresses, their gifts and those gifts' refunds
in three queries, writes one `YearlyStatement` per address (one INSERT ... ON CONFLICT DO
NOTHING for the batch) and one outbox row per statement written, all in one transaction. A
statement already written (by an earlier run, or a run at the same time) is skipped, so a
rerun sends nothing twice; a batch that rolls back leaves neither its rows nor its email.

What each gift says comes from `receipts.receipt_details`, as on its receipt.
"""

import logging
from datetime import date

from celery import shared_task
from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Lower
from django.utils import timezone

from northstar.days import organisation_today, within_days
from northstar.emails import send_email
from northstar.models import SiteSettings

from .models import Donation, Refund, YearlyStatement
from .receipts import NO_GOODS_OR_SERVICES, receipt_details

logger = logging.getLogger(__name__)

BATCH_SIZE = 200  # donors a transaction: their gifts are read in one query


def previous_year() -> int:
    """The year before the organisation's today."""
    return organisation_today().year - 1


def gifts_of_year(year: int):
    """The counted gifts paid on the organisation's days of `year` (a queryset, each with its
    lower-cased `address`)."""
    return Donation.objects.filter(
        within_days("paid_at", date(year, 1, 1), date(year, 12, 31)),
        status__in=Donation.COUNTED_STATES,
    ).annotate(address=Lower("email"))


def donor_batches(year: int, size: int = BATCH_SIZE):
    """Lists of up to `size` lower-cased addresses that gave in `year` and have no statement
    for it yet, in address order (each list read when the one before was sent)."""
    sent = YearlyStatement.objects.filter(year=year).values("email")
    addresses = (
        gifts_of_year(year)
        .exclude(address__in=sent)
        .order_by("address")
        .values_list("address", flat=True)
        .distinct()
    )
    last = ""
    while True:
        batch = list(addresses.filter(address__gt=last)[:size])
        if not batch:
            return
        yield batch
        last = batch[-1]


def refunded_by_gift(gifts) -> dict[int, int]:
    """{gift id: cents refunded or being refunded} for the gift ids `gifts`, in one query."""
    rows = (
        Refund.objects.filter(donation__in=gifts, status__in=Refund.COUNTED_STATES)
        .values_list("donation_id")
        .annotate(total=Sum("amount_cents"))
        .order_by()
    )
    return dict(rows)


def statement_line(donation, details):
    """One gift's line on a statement (JSON-able): `receipt_details`' words and amounts, and
    its kind ("Monthly", "Offline: Cheque" or "")."""
    kind = ""
    if details["offline"]:
        kind = f"Offline: {details['offline']}"
    elif donation.recurring_gift_id:
        kind = "Monthly"
    return {
        "paid_on": details["paid_on"],
        "page_title": details["page_title"],
        "number": details["number"],
        "reference": details["reference"],
        "currency": details["currency"],
        "amount_cents": details["amount_cents"],
        "fee_cents": details["fee_cents"],
        "refunded_cents": details["refunded_cents"],
        "net_cents": details["net_cents"],
        "dedication": details["dedication"],
        "kind": kind,
    }


def statement_totals(lines) -> list[dict]:
    """The deductible total of `lines` per currency, [{"currency", "net_cents"}], the currency
    with the most gifts first (one entry unless the donor gave in several currencies)."""
    totals, counts = {}, {}
    for line in lines:
        currency = line["currency"]
        totals[currency] = totals.get(currency, 0) + line["net_cents"]
        counts[currency] = counts.get(currency, 0) + 1
    order = sorted(totals, key=lambda currency: (-counts[currency], currency))
    return [{"currency": currency, "net_cents": totals[currency]} for currency in order]


def send_statement_batch(year: int, addresses: list[str], org=None) -> int:
    """Write the `year` statement of each of `addresses` (lower-cased) that has none, and
    queue its email, in one transaction; return how many were sent.

    A constant number of queries for the batch (addresses, gifts, refunds, the statements'
    INSERT and the read of which it wrote), then one outbox row per statement written.
    """
    org = org or SiteSettings.for_default_site()
    with transaction.atomic():
        return _send_statement_batch(year, addresses, org)


def _send_statement_batch(year, addresses, org):
    gifts = list(
        gifts_of_year(year)
        .filter(address__in=addresses)
        .select_related("page")
        .order_by("address", "paid_at", "pk")
    )
    refunded = refunded_by_gift([gift.pk for gift in gifts])
    lines_of, first_name_of = {}, {}
    for gift in gifts:
        details = receipt_details(gift, org, refunded_cents=refunded.get(gift.pk, 0))
        lines_of.setdefault(gift.address, []).append(statement_line(gift, details))
        first_name_of[gift.address] = gift.first_name  # the latest gift's name
    sent_at = timezone.now()  # marks the rows this run writes
    statements = []
    for address, lines in lines_of.items():
        [main, *_] = statement_totals(lines)
        statements.append(
            YearlyStatement(
                email=address,
                year=year,
                total_cents=main["net_cents"],
                currency=main["currency"],
                sent_at=sent_at,
            )
        )
    YearlyStatement.objects.bulk_create(statements, ignore_conflicts=True)
    written = set(
        YearlyStatement.objects.filter(
            year=year, email__in=list(lines_of), sent_at=sent_at
        ).values_list("email", flat=True)
    )
    for address in sorted(written):
        lines = lines_of[address]
        send_email(
            "donations/yearly_statement",
            address,
            {
                "first_name": first_name_of[address],
                "year": year,
                "gifts": lines,
                "totals": statement_totals(lines),
                "legal_name": org.legal_name or org.organisation_name,
                "postal_address": org.postal_address,
                "ein": org.ein,
                "no_goods": str(NO_GOODS_OR_SERVICES),
            },
        )
    return len(written)


def send_yearly_statements(year: int | None = None) -> int:
    """Email every donor of `year` (the organisation's previous year when None) who has no
    statement for it yet one statement; return how many were sent."""
    year = year or previous_year()
    org = SiteSettings.for_default_site()
    sent = 0
    for addresses in donor_batches(year):
        sent += send_statement_batch(year, addresses, org)
    logger.info("Yearly statements for %s: %s sent", year, sent)
    return sent


@shared_task(name="donations.tasks.send_yearly_statements")
def send_yearly_statements_task(year: int | None = None) -> int:
    """Beat's January run (the previous year), or a given year."""
    return send_yearly_statements(year)
