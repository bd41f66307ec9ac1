"""What a day is: the organisation's day, in its `TIME_ZONE`.

Deadlines, start dates, reports, charts and date filters count days in the
organisation's time zone, whatever zone is active: Wagtail switches to a staff
member's profile zone in the admin, where a campaign's "days left", its
preview, a report's per-day figures and an export's date filter must still
read as the organisation reads them. Every report and export asks this module
(the petition and campaign reports, their charts and CSVs, the delivery
packets and figures): a signature confirmed at 00:30 in New York is on that
New York day for a staff member in Los Angeles too.
"""

import zoneinfo
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Q
from django.db.models.functions import TruncDate
from django.utils import timezone


def organisation_zone() -> zoneinfo.ZoneInfo:
    """The organisation's time zone (settings.TIME_ZONE)."""
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def organisation_today() -> date:
    """Today's date (a `datetime.date`) in the organisation's time zone."""
    return timezone.localdate(timezone=organisation_zone())


def start_of_day(day: date) -> datetime:
    """The first instant of `day` in the organisation's time zone (an aware datetime)."""
    return timezone.make_aware(datetime.combine(day, time.min), organisation_zone())


def organisation_time(instant: datetime) -> datetime:
    """An aware `instant` as the organisation's clock reads it (same instant, its zone)."""
    return timezone.localtime(instant, organisation_zone())


def organisation_date(instant: datetime) -> date:
    """The organisation's day on which the aware `instant` fell: 05:30 UTC is the day
    before in New York (00:30 there)."""
    return timezone.localdate(instant, organisation_zone())


def every_day(first: date, last: date) -> Iterator[date]:
    """Each day from `first` to `last`, both included, oldest first; none if `first` is
    after `last`."""
    for n in range((last - first).days + 1):
        yield first + timedelta(days=n)


def last_days(last: date, days: int, *, not_before: date | None = None) -> tuple[date, date]:
    """(first, last) of the `days` days that end on `last` (both inclusive), starting no
    earlier than `not_before` (when what is counted began), and never after `last`."""
    first = last - timedelta(days=days - 1)
    if not_before is not None:
        first = min(max(first, not_before), last)
    return first, last


def within_days(field: str, first: date | None = None, last: date | None = None) -> Q:
    """A filter on the datetime `field` for instants on the organisation's days `first` to
    `last`, both inclusive (either may be None: no bound). The bounds are instants, not a
    `__date` lookup, so an index on `field` serves the query."""
    condition = Q()
    if first is not None:
        condition &= Q(**{f"{field}__gte": start_of_day(first)})
    if last is not None:
        condition &= Q(**{f"{field}__lt": start_of_day(last + timedelta(days=1))})
    return condition


def day_of(field: str) -> TruncDate:
    """The organisation's date of the datetime `field`, in a query (`.annotate(day=...)`),
    whatever time zone is active."""
    return TruncDate(field, tzinfo=organisation_zone())
