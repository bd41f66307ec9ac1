"""Staff reports on one petition: counts by state and by day, the confirmation rate, the CSV.

Every figure is one aggregate query (a GROUP BY in the database), never a
Python loop over signatures. The export streams: rows come from a server-side
cursor in chunks, so a million signatures take no more memory than a hundred.

Dates are days in the site's time zone (`TIME_ZONE`), as staff read them.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from .jurisdictions import jurisdiction_name
from .models import Signature, SignatureCount

EXPORT_COLUMNS = (
    "first_name",
    "last_name",
    "email",
    "zip_code",
    "state",
    "comment",
    "show_publicly",
    "opt_in_updates",
    "confirmed_at",
)
EXPORT_CHUNK_SIZE = 2000

# A spreadsheet treats a cell starting with one of these as a formula
# (OWASP "CSV injection"); a leading apostrophe makes it plain text.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

REPORT_DAYS = 60


def start_of_day(day):
    """The first instant of `day` in the site's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


def confirmed_signatures(petition, *, state=None, date_from=None, date_to=None):
    """A petition's counted signatures, optionally from one state and confirmed between two days.

    Both days are inclusive. The bounds are instants, not `__date` lookups, so the
    partial index of confirmed signatures, (petition, confirmed_at), serves the query.
    """
    signatures = Signature.objects.filter(petition=petition, status__in=Signature.COUNTED_STATES)
    if state:
        signatures = signatures.filter(state=state)
    if date_from:
        signatures = signatures.filter(confirmed_at__gte=start_of_day(date_from))
    if date_to:
        signatures = signatures.filter(confirmed_at__lt=start_of_day(date_to + timedelta(days=1)))
    return signatures


def neutralise_formula(text):
    """`text`, with a leading apostrophe if a spreadsheet would run it as a formula."""
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def export_cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    return neutralise_formula(str(value))


def export_rows(petition, *, state=None, date_from=None, date_to=None):
    """Yield the header, then one row per confirmed signature, oldest confirmation first.

    `.iterator()` reads in chunks (a server-side cursor on PostgreSQL), so
    memory stays flat however many rows there are.
    """
    yield EXPORT_COLUMNS
    rows = (
        confirmed_signatures(petition, state=state, date_from=date_from, date_to=date_to)
        .order_by("confirmed_at", "pk")
        .values_list(*EXPORT_COLUMNS)
        .iterator(chunk_size=EXPORT_CHUNK_SIZE)
    )
    for row in rows:
        yield [export_cell(value) for value in row]


def export_filename(petition, today=None):
    today = today or timezone.localdate()
    return f"signatures-{petition.slug}-{today.isoformat()}.csv"


@dataclass(frozen=True)
class StateCount:
    code: str
    name: str
    count: int


def signatures_by_state(petition):
    """Confirmed signatures per state, most first, from the petition's count table."""
    counts = SignatureCount.objects.totals(by=["state"], petition=petition.pk)
    rows = [
        StateCount(code, jurisdiction_name(code), total.count)
        for code, total in counts.items()
        if total.count
    ]
    return sorted(rows, key=lambda row: (-row.count, row.name))


@dataclass(frozen=True)
class ConfirmationRate:
    confirmed: int
    total: int

    @property
    def percent(self):
        """Confirmed signatures as a percentage of all, to one decimal place; None if none."""
        if not self.total:
            return None
        return (Decimal(self.confirmed) * 100 / self.total).quantize(Decimal("0.1"))


def confirmation_rate(petition):
    """How many of a petition's signatures were confirmed, out of all of them."""
    totals = Signature.objects.filter(petition=petition).aggregate(
        total=Count("pk"),
        confirmed=Count("pk", filter=Q(status__in=Signature.COUNTED_STATES)),
    )
    return ConfirmationRate(confirmed=totals["confirmed"], total=totals["total"])


@dataclass(frozen=True)
class DayCount:
    day: date
    count: int


def signatures_per_day(petition, days=REPORT_DAYS, today=None):
    """Confirmed signatures on each of the last `days` days (today included), oldest first.

    Days without signatures are present with a count of 0.
    """
    today = today or timezone.localdate()
    first = today - timedelta(days=days - 1)
    counts = dict(
        Signature.objects.filter(
            petition=petition,
            status__in=Signature.COUNTED_STATES,
            confirmed_at__gte=start_of_day(first),
            confirmed_at__lt=start_of_day(today + timedelta(days=1)),
        )
        .annotate(day=TruncDate("confirmed_at"))
        .values_list("day")
        .annotate(total=Count("pk"))
        .order_by()
    )
    return [
        DayCount(day, counts.get(day, 0)) for day in (first + timedelta(n) for n in range(days))
    ]


def nice_ceiling(value):
    """The smallest of 1, 2, 5, 10, 20, 50, ... that is at least `value`: the chart's top."""
    step = 1
    while True:
        for multiple in (1, 2, 5):
            if value <= step * multiple:
                return step * multiple
        step *= 10


@dataclass(frozen=True)
class Bar:
    day: date
    count: int
    x: float
    y: float
    width: float
    height: float
    label_x: float
    labelled: bool


@dataclass(frozen=True)
class BarChart:
    """The geometry of a server-rendered SVG bar chart, in viewBox units."""

    bars: list
    width: int
    height: int
    top: int
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int
    total: int

    @property
    def first_day(self):
        return self.bars[0].day if self.bars else None

    @property
    def last_day(self):
        return self.bars[-1].day if self.bars else None

    @property
    def gridlines(self):
        """(value, y) for the horizontal lines: the top, the middle when it is whole, and 0."""
        values = [self.top, self.top // 2, 0] if self.top % 2 == 0 else [self.top, 0]
        scale = (self.plot_bottom - self.plot_top) / self.top
        return [(value, round(self.plot_bottom - value * scale, 2)) for value in values]


def bar_chart(day_counts, *, width=720, height=220, label_every=14):
    """Lay out one bar per day, labelling every `label_every`th day counting back from the last."""
    plot_left, plot_right, plot_top, plot_bottom = 44, width - 24, 12, height - 28
    top = nice_ceiling(max((day.count for day in day_counts), default=0))
    slot = (plot_right - plot_left) / max(len(day_counts), 1)
    bar_width = round(slot * 0.75, 2)
    scale = (plot_bottom - plot_top) / top
    last = len(day_counts) - 1
    bars = []
    for index, day in enumerate(day_counts):
        bar_height = round(day.count * scale, 2)
        x = round(plot_left + index * slot + (slot - bar_width) / 2, 2)
        bars.append(
            Bar(
                day=day.day,
                count=day.count,
                x=x,
                y=round(plot_bottom - bar_height, 2),
                width=bar_width,
                height=bar_height,
                label_x=round(x + bar_width / 2, 2),
                labelled=(last - index) % label_every == 0,
            )
        )
    return BarChart(
        bars=bars,
        width=width,
        height=height,
        top=top,
        plot_left=plot_left,
        plot_right=plot_right,
        plot_top=plot_top,
        plot_bottom=plot_bottom,
        total=sum(day.count for day in day_counts),
    )
