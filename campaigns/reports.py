"""Staff reports on one fundraising campaign: money and pages per day, leaders, quiet pages, CSV.

Every figure is one query, aggregated in the database (a GROUP BY, or a
subquery per row of one SELECT), never a Python loop that queries per page:
the report costs the same number of queries for 3 pages or 3,000. Totals come
from the shared counter (`DonationTotal`), the same figures the public pages
show; money per day from the paid gifts themselves, since the counter has no
dates. The export streams from a server-side cursor in chunks.

Dates are days in the organisation's time zone (`TIME_ZONE`, `northstar.days`),
as staff read them: a gift paid at 23:30 in New York counts on that New York
day, even for a staff member who chose another time zone for the admin
(Wagtail's account setting, which the admin activates for their requests).
The charts start no earlier than the campaign (its start date), and are drawn
by the one chart (`northstar.charts`); the CSV is written by the one writer
(`northstar.exports`).

A page's "created" time is its first revision's (a supporter's page is
saved as a revision the moment it is opened, `campaigns.services`), or, for a
page made without one, when it was first published.
"""

from dataclasses import dataclass
from datetime import date
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
from django.db.models.functions import Cast, Coalesce
from wagtail.models import Page, Revision

from donations.models import GIVEN_CENTS, Donation, DonationTotal, Refund
from donations.money import format_money
from northstar.charts import per_day
from northstar.days import day_of, last_days, organisation_today, within_days
from northstar.emails import public_url

from .invitations import Invitation
from .models import FundraiserPage, FundraisingCampaignPage, TeamPage
from .page_states import staff_words, with_page_state

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
    "offline_dollars",
    "gifts",
    "state",
    "created",
)


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


# --- the report's figures ---


def report_window(campaign: FundraisingCampaignPage, days=REPORT_DAYS, today=None):
    """(first, last) day of the report's charts, both inclusive: the `days` days up to today,
    or up to the deadline once the campaign has ended, starting no earlier than the
    campaign's start date when it has one (`northstar.days.last_days`)."""
    today = today or organisation_today()
    return last_days(min(today, campaign.deadline), days, not_before=campaign.start_date)


def raised_per_day(campaign: FundraisingCampaignPage, first: date, last: date):
    """Cents paid on each day from `first` to `last` (inclusive, organisation's days), oldest
    first, to the campaign and every page under it (what donors gave: the gift and the fee
    they covered, as the totals count it), less the refunds made that day, as
    `northstar.charts.DayFigure`s; days without gifts or refunds are 0."""
    sums = dict(
        Donation.objects.filter(
            page__path__startswith=campaign.path, status__in=Donation.COUNTED_STATES
        )
        .filter(within_days("paid_at", first, last))
        .annotate(day=day_of("paid_at"))
        .values_list("day")
        .annotate(total=Sum(GIVEN_CENTS))
        .order_by()
    )
    # A refund comes off on its own day, not the gift's (issue 28).
    refunds = (
        Refund.objects.filter(
            donation__page__path__startswith=campaign.path,
            status__in=Refund.COUNTED_STATES,
        )
        .filter(within_days("created", first, last))
        .annotate(day=day_of("created"))
        .values_list("day")
        .annotate(total=Sum("amount_cents"))
        .order_by()
    )
    for day, cents in refunds:
        sums[day] = sums.get(day, 0) - cents
    return per_day(first, last, sums)


def fees_covered(campaign: FundraisingCampaignPage) -> int:
    """Cents of the fees donors chose to cover on the paid gifts to the campaign and every
    page under it (before refunds): part of what the totals count, shown apart. One query."""
    paid = Donation.objects.filter(
        page__path__startswith=campaign.path, status__in=Donation.COUNTED_STATES
    )
    return paid.aggregate(total=Coalesce(Sum("fee_cents"), 0))["total"]


def pages_per_day(campaign: FundraisingCampaignPage, first: date, last: date):
    """Fundraiser pages opened on each day from `first` to `last` (inclusive), oldest first."""
    counts = dict(
        with_created(fundraiser_pages(campaign))
        .filter(within_days("created_at", first, last))
        .annotate(day=day_of("created_at"))
        .values_list("day")
        .annotate(total=Count("pk"))
        .order_by()
    )
    return per_day(first, last, counts)


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
class OfflineShare:
    """The campaign's gifts given offline (donations/offline.py), in minor units: those that
    count (recorded or confirmed by staff; part of "Raised"), and those page owners
    reported that wait for staff (counted nowhere yet)."""

    counted_cents: int
    counted: int
    awaiting_cents: int
    awaiting: int


def offline_share(campaign: FundraisingCampaignPage) -> OfflineShare:
    """The campaign's gifts given offline, to it and to every page under it, in one query."""
    counted = Q(status__in=Donation.COUNTED_STATES, method__in=Donation.OFFLINE_METHODS)
    awaiting = Q(status=Donation.Status.AWAITING_CONFIRMATION)
    figures = Donation.objects.filter(page__path__startswith=campaign.path).aggregate(
        counted_cents=Coalesce(Sum("amount_cents", filter=counted), 0),
        counted=Count("pk", filter=counted),
        awaiting_cents=Coalesce(Sum("amount_cents", filter=awaiting), 0),
        awaiting=Count("pk", filter=awaiting),
    )
    return OfflineShare(**figures)


def with_offline(pages):
    """`pages` annotated with `offline_cents`: their counted gifts given offline (to the
    page itself), 0 if none."""
    offline = (
        Donation.objects.filter(
            page=OuterRef("pk"),
            status__in=Donation.COUNTED_STATES,
            method__in=Donation.OFFLINE_METHODS,
        )
        .order_by()
        .values("page")
        .annotate(total=Sum("amount_cents"))
        .values("total")
    )
    return pages.annotate(offline_cents=Coalesce(Subquery(offline), Value(0)))


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
    """One row of `EXPORT_COLUMNS` values per fundraiser page of `campaign`, oldest first,
    for `northstar.exports` to write: title, public URL, owner's name and email, goal and
    raised in the campaign's currency ("$500.00"), the part of it given offline, number of
    paid gifts, state, and
    when it was created (the writer puts it in the organisation's time, ISO 8601).
    The state is the page's `PageState` in staff's words (`page_states.staff_words`). The
    writer neutralises every text cell that a spreadsheet would run as a formula.

    `request` lets Wagtail find the site's root URL once, not per page.
    """
    pages = (
        with_page_state(with_created(with_offline(with_totals(fundraiser_pages(campaign)))))
        .select_related("supporter")
        .order_by(F("created_at").asc(nulls_first=True), "pk")
        .iterator(chunk_size=EXPORT_CHUNK_SIZE)
    )
    currency = campaign.currency
    words = staff_words()
    for page in pages:
        yield (
            page.title,
            public_url(page, request),
            page.supporter.get_full_name(),
            page.supporter.email,
            dollars(page.goal_cents, currency),
            dollars(page.raised_cents, currency),
            dollars(page.offline_cents, currency),
            page.gift_count,
            words[page.page_state],
            page.created_at,
        )


def export_filename(campaign: FundraisingCampaignPage, today=None) -> str:
    """ "fundraiser-pages-<campaign slug>-<today>.csv"."""
    today = today or organisation_today()
    return f"fundraiser-pages-{campaign.slug}-{today.isoformat()}.csv"
