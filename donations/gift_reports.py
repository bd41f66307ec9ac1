"""What the staff gifts list reads: its filters, its totals, its chart and its CSV.

Every figure is read from the filtered gifts (a `Donation` queryset annotated by
`gift_admin.with_outcomes`) in a fixed number of queries, whatever the number of gifts:

- `filter_state`, `filter_kind`, `filter_campaign`, `search_gifts`: the list's filters;
- `gift_totals`: how many gifts, and what they raised net (gift + fee − refunds − disputes
  open or lost), per currency, in ONE query;
- `raised_per_day_by_campaign`: a per-day chart per campaign, each refund on the day it
  was made (three queries);
- `export_rows` / `EXPORT_COLUMNS`: the CSV, one row per gift read from a server-side
  cursor in chunks (`EXPORT_CHUNK`), so memory stays flat at a million gifts.

Days are the organisation's (`northstar.days`), whatever zone a staff member's profile has.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, Q, Sum, Value
from django.db.models.functions import Coalesce, Concat
from wagtail.models import Page, get_page_models

from northstar.charts import BarChart, money_chart, per_day
from northstar.days import (
    day_of,
    last_days,
    organisation_time,
    organisation_today,
    organisation_zone,
    within_days,
)

from .models import Donation, Refund
from .money import DEFAULT_CURRENCY, format_money, minor_units
from .receipts import receipt_number_display

# --- Filters -------------------------------------------------------------------------

# A gift's state as the list filters it: its status, and for a paid gift what happened
# after (refunds, disputes); each gift is in exactly one state.
PAID = "paid"
PARTLY_REFUNDED = "partly_refunded"
REFUNDED = "refunded"
DISPUTED = "disputed"
STATE_CHOICES = [
    (PAID, "Paid, nothing refunded or disputed"),
    (PARTLY_REFUNDED, "Partly refunded"),
    (REFUNDED, "Refunded"),
    (DISPUTED, "Disputed"),
    (Donation.Status.NEEDS_REVIEW, "Needs review"),
    (Donation.Status.PENDING, "Pending (checkout not completed)"),
    (Donation.Status.FAILED, "Failed"),
    (Donation.Status.AWAITING_CONFIRMATION, "Awaiting confirmation (offline)"),
    (Donation.Status.VOIDED, "Voided (offline)"),
]

ONE_TIME = "one_time"
MONTHLY = "monthly"
OFFLINE = "offline"
KIND_CHOICES = [(ONE_TIME, "One-time"), (MONTHLY, "Monthly"), (OFFLINE, "Offline")]


def filter_state(gifts, state: str):
    """The gifts of `gifts` (annotated by `with_outcomes`) in `state` (`STATE_CHOICES`)."""
    refunded = Q(refunded_total__gt=0)
    whole = refunded & Q(refunded_total__gte=F("charged_total"))
    if state == PAID:
        return gifts.filter(status=Donation.Status.PAID, refunded_total=0, is_disputed=False)
    if state == PARTLY_REFUNDED:
        return gifts.filter(refunded & ~whole, is_disputed=False)
    if state == REFUNDED:
        return gifts.filter(whole | Q(status=Donation.Status.REFUNDED), is_disputed=False)
    if state == DISPUTED:
        return gifts.filter(is_disputed=True)
    return gifts.filter(status=state)


def filter_kind(gifts, kind: str):
    """One-time (online, not an installment), monthly (an installment) or offline gifts."""
    if kind == ONE_TIME:
        return gifts.filter(method=Donation.Method.CARD, recurring_gift__isnull=True)
    if kind == MONTHLY:
        return gifts.filter(recurring_gift__isnull=False)
    if kind == OFFLINE:
        return gifts.filter(method__in=Donation.OFFLINE_METHODS)
    return gifts


def filter_campaign(gifts, campaign: Page):
    """The gifts to `campaign` and to every page under it (its fundraiser pages, its teams)."""
    return gifts.filter(page__path__startswith=campaign.path)


def with_gift_time(gifts):
    """`gifts` annotated with `gift_time`: when a gift was paid, else when it was started."""
    return gifts.annotate(gift_time=Coalesce("paid_at", "created_at"))


def filter_days(gifts, first: date | None, last: date | None):
    """The gifts paid (or, unpaid, started) on the organisation's days `first` to `last`,
    both included (either None: no bound). `gifts` is annotated by `with_gift_time`."""
    return gifts.filter(within_days("gift_time", first, last))


def search_gifts(gifts, query: str):
    """The gifts whose donor's name or email, or the name they gave in honour or in memory
    of, holds every word of `query` (case-insensitive): "rosa diaz" finds "Rosa Diaz"."""
    gifts = gifts.annotate(
        donor_full_name=Concat("first_name", Value(" "), "last_name"),
    )
    for word in query.split():
        gifts = gifts.filter(
            Q(donor_full_name__icontains=word)
            | Q(email__icontains=word)
            | Q(tribute_name__icontains=word)
        )
    return gifts


# --- Totals --------------------------------------------------------------------------


@dataclass(frozen=True)
class CurrencyTotal:
    """What the paid gifts in one currency raised, in its minor units."""

    currency: str
    paid_count: int
    gift_cents: int
    fee_cents: int
    refunded_cents: int
    disputed_cents: int  # disputes open or lost: off the totals, as the thermometer counts

    @property
    def net_cents(self):
        return self.gift_cents + self.fee_cents - self.refunded_cents - self.disputed_cents

    @property
    def net_display(self):
        return format_money(self.net_cents, self.currency, exact=True)


@dataclass(frozen=True)
class GiftTotals:
    count: int  # every gift filtered, whatever its state
    currencies: list[CurrencyTotal]  # what the paid ones raised, per currency


def gift_totals(gifts) -> GiftTotals:
    """How many gifts `gifts` (annotated by `with_outcomes`) holds, and what its paid gifts
    raised net of refunds and of disputes open or lost (as every total counts them), per
    currency: ONE query (the refunds are the annotation's
    subquery). A gift not paid (pending, failed, awaiting, voided...) counts in `count`
    and raises nothing."""
    paid = Q(status__in=Donation.COUNTED_STATES)
    rows = (
        gifts.order_by()
        .values("currency")
        .annotate(
            n=Count("pk"),
            paid_n=Count("pk", filter=paid),
            gift=Coalesce(Sum("amount_cents", filter=paid), 0),
            fee=Coalesce(Sum("fee_cents", filter=paid), 0),
            refunded=Coalesce(Sum("refunded_total", filter=paid), 0),
            disputed=Coalesce(Sum("disputed_total", filter=paid), 0),
        )
        .order_by("currency")
    )
    count = 0
    currencies = []
    for row in rows:
        count += row["n"]
        if row["paid_n"]:
            currencies.append(
                CurrencyTotal(
                    row["currency"],
                    row["paid_n"],
                    row["gift"],
                    row["fee"],
                    row["refunded"],
                    row["disputed"],
                )
            )
    return GiftTotals(count, currencies)


# --- The chart -----------------------------------------------------------------------

CHART_DAYS = 30  # without a date range, the chart shows the last 30 days
CHART_CAMPAIGNS = 4  # at most this many charts, the campaigns that raised most first


@dataclass(frozen=True)
class CampaignChart:
    campaign_id: int
    title: str
    currency: str
    chart: BarChart


def campaign_paths() -> dict[str, tuple[int, str, str]]:
    """{path: (id, title, currency)} of every page that counts the gifts below it (a campaign:
    `counts_gifts_below`), its currency its own `currency` field (else the default): one
    query per such page type."""
    found = {}
    for model in get_page_models():
        if not getattr(model, "counts_gifts_below", False):
            continue
        has_currency = any(field.name == "currency" for field in model._meta.get_fields())
        currency = F("currency") if has_currency else Value(DEFAULT_CURRENCY)
        rows = model.objects.annotate(gift_currency=currency)
        for pk, path, title, code in rows.values_list("pk", "path", "title", "gift_currency"):
            found[path] = (pk, title, code)
    return found


def campaign_of(path: str, campaigns: dict) -> tuple[int, str, str] | None:
    """The campaign (`campaign_paths`' value) that `path` is, or is under; None if none."""
    step = Page.steplen
    for end in range(step, len(path) + 1, step):
        found = campaigns.get(path[:end])
        if found is not None:
            return found
    return None


def chart_window(first: date | None, last: date | None) -> tuple[date, date]:
    """The days the chart covers: the date range filtered, else the last `CHART_DAYS`
    days (to today); a range with only a start runs to today, only an end 30 days back."""
    last = last or organisation_today()
    if first is None or first > last:
        first, last = last_days(last, CHART_DAYS)
    return first, last


def raised_per_day_by_campaign(gifts, first: date, last: date) -> tuple[list[CampaignChart], int]:
    """A chart of money raised per day from `first` to `last` (organisation's days) for
    each campaign the paid gifts of `gifts` went to: the gift and the fee on the day it
    was paid, less each refund (pending or succeeded) on the day the refund was made, so
    a day of refunds can be below zero. The `CHART_CAMPAIGNS` campaigns that raised most,
    and how many more there were. Three queries, whatever the number of gifts."""
    campaigns = campaign_paths()
    paid = gifts.filter(status__in=Donation.COUNTED_STATES).order_by()
    sums = {}
    rows = (
        paid.filter(within_days("paid_at", first, last))
        .annotate(day=day_of("paid_at"))
        .values_list("page__path", "day")
        .annotate(total=Sum(F("amount_cents") + F("fee_cents")))
    )
    refunds = (
        Refund.objects.filter(donation__in=paid.values("pk"), status__in=Refund.COUNTED_STATES)
        .filter(within_days("created", first, last))
        .annotate(day=day_of("created"))
        .values_list("donation__page__path", "day")
        .annotate(total=Sum("amount_cents"))
        .order_by()
    )
    for sign, figures in ((1, rows), (-1, refunds)):
        for path, day, cents in figures:
            campaign = campaign_of(path, campaigns)
            if campaign is None:
                continue
            days = sums.setdefault(campaign, {})
            days[day] = days.get(day, 0) + sign * cents
    ranked = sorted(sums.items(), key=lambda item: -sum(item[1].values()))
    charts = [
        CampaignChart(pk, title, currency, money_chart(per_day(first, last, days), currency))
        for (pk, title, currency), days in ranked[:CHART_CAMPAIGNS]
    ]
    return charts, max(0, len(ranked) - CHART_CAMPAIGNS)


# --- The CSV -------------------------------------------------------------------------

EXPORT_CHUNK = 2000  # gifts read from the cursor at a time


def export_columns() -> list[str]:
    """The CSV's header; the time column names the organisation's zone."""
    return [
        "Gift id",
        "Gift",
        "Fee covered",
        "Refunded",
        "Disputed",
        "Net",
        "Currency",
        "Status",
        "Refunds and disputes",
        "Kind",
        "Method",
        "Donor name",
        "Donor email",
        "Page",
        "Team",
        "Campaign",
        "Dedication",
        "Receipt number",
        "Stripe checkout session",
        "Stripe payment intent",
        "Stripe invoice",
        f"Paid at ({organisation_zone().key})",
    ]


EXPORT_FIELDS = (
    "pk",
    "amount_cents",
    "fee_cents",
    "refunded_total",
    "charged_total",
    "disputed_total",
    "currency",
    "status",
    "method",
    "recurring_gift_id",
    "first_name",
    "last_name",
    "email",
    "page__title",
    "page__path",
    "page__fundraiserpage__team__title",
    "tribute",
    "tribute_name",
    "receipt_year",
    "receipt_number",
    "checkout_session_id",
    "payment_intent_id",
    "stripe_invoice_id",
    "paid_at",
)


def minor_to_decimal(cents: int, currency: str) -> str:
    """Minor units as the plain decimal a spreadsheet sums: 5025 usd -> "50.25"."""
    unit = minor_units(currency)
    if unit == 1:
        return str(cents)
    digits = len(str(unit)) - 1
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), unit)
    return f"{sign}{whole}.{part:0{digits}d}"


