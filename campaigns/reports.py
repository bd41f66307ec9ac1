"""Staff reports on one fundraising campaign: money and pages per day, leaders, quiet pages, CSV.

Every figure is one query, aggregated in the database (a GROUP BY, or a
subquery per row of one SELECT), never a Python loop that queries per page:
the report costs the same number of queries for 3 pages or 3,000. Totals come
from the shared counter (`DonationTotal`), the same figures the public pages
show; money per day from the paid gifts themselves, since the counter has no
dates. The export streams from a server-side cursor in chunks.

Dates are days in the organisation's time zone (`TIME_ZONE`), as staff read
them: a gift paid at 23:30 in New York counts on that New York day, even for
a staff member who chose another time zone for the admin (Wagtail's account
setting, which the admin activates for their requests).

A page's "created" time is its first revision's (a supporter's page is
saved as a revision the moment it is opened, `campaigns.services`), or, for a
page made without one, when it was first published.
"""

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    CharField,
    Count,
    DateTimeField,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, TruncDate
from django.utils import timezone
from wagtail.models import Page, Revision, WorkflowState

from donations.models import Donation, DonationTotal
from donations.money import format_money
from northstar.days import organisation_today, organisation_zone
from northstar.emails import public_url
from petitions.reports import bar_chart, export_cell

from .invitations import Invitation
from .models import FundraiserPage, FundraisingCampaignPage, TeamPage

REPORT_DAYS = 60
TOP_COUNT = 10
EXPORT_CHUNK_SIZE = 2000

EXPORT_COLUMNS = (
    "title",
    "url",
    "owner_name",
    "owner_email",
    "goal_dollars",
    "raised_dollars",
    "gifts",
    "state",
    "created",
)


class PageState:
    """What a fundraiser page is now, in the words staff read in the report and the CSV."""

    LIVE = "live"
    WAITING = "waiting for approval"
    CHANGES_REQUESTED = "changes requested"
    DRAFT = "draft"
    TAKEN_DOWN = "taken down"


def start_of_day(day: date) -> datetime:
    """The first instant of `day` in the organisation's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min), organisation_zone())


# --- building blocks: one annotation each, so every list below stays one query ---


def fundraiser_pages(campaign: FundraisingCampaignPage):
    """Every fundraiser page of `campaign`, live or not."""
    return FundraiserPage.objects.child_of(campaign)


def _counter_sum(field):
    """The page's `DonationTotal` `field` summed over its shards, 0 if it has no row."""
    shards = (
        DonationTotal.objects.filter(page=OuterRef("pk"))
        .order_by()
        .values("page")
        .annotate(total=Sum(field))
        .values("total")
    )
    return Coalesce(Subquery(shards), Value(0))


def with_totals(pages):
    """`pages` annotated with `raised_cents` and `gift_count`, from the shared counter."""
    return pages.annotate(
        raised_cents=_counter_sum("amount_cents"), gift_count=_counter_sum("donation_count")
    )


def _page_content_type():
    return ContentType.objects.get_for_model(Page)


def with_created(pages):
    """`pages` annotated with `created_at`: the first revision's time, else first publication."""
    first_revision = (
        Revision.objects.filter(
            base_content_type=_page_content_type(),
            object_id=Cast(OuterRef("pk"), output_field=CharField()),
        )
        .order_by("created_at", "pk")
        .values("created_at")[:1]
    )
    return pages.annotate(
        created_at=Coalesce(
            Subquery(first_revision), F("first_published_at"), output_field=DateTimeField()
        )
    )


def with_workflow_status(pages):
    """`pages` annotated with `workflow_status` and `workflow_started_at`: the status of the
    page's moderation under way ("in_progress" or "needs_changes"; Wagtail allows one at a
    time) and when it began, else None."""
    current = WorkflowState.objects.filter(
        base_content_type=_page_content_type(),
        object_id=Cast(OuterRef("pk"), output_field=CharField()),
        status__in=(WorkflowState.STATUS_IN_PROGRESS, WorkflowState.STATUS_NEEDS_CHANGES),
    )
    return pages.annotate(
        workflow_status=Subquery(current.values("status")[:1]),
        workflow_started_at=Subquery(current.values("created_at")[:1]),
    )


