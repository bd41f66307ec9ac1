"""Staff reports on one petition: counts by state and by day, the confirmation rate, the CSV.

Every figure is one aggregate query (a GROUP BY in the database), never a
Python loop over signatures. The export streams: rows come from a server-side
cursor in chunks, so a million signatures take no more memory than a hundred.

Days are the organisation's, in its `TIME_ZONE` (`northstar.days`), whatever
zone a staff member chose for the admin; the CSV is written by the one writer
(`northstar.exports`), the chart drawn by the one chart (`northstar.charts`).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q

from northstar.charts import per_day
from northstar.days import day_of, last_days, organisation_today, within_days

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

REPORT_DAYS = 60


def confirmed_signatures(petition, *, state=None, date_from=None, date_to=None):
    """A petition's counted signatures, optionally from one state and confirmed between two
    of the organisation's days, both inclusive (`northstar.days.within_days`: instants, so
    the partial index of confirmed signatures, (petition, confirmed_at), serves the query)."""
    signatures = Signature.objects.filter(petition=petition, status__in=Signature.COUNTED_STATES)
    if state:
        signatures = signatures.filter(state=state)
    return signatures.filter(within_days("confirmed_at", date_from, date_to))


def export_rows(petition, *, state=None, date_from=None, date_to=None):
    """One row of `EXPORT_COLUMNS` values per confirmed signature, oldest confirmation first,
    for `northstar.exports` to write (which makes the cells: "yes"/"no", the organisation's
    time, formulas neutralised).

    `.iterator()` reads in chunks (a server-side cursor on PostgreSQL), so
    memory stays flat however many rows there are.
    """
    return (
        confirmed_signatures(petition, state=state, date_from=date_from, date_to=date_to)
        .order_by("confirmed_at", "pk")
        .values_list(*EXPORT_COLUMNS)
        .iterator(chunk_size=EXPORT_CHUNK_SIZE)
    )


def export_filename(petition, today=None):
    """ "signatures-<petition slug>-<the organisation's today>.csv"."""
    today = today or organisation_today()
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


def signatures_per_day(petition, days=REPORT_DAYS, today=None):
    """Confirmed signatures on each of the organisation's last `days` days (today included),
    oldest first, as `northstar.charts.DayFigure`s; days without signatures count 0."""
    first, last = last_days(today or organisation_today(), days)
    counts = dict(
        Signature.objects.filter(petition=petition, status__in=Signature.COUNTED_STATES)
        .filter(within_days("confirmed_at", first, last))
        .annotate(day=day_of("confirmed_at"))
        .values_list("day")
        .annotate(total=Count("pk"))
        .order_by()
    )
    return per_day(first, last, counts)
