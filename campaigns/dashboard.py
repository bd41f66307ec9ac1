"""The supporter's dashboard (`/dashboard/`): their fundraiser pages, each with its
progress and moderation state in words, a share link, recent gifts to them; and the
form that edits one of their pages. Views parse, call one service, render."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from wagtail.models import Page, WorkflowState

from donations.models import Donation, DonationTotal
from northstar.forms import EditConflict
from northstar.pagecache import render_for_cache

from .editing import (
    KEPT_AS_DRAFT,
    PUBLISHED,
    edit_fundraiser,
    owned_page,
    page_as_edited,
    page_version,
)
from .forms import EditFundraiserForm
from .models import FundraiserPage, FundraisingCampaignPage, progress_toward
from .services import FundraiserRefused
from .takedown import taken_down

RECENT_GIFTS = 10

WAITING = "Waiting for approval"
LIVE = "Live"
EDITS_WAITING = "Live — your edits are waiting for approval"
NOT_LIVE = "Not live"
TAKEN_DOWN = "Not live: taken down by our staff (we emailed you why)"


@dataclass
class PageSummary:
    """One of the supporter's pages on the dashboard: the `page` (its live or latest saved
    row), its `campaign`, its `progress` (as `progress_toward` gives it: raised, goal,
    number of gifts, percent), its moderation `state` in words, `donor_count`, how many
    people gave (a named donor who gave twice is one donor, each anonymous gift one;
    `donors_by_page`), and `team_state`, its team's state in words while the team is not
    live (`team_state_in_words`)."""

    page: FundraiserPage
    campaign: FundraisingCampaignPage
    progress: dict
    state: str
    donor_count: int = 0
    team_state: str = ""

    @property
    def owner_share_links(self):
        """(label, href) pairs sharing the page in its owner's voice ("Help me raise $500 for
        Spring into Action: ..."): the only place the owner's voice is used."""
        return self.page.share_links(text=self.page.owner_share_text())

    @property
    def needs_changes(self):
        return self.state.startswith(("Changes requested", "Live — changes requested"))

    @property
    def waiting_first_approval(self):
        """Whether the page waits for its first approval (never live yet)."""
        return self.state == WAITING and not self.page.first_published_at

    @property
    def has_preview(self):
        """Whether the owner's latest version differs from what the public sees (a page not
        live, or edits waiting): the dashboard then links to its private preview."""
        return not self.page.live or self.state == EDITS_WAITING or self.needs_changes


def state_in_words(page: FundraiserPage, workflow_state: WorkflowState | None) -> str:
    """The page's moderation state as its owner reads it: "Waiting for approval", "Live",
    "Changes requested: <the staff comment>", "Live — your edits are waiting for
    approval", "Live — changes requested to your edits: <comment>", TAKEN_DOWN (while
    staff hold the page down, whatever else is pending), or "Not live". `workflow_state`
    is the page's active workflow state, or None; its `current_task_state` (the rejected
    task when changes are asked) is read, not queried."""
    if taken_down(page):
        return TAKEN_DOWN
    if workflow_state is not None and workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        task_state = workflow_state.current_task_state
        comment = (task_state.comment or "").strip() if task_state else ""
        if page.live:
            return f"Live — changes requested to your edits: {comment or 'see our email'}"
        return f"Changes requested: {comment}" if comment else "Changes requested"
    if workflow_state is not None and workflow_state.status == WorkflowState.STATUS_IN_PROGRESS:
        return EDITS_WAITING if page.live else WAITING
    return LIVE if page.live else NOT_LIVE


