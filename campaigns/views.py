"""The campaigns app's public views: a supporter opens their own fundraiser page, a donor
finds one, the supporter's dashboard (their pages, the edit form, the private preview, Ask
five friends), and invited friends stop emails about a page (`northstar.unsubscribe`).

Views parse, call one service, render: the read models they show are in
`campaigns.dashboard` and `campaigns.search`, the services in `campaigns.services`,
`campaigns.editing` and `campaigns.invitations`. Only a page's owner (its `supporter`) sees
its dashboard screens and its friends' addresses: anyone else gets a 404.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from donations.money import format_money
from donations.offline import OfflineGiftError, report_offline_gift
from northstar.days import organisation_today
from northstar.forms import EditConflict
from northstar.pagecache import render_for_cache
from northstar.unsubscribe import one_click_view

from . import invitations
from .dashboard import supporter_dashboard
from .editing import edit_fundraiser, owned_page, page_as_edited, page_version
from .forms import (
    EditFundraiserForm,
    FindFundraiserForm,
    FriendFormSet,
    NoteForm,
    ReportOfflineGiftForm,
    StartFundraiserForm,
)
from .invitations import (
    FRIENDS_PER_BATCH,
    INVITATION_EMAILS_PER_OWNER_PER_HOUR,
    MAX_INVITATIONS_PER_PAGE,
    REMIND_AFTER,
    Invitation,
    InvitationRefused,
    invitations_for_owner,
    invite,
    remind,
    story_opening,
    waiting_for_approval,
)
from .models import FundraiserPage, FundraisingCampaignPage
from .page_states import with_page_state, with_state_of
from .search import MAX_RESULTS, find_fundraisers, find_teams
from .services import (
    KEPT_AS_DRAFT,
    PUBLISHED,
    FundraiserRefused,
    not_started,
    open_fundraiser,
    pages_already_opened,
    start_day,
)


def live_campaign_or_404(campaign_id):
    return get_object_or_404(FundraisingCampaignPage.objects.live().public(), pk=campaign_id)


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def start_fundraiser(request, campaign_id):
    """The "start your own fundraiser" form; on a valid post, the page is opened and the
    supporter is sent to the page that says what happens next.

    A supporter who already has a page here (live or waiting: `pages_already_opened`) is
    first shown it, with its dashboard link, and "Open another page" (`?another=1`) for the
    form; a post opens a second page as before. `?team=<id>` (a team page's link) starts
    the form with that team chosen, if it is one of the campaign's live teams."""
    campaign = live_campaign_or_404(campaign_id)
    context = {"campaign": campaign, "page": campaign}
    if not_started(campaign):
        context["start_day"] = start_day(campaign)
        return TemplateResponse(request, "campaigns/start_fundraiser_not_started.html", context)
    if not campaign.accepts_fundraisers():
        return TemplateResponse(request, "campaigns/start_fundraiser_closed.html", context)
    team_id = request.GET.get("team")
    if request.method != "POST" and not request.GET.get("another"):
        opened = pages_already_opened(campaign, request.user)
        if opened:
            another = {"another": "1", **({"team": team_id} if team_id else {})}
            context.update(opened=opened, another_query=urlencode(another))
            return TemplateResponse(
                request, "campaigns/start_fundraiser_already_opened.html", context
            )
    if request.method == "POST":
        form = StartFundraiserForm(
            request.POST, request.FILES, campaign=campaign, owner=request.user
        )
        if form.is_valid():
            try:
                fundraiser = open_fundraiser(campaign, request.user, form.cleaned_data)
            except FundraiserRefused as refused:
                form.add_error(refused.field, str(refused))
            else:
                return redirect("campaigns:fundraiser-opened", fundraiser_id=fundraiser.pk)
        form.ask_for_photo_again()
    else:
        form = StartFundraiserForm(
            campaign=campaign,
            owner=request.user,
            initial={
                "goal_cents": campaign.default_fundraiser_goal_cents,
                "story": campaign.default_fundraiser_story,
            },
        )
        form.preselect_team(team_id)
    context["form"] = form
    return TemplateResponse(request, "campaigns/start_fundraiser.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "HEAD"])
def fundraiser_opened(request, fundraiser_id):
    """After opening a page: a link to it if live, else "Waiting for approval". Only its
    owner sees this (404 for anyone else)."""
    fundraiser = get_object_or_404(
        FundraiserPage.objects.select_related("supporter"), pk=fundraiser_id, supporter=request.user
    )
    context = {"fundraiser": fundraiser, "campaign": fundraiser.campaign}
    return TemplateResponse(request, "campaigns/fundraiser_opened.html", context)


# The "no more emails about this page" link in every invitation and reminder, and its
# one-click List-Unsubscribe: the owner can no longer remind that friend.
stop_invitation_emails = one_click_view(
    invitations.invitation_for_stop_token,
    invitations.stop_emails,
    "campaigns/stop_invitation_emails.html",
    unsubscribed=invitations.emails_stopped,
)


# --- Find a fundraiser (`campaigns.search`) ---


@require_http_methods(["GET", "HEAD"])
def find_fundraiser(request, campaign_id):
    """/campaigns/<id>/find/?q=maria: the matching pages, then the matching teams (marked
    as teams), each with raised of goal and a link;
    "no pages match" with a way to give to the campaign itself; a clear message for an
    empty or too long query."""
    campaign = get_object_or_404(FundraisingCampaignPage.objects.live().public(), pk=campaign_id)
    form = FindFundraiserForm(request.GET if "q" in request.GET else None)
    results = teams = None
    if form.is_valid():
        results = find_fundraisers(campaign, form.cleaned_data["q"])
        teams = find_teams(campaign, form.cleaned_data["q"])
    context = {
        "campaign": campaign,
        "page": campaign,
        "form": form,
        "results": results,
        "teams": teams,
        "max_results": MAX_RESULTS,
    }
    return TemplateResponse(request, "campaigns/find_fundraiser.html", context)


# --- The supporter's dashboard (`campaigns.dashboard`) ---


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
    page = with_state_of(page)  # the page as it is, with its moderation state
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
                current = owned_page(request.user, fundraiser_id)
                page = with_state_of(current) if current else page
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


# --- Ask five friends, on the dashboard (`campaigns.invitations`) ---


def owned_fundraiser_or_404(user, fundraiser_id):
    """`user`'s own fundraiser page `fundraiser_id` (live or not), with its `PageState`
    (`with_page_state`), else Http404."""
    return get_object_or_404(
        with_page_state(FundraiserPage.objects.select_related("supporter")),
        pk=fundraiser_id,
        supporter=user,
    )


@never_cache  # the owner's friends' names and addresses
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def invite_friends(request, fundraiser_id):
    """The page's invitations and the form for up to five more; a valid post invites them
    (all or none) and comes back here with a message."""
    page = owned_fundraiser_or_404(request.user, fundraiser_id)
    refusal = None
    if request.method == "POST":
        formset = FriendFormSet(request.POST, prefix="friends")
        note_form = NoteForm(request.POST)
        if formset.is_valid() and note_form.is_valid():
            try:
                invitations = invite(
                    page, request.user, formset.friends(), note=note_form.cleaned_data["note"]
                )
            except InvitationRefused as refused:
                refusal = str(refused)
            else:
                messages.success(request, invited_message(invitations))
                return redirect("dashboard:invite-friends", fundraiser_id=page.pk)
    else:
        formset = FriendFormSet(prefix="friends")
        note_form = NoteForm()
    invitations = invitations_for_owner(page)
    context = {
        "fundraiser": page,
        "campaign": page.campaign,
        "waiting": waiting_for_approval(page),
        "formset": formset,
        "note_form": note_form,
        "story_opening": story_opening(page.story),
        "refusal": refusal,
        "invitations": invitations,
        "gave_count": sum(1 for i in invitations if i.state == Invitation.State.GAVE),
        "held_count": sum(1 for i in invitations if i.state == Invitation.State.HELD),
        "cap": MAX_INVITATIONS_PER_PAGE,
        "left": max(0, MAX_INVITATIONS_PER_PAGE - len(invitations)),
        "per_batch": FRIENDS_PER_BATCH,
        "per_hour": INVITATION_EMAILS_PER_OWNER_PER_HOUR,
        "remind_days": REMIND_AFTER.days,
    }
    return TemplateResponse(request, "campaigns/invite_friends.html", context)


def invited_message(invitations: list[Invitation]) -> str:
    """What the owner is told once `invitations` (one batch, sent or held) are saved."""
    count = len(invitations)
    if invitations[0].state == Invitation.State.HELD:
        if count == 1:
            return (
                f"Your invitation to {invitations[0].name} is saved. "
                "It will be sent when your page is live."
            )
        return (
            f"Your invitations to {count} friends are saved. "
            "They will be sent when your page is live."
        )
    if count == 1:
        return f"Your invitation is on its way to {invitations[0].name}."
    return f"Your invitations are on their way to {count} friends."


@never_cache
@login_required
@require_POST
def remind_friend(request, fundraiser_id, invitation_id):
    """Remind one friend (at most once every REMIND_AFTER), then back to the list with a
    message saying it was sent, or why not."""
    invitation = get_object_or_404(
        Invitation, pk=invitation_id, page_id=fundraiser_id, page__supporter=request.user
    )
    try:
        remind(invitation, request.user)
    except InvitationRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"Your reminder is on its way to {invitation.name}.")
    return redirect("dashboard:invite-friends", fundraiser_id=fundraiser_id)


# --- Report a gift given offline (`donations.offline`) ---


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def report_offline_gift_view(request, fundraiser_id):
    """The owner's form to report a gift given offline to their page; a valid post reports
    it (awaiting staff's confirmation, counted nowhere until then) and goes back to the
    dashboard saying so. 404 for anyone but the page's owner."""
    page = owned_fundraiser_or_404(request.user, fundraiser_id)
    if request.method == "POST":
        form = ReportOfflineGiftForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                gift = report_offline_gift(
                    page=page,
                    owner=request.user,
                    amount_cents=data["amount"],
                    method=data["method"],
                    received_on=data["received_on"],
                    donor_name=data["donor_name"],
                    note=data["note"],
                )
            except OfflineGiftError as refused:
                form.add_error(None, str(refused))
            else:
                messages.success(request, reported_message(gift))
                return redirect("dashboard:home")
    else:
        form = ReportOfflineGiftForm(initial={"received_on": organisation_today()})
    context = {"fundraiser": page, "campaign": page.campaign, "form": form}
    return TemplateResponse(request, "campaigns/dashboard/report_offline_gift.html", context)


def reported_message(gift) -> str:
    """What the owner is told once a gift given offline is reported."""
    amount = format_money(gift.amount_cents, gift.currency)
    who = f" from {gift.first_name}" if gift.first_name else ""
    return (
        f"Thank you: the {amount} gift{who} is awaiting confirmation. "
        "It counts on your page once our staff confirm it."
    )