def page_state(page) -> str:
    """The `PageState` of a page annotated by `with_workflow_status`.

    A live page is live even while an edit of it waits for approval (the
    public still sees the approved version). A page taken down stays "taken
    down" until staff put it back (`FundraiserPage.taken_down_at`).
    """
    if page.live:
        return PageState.LIVE
    if page.taken_down_at is not None:
        return PageState.TAKEN_DOWN
    if page.workflow_status == WorkflowState.STATUS_IN_PROGRESS:
        return PageState.WAITING
    if page.workflow_status == WorkflowState.STATUS_NEEDS_CHANGES:
        return PageState.CHANGES_REQUESTED
    return PageState.DRAFT


# --- the report's figures ---


def report_window(campaign: FundraisingCampaignPage, days=REPORT_DAYS, today=None):
    """(first, last) day of the report's charts, both inclusive: the `days` days up to today,
    or up to the deadline once the campaign has ended."""
    today = today or organisation_today()
    last = min(today, campaign.deadline)
    return last - timedelta(days=days - 1), last


@dataclass(frozen=True)
class DayFigure:
    """One day's figure: cents raised, or pages opened. `count` is the bar's height (the
    name `petitions.reports.bar_chart` reads)."""

    day: date
    count: int


def _every_day(first, last, figures):
    return [
        DayFigure(day, figures.get(day, 0))
        for day in (first + timedelta(n) for n in range((last - first).days + 1))
    ]


def raised_per_day(campaign: FundraisingCampaignPage, first: date, last: date):
    """Cents paid on each day from `first` to `last` (inclusive, organisation's days), oldest
    first, to the campaign and every page under it; days without gifts are 0."""
    sums = dict(
        Donation.objects.filter(
            page__path__startswith=campaign.path,
            status__in=Donation.COUNTED_STATES,
            paid_at__gte=start_of_day(first),
            paid_at__lt=start_of_day(last + timedelta(days=1)),
        )
        .annotate(day=TruncDate("paid_at", tzinfo=organisation_zone()))
        .values_list("day")
        .annotate(total=Sum("amount_cents"))
        .order_by()
    )
    return _every_day(first, last, sums)


def pages_per_day(campaign: FundraisingCampaignPage, first: date, last: date):
    """Fundraiser pages opened on each day from `first` to `last` (inclusive), oldest first."""
    counts = dict(
        with_created(fundraiser_pages(campaign))
        .filter(
            created_at__gte=start_of_day(first),
            created_at__lt=start_of_day(last + timedelta(days=1)),
        )
        .annotate(day=TruncDate("created_at", tzinfo=organisation_zone()))
        .values_list("day")
        .annotate(total=Count("pk"))
        .order_by()
    )
    return _every_day(first, last, counts)


def money_chart(day_figures):
    """`bar_chart` of cents per day; with nothing raised, its scale reads $0 to $1, not 0 to 1¢."""
    chart = bar_chart(day_figures)
    if chart.total == 0:
        chart = replace(chart, top=100)
    return chart


def top_pages(campaign: FundraisingCampaignPage, limit=TOP_COUNT):
    """The campaign's fundraiser pages with gifts, most raised first (then by title), with
    `raised_cents`, `gift_count` and their owner (`supporter`) loaded."""
    return list(
        with_totals(fundraiser_pages(campaign))
        .select_related("supporter")
        .filter(gift_count__gt=0)
        .order_by("-raised_cents", "title", "pk")[:limit]
    )