def team_state_in_words(team, workflow_state: WorkflowState | None) -> str:
    """The state of a page's `team` (a TeamPage or None) as the page's owner reads it:
    "" when there is no team or it is live (the public page names it), else WAITING,
    "Changes requested…" (as `state_in_words`), or NOT_LIVE (unpublished by staff: the
    team's captain, not every member, hears why)."""
    if team is None or team.live:
        return ""
    return state_in_words(team, workflow_state)


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
    paid gifts to any of them (Donation rows with their page; amounts in cents)}."""
    pages = list(
        FundraiserPage.objects.filter(supporter=user).select_related("team").order_by("-pk")
    )
    if not pages:
        return {"pages": [], "recent_gifts": []}
    ids = [page.pk for page in pages]
    team_ids = [page.team_id for page in pages if page.team_id]
    step = FundraiserPage.steplen
    campaigns = {
        campaign.path: campaign
        for campaign in FundraisingCampaignPage.objects.filter(
            path__in={page.path[:-step] for page in pages}
        )
    }
    totals = DonationTotal.objects.totals(page__in=ids)
    donors = donors_by_page(ids)
    states = {
        int(state.object_id): state
        for state in WorkflowState.objects.active()
        .filter(
            base_content_type=ContentType.objects.get_for_model(Page),
            object_id__in=[str(i) for i in ids + team_ids],
        )
        .select_related("current_task_state")
    }
    summaries = []
    for page in pages:
        campaign = campaigns.get(page.path[:-step])
        if campaign is None:  # moved out of a campaign by staff: nothing to show it with
            continue
        page._campaign = campaign  # FundraiserPage.campaign's cache: no query per page
        total = totals.get(page.pk, DonationTotal.ZERO)
        summaries.append(
            PageSummary(
                page=page,
                campaign=campaign,
                progress=progress_toward(total, page.goal_cents, campaign.currency),
                state=state_in_words(page, states.get(page.pk)),
                donor_count=donors.get(page.pk, 0),
                team_state=team_state_in_words(page.team, states.get(page.team_id)),
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
            "message",
            "paid_at",
        )
        .order_by("-paid_at", "-pk")[:recent]
    )
    for gift in recent_gifts:
        gift.fundraiser = by_id[gift.page_id]
    return {"pages": summaries, "recent_gifts": recent_gifts}


@never_cache
@login_required
@require_http_methods(["GET", "HEAD"])
def dashboard(request):
    """The signed-in supporter's fundraiser pages and recent gifts to them."""
    context = supporter_dashboard(request.user)
    return TemplateResponse(request, "campaigns/dashboard/dashboard.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit_page(request, fundraiser_id):
    """The owner's form for their page; a valid post saves a new revision (live at once,
    or waiting for approval) and goes back to the dashboard. A post from a form opened on
    an older version of the page (another tab or device, or staff, saved since) saves
    nothing and shows the form again with what was typed, the page as it is now, and the
    new version, to save again on purpose. 404 for anyone else."""
    page = owned_page(request.user, fundraiser_id)
    if page is None:
        raise Http404("No such page of yours.")
    draft = page_as_edited(page)
    campaign = page.campaign
    conflict = None
    if request.method == "POST":
        form = EditFundraiserForm(
            request.POST, request.FILES, campaign=campaign, page=draft, version=page_version(page)
        )
        if form.is_valid():
            try:
                edited = edit_fundraiser(
                    page, request.user, form.cleaned_data, opened_version=form.opened_version
                )
            except EditConflict as changed:
                conflict = changed
                form.show_conflict(conflict)
                page = owned_page(request.user, fundraiser_id) or page
                draft = page_as_edited(page)  # "Your page now", beside what was typed
            except FundraiserRefused as refused:
                form.add_error(refused.field, str(refused))
            else:
                messages.success(request, saved_message(edited))
                return redirect("dashboard:home")
        form.ask_for_photo_again()
    else:
        form = EditFundraiserForm(campaign=campaign, page=draft, version=page_version(page))
    context = {
        "fundraiser": page,
        "draft": draft,
        "campaign": campaign,
        "form": form,
        "conflict": conflict,
        "state": state_in_words(page, page.current_workflow_state),
    }
    return TemplateResponse(request, "campaigns/dashboard/edit_page.html", context)


@never_cache  # sets "Cache-Control: private, no-store" (with no-cache, max-age=0)
@login_required
@require_http_methods(["GET", "HEAD"])
def preview_page(request, fundraiser_id):
    """The owner's private preview of their page as they last saved it (its latest revision,
    perhaps waiting for approval): the public page's template, marked "Preview: only you
    can see this", never cached or indexed. 404 for anyone else, staff included (they
    preview in the Wagtail admin)."""
    page = owned_page(request.user, fundraiser_id)
    if page is None:
        raise Http404("No such page of yours.")
    draft = page_as_edited(page)
    request.is_preview = True  # as Wagtail's own preview: templates read it
    request.preview_mode = draft.default_preview_mode
    response = render_for_cache(request, draft, draft.donation_form())
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def saved_message(edited) -> str:
    """What the owner is told after saving an edit (an `editing.Edited`)."""
    if edited.outcome == PUBLISHED:
        return "Your changes are live."
    if edited.outcome == KEPT_AS_DRAFT:
        return (
            "Your changes are saved, but your page stays down: our staff took it down. "
            "We have told them of your changes; they will look at them again, "
            "or reply to our email to ask them."
        )
    if edited.live:
        return (
            "Your changes are waiting for approval. "
            "Your page stays as it was until our staff approve them."
        )
    return "Your changes are saved. Your page is waiting for approval."
