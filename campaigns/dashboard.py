"""What the supporter's dashboard (`/dashboard/`) shows: their fundraiser pages, each with
its progress, moderation state, share link and recent gifts (`supporter_dashboard`). The
dashboard's views are in `campaigns.views`."""

from dataclasses import dataclass

from django.db.models import Count, Q

from donations.models import Donation, DonationTotal

from .models import FundraiserPage, FundraisingCampaignPage, TeamPage, progress_toward
from .page_states import CHANGES_REQUESTED_STATES, PageState, with_page_state

RECENT_GIFTS = 10
REPORTED_GIFTS = 20  # the gifts given offline the owner reported, newest first


@dataclass
class PageSummary:
    """One of the supporter's pages on the dashboard: the `page` (its live or latest saved
    row, annotated by `with_page_state`), its `campaign`, its `progress` (as `progress_toward`
    gives it: raised, goal, number of gifts, percent), `donor_count`, how many people gave (a
    named donor who gave twice is one donor, each anonymous gift one; `donors_by_page`), and
    `team`, its team annotated by `with_page_state` (None if it has none). The template says
    the states in words (`campaigns/includes/page_state.html`)."""

    page: FundraiserPage
    campaign: FundraisingCampaignPage
    progress: dict
    donor_count: int = 0
    team: TeamPage | None = None

    @property
    def state(self) -> PageState:
        """The page's moderation state (`campaigns.page_states`)."""
        return PageState(self.page.page_state)

    @property
    def team_not_live(self) -> bool:
        """Whether the page has a team that is not live (the dashboard then names it with its
        state, unlinked: the public page names it once it is live)."""
        return self.team is not None and not self.team.live

    @property
    def owner_share_links(self):
        """(label, href) pairs sharing the page in its owner's voice ("Help me raise $500 for
        Spring into Action: ..."): the only place the owner's voice is used."""
        return self.page.share_links(text=self.page.owner_share_text())

    @property
    def needs_changes(self):
        return self.state in CHANGES_REQUESTED_STATES

    @property
    def waiting_first_approval(self):
        """Whether the page waits for its first approval (never live yet)."""
        return self.state == PageState.WAITING and not self.page.first_published_at

    @property
    def has_preview(self):
        """Whether the owner's latest version differs from what the public sees (a page not
        live, or edits waiting): the dashboard then links to its private preview."""
        return self.state != PageState.LIVE


def donors_by_page(page_ids) -> dict[int, int]:
    """{page id: how many different donors gave to it} for the pages `page_ids`, from their
    paid gifts, in one query. Donors who let the owner see their name (publicly or only to
    the owner: `Donation.NAMED_TO_OWNER`) are told apart by email address, as
    `Donation.save` stores it (`normalise_email`), so two such gifts from one address are
    one donor. Each gift given anonymously counts as a donor of its own: the owner sees
    "Anonymous" for it, and the count must not tell them that two anonymous gifts, or an
    anonymous gift and a named one, came from one person. Pages with no paid gift are
    absent."""
    named = Q(name_shown__in=Donation.NAMED_TO_OWNER)
    rows = (
        Donation.objects.filter(page_id__in=page_ids, status__in=Donation.COUNTED_STATES)
        .values("page_id")
        .annotate(
            named=Count("email", distinct=True, filter=named),
            anonymous=Count("pk", filter=~named),
        )
        .order_by()
    )
    return {row["page_id"]: row["named"] + row["anonymous"] for row in rows}


def supporter_dashboard(user, *, recent=RECENT_GIFTS) -> dict:
    """What `user`'s dashboard shows, in a constant number of queries however many pages
    they have: {"pages": [PageSummary, newest first], "recent_gifts": the last `recent`
    paid gifts to any of them (Donation rows with their page; amounts in cents; a gift given
    offline says so: `is_offline`), "reported_gifts": the gifts given offline the owner
    reported (`reported_gifts`)}."""
    pages = list(with_page_state(FundraiserPage.objects.filter(supporter=user)).order_by("-pk"))
    if not pages:
        return {"pages": [], "recent_gifts": [], "reported_gifts": []}
    ids = [page.pk for page in pages]
    teams = {
        team.pk: team
        for team in with_page_state(
            TeamPage.objects.filter(pk__in={page.team_id for page in pages if page.team_id})
        )
    }
    step = FundraiserPage.steplen
    campaigns = {
        campaign.path: campaign
        for campaign in FundraisingCampaignPage.objects.filter(
            path__in={page.path[:-step] for page in pages}
        )
    }
    totals = DonationTotal.objects.totals(page__in=ids)
    donors = donors_by_page(ids)
    summaries = []
    for page in pages:
        campaign = campaigns.get(page.path[:-step])
        if campaign is None:  # moved out of a campaign by staff: nothing to show it with
            continue
        page._campaign = campaign  # FundraiserPage.campaign's cache: no query per page
        team = teams.get(page.team_id)
        if team is not None:
            page.team = team  # the team's row with its state, for the template
        total = totals.get(page.pk, DonationTotal.ZERO)
        summaries.append(
            PageSummary(
                page=page,
                campaign=campaign,
                progress=progress_toward(total, page.goal_cents, campaign.currency),
                donor_count=donors.get(page.pk, 0),
                team=team,
            )
        )
    by_id = {page.pk: page for page in pages}
    recent_gifts = list(
        Donation.objects.filter(page_id__in=ids, status__in=Donation.COUNTED_STATES)
        .only(
            "page_id",
            "amount_cents",
            "currency",
            "first_name",
            "last_name",
            "name_shown",
            "name_hidden",
            "message",
            "message_hidden",
            "paid_at",
            "method",
        )
        .order_by("-paid_at", "-pk")[:recent]
    )
    for gift in recent_gifts:
        gift.fundraiser = by_id[gift.page_id]
    return {
        "pages": summaries,
        "recent_gifts": recent_gifts,
        "reported_gifts": reported_gifts(by_id),
    }


def reported_gifts(pages_by_id, limit=REPORTED_GIFTS):
    """The gifts given offline reported to the pages `pages_by_id` ({id: page}) by their
    owner, newest first, each with `fundraiser` (its page) and its status: awaiting
    confirmation (counted nowhere yet), paid (confirmed by staff, counted) or voided (not
    counted). One query."""
    gifts = list(
        Donation.objects.filter(page_id__in=pages_by_id, reported_by__isnull=False)
        .only(
            "page_id",
            "amount_cents",
            "currency",
            "first_name",
            "last_name",
            "name_shown",
            "method",
            "received_on",
            "status",
            "created_at",
        )
        .order_by("-created_at", "-pk")[:limit]
    )
    for gift in gifts:
        gift.fundraiser = pages_by_id[gift.page_id]
    return gifts