def top_teams(campaign: FundraisingCampaignPage, limit=TOP_COUNT):
    """The campaign's teams with gifts, most raised first (then by title), with `raised_cents`,
    `gift_count` (their members' gifts, as the counter rolls them up) and `member_count`."""
    members = (
        FundraiserPage.objects.filter(team=OuterRef("pk"))
        .order_by()
        .values("team")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return list(
        with_totals(TeamPage.objects.child_of(campaign))
        .annotate(member_count=Coalesce(Subquery(members), Value(0)))
        .filter(gift_count__gt=0)
        .order_by("-raised_cents", "title", "pk")[:limit]
    )


def pages_without_gifts(campaign: FundraisingCampaignPage):
    """Live fundraiser pages that have no paid gift yet, the longest waiting first, with
    `created_at` and their owner (`supporter`) loaded: whom staff might encourage."""
    return list(
        with_created(with_totals(fundraiser_pages(campaign).live()))
        .select_related("supporter")
        .filter(gift_count=0)
        .order_by(F("created_at").asc(nulls_last=True), "title", "pk")
    )


@dataclass(frozen=True)
class PageCounts:
    total: int
    live: int
    with_gifts: int


def page_counts(campaign: FundraisingCampaignPage) -> PageCounts:
    """How many fundraiser pages the campaign has, how many are live, how many have a gift."""
    counts = with_totals(fundraiser_pages(campaign)).aggregate(
        total=Count("pk"),
        live=Count("pk", filter=Q(live=True)),
        with_gifts=Count("pk", filter=Q(gift_count__gt=0)),
    )
    return PageCounts(**counts)


@dataclass(frozen=True)
class InvitationShare:
    """Invitations sent from the campaign's pages ("ask five friends"), and how many led to
    a paid gift through their link."""

    sent: int
    gave: int

    @property
    def percent(self):
        """Those that led to a gift as a percentage of those sent, to one decimal place;
        None if none were sent."""
        if not self.sent:
            return None
        return (Decimal(self.gave) * 100 / self.sent).quantize(Decimal("0.1"))


def invitation_share(campaign: FundraisingCampaignPage) -> InvitationShare:
    """How many invitations the campaign's fundraiser pages sent and how many gave, in one
    query (erased invitations count: erasure blanks the friend, not the state)."""
    return InvitationShare(**Invitation.objects.of_campaign(campaign).counts())


# --- the CSV export ---


def dollars(cents, currency) -> str:
    """Cents as the export writes them: the project's money format, always with the cents."""
    return format_money(cents, currency, exact=True)


def export_rows(campaign: FundraisingCampaignPage, request=None):
    """Yield the header (`EXPORT_COLUMNS`), then one row per fundraiser page of `campaign`,
    oldest first: title, public URL, owner's name and email, goal and raised in the
    campaign's currency ("$500.00"), number of paid gifts, `PageState`, and when it was
    created (ISO 8601 in the organisation's time zone). Every text cell that a
    spreadsheet would run as a formula is neutralised (`petitions.reports.export_cell`).

    `request` lets Wagtail find the site's root URL once, not per page.
    """
    yield EXPORT_COLUMNS
    pages = (
        with_workflow_status(with_created(with_totals(fundraiser_pages(campaign))))
        .select_related("supporter")
        .order_by(F("created_at").asc(nulls_first=True), "pk")
        .iterator(chunk_size=EXPORT_CHUNK_SIZE)
    )
    currency, zone = campaign.currency, organisation_zone()
    for page in pages:
        row = (
            page.title,
            public_url(page, request),
            page.supporter.get_full_name(),
            page.supporter.email,
            dollars(page.goal_cents, currency),
            dollars(page.raised_cents, currency),
            page.gift_count,
            page_state(page),
            timezone.localtime(page.created_at, zone).isoformat() if page.created_at else "",
        )
        yield [export_cell(value) for value in row]


def export_filename(campaign: FundraisingCampaignPage, today=None) -> str:
    """ "fundraiser-pages-<campaign slug>-<today>.csv"."""
    today = today or organisation_today()
    return f"fundraiser-pages-{campaign.slug}-{today.isoformat()}.csv"