class _Receipt:
    """What `receipt_number_display` reads of a gift, from an export row."""

    __slots__ = ("receipt_year", "receipt_number")

    def __init__(self, year, number):
        self.receipt_year, self.receipt_number = year, number


def export_rows(gifts) -> Iterator[list]:
    """One list of cells per gift of `gifts` (annotated by `with_outcomes`), in the order of
    `export_columns`. The gifts are read through a server-side cursor `EXPORT_CHUNK` rows at
    a time (`.iterator`), as tuples, with the page, its team and the refund total joined in
    the same query and the campaigns read once: no query per row, memory flat."""
    campaigns = campaign_paths()
    statuses = dict(Donation.Status.choices)
    methods = dict(Donation.Method.choices)
    tributes = dict(Donation.Tribute.choices)
    rows = gifts.values_list(*EXPORT_FIELDS).iterator(chunk_size=EXPORT_CHUNK)
    for (
        pk,
        amount,
        fee,
        refunded,
        charged,
        disputed,
        currency,
        status,
        method,
        plan_id,
        first_name,
        last_name,
        email,
        page_title,
        page_path,
        team_title,
        tribute,
        tribute_name,
        receipt_year,
        receipt_number,
        session_id,
        intent_id,
        invoice_id,
        paid_at,
    ) in rows:
        outcome = []
        if refunded and status != Donation.Status.REFUNDED:
            outcome.append("Refunded" if refunded >= charged else "Partly refunded")
        if disputed:
            outcome.append("Disputed")
        if method in Donation.OFFLINE_METHODS:
            kind = "Offline"
        elif plan_id is not None:
            kind = "Monthly"
        else:
            kind = "One-time"
        campaign = campaign_of(page_path, campaigns)
        yield [
            pk,
            minor_to_decimal(amount, currency),
            minor_to_decimal(fee, currency),
            minor_to_decimal(refunded, currency),
            minor_to_decimal(disputed, currency),
            minor_to_decimal(amount + fee - refunded - disputed, currency),
            currency.upper(),
            statuses.get(status, status),
            ", ".join(outcome),
            kind,
            methods.get(method, method),
            f"{first_name} {last_name}".strip(),
            email,
            page_title,
            team_title or "",
            campaign[1] if campaign else "",
            f"{tributes[tribute]} {tribute_name}" if tribute and tribute_name else "",
            receipt_number_display(_Receipt(receipt_year, receipt_number)),
            session_id or "",
            intent_id,
            invoice_id or "",
            organisation_time(paid_at).strftime("%Y-%m-%d %H:%M:%S") if paid_at else "",
        ]


def export_filename() -> str:
    return f"gifts-{organisation_today():%Y-%m-%d}.csv"
