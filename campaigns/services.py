"""Supporters' own pages: opened from the public site, saved as Wagtail revisions.

Built as Wagtail's own create view builds a page (`wagtail/admin/views/pages/create.py`):
the page unsaved with `live=False`, `add_child`, then `submit_or_publish`: a revision saved
by its owner (`log_action=True`), then the campaign's approval workflow started, or the
revision published at once. The owner's edits (`campaigns.editing`) take the same way.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from wagtail.coreutils import find_available_slug
from wagtail.images import get_image_model
from wagtail.images.forms import get_image_form
from wagtail.models import Revision, WorkflowState

from northstar.days import organisation_today
from northstar.text import look_alike_key, readable_slug

from .models import FundraiserPage, FundraisingCampaignPage, TeamPage, day_as_read
from .page_states import IN_MODERATION_STATES, LIVE_STATES, taken_down, with_page_state
from .takedown import tell_of_edit_while_down
from .titles import look_alike_refusal, title_refusal, title_taken

FALLBACK_SLUG = "fundraiser"


class FundraiserRefused(Exception):
    """The page cannot be opened; `str(exc)` says why, in words for the supporter.

    `field` names the form field the message belongs to (None: the whole form).
    """

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


RESUBMIT_WINDOW = timedelta(minutes=10)  # a start form sent again opens no second page


def not_started(campaign: FundraisingCampaignPage) -> bool:
    """Whether `campaign`'s start date is still to come, in the site's time zone."""
    return campaign.start_date is not None and campaign.start_date > organisation_today()


def start_day(campaign: FundraisingCampaignPage) -> str:
    """The campaign's start date as a supporter reads it: "April 1" (this year), else
    "April 1, 2027"; "" if it has none."""
    if campaign.start_date is None:
        return ""
    return day_as_read(campaign.start_date)


def opening_refusal(campaign: FundraisingCampaignPage) -> str | None:
    """Why no fundraiser page can be opened in `campaign` today, in words for the
    supporter (before its start date, or after its deadline); None if pages can be opened."""
    if not_started(campaign):
        return (
            f"{campaign.title} starts on {start_day(campaign)}. "
            "Fundraiser pages can be opened from that day."
        )
    if not campaign.accepts_fundraisers():
        return f"{campaign.title} has ended, so new fundraiser pages can no longer be opened."
    return None


def available_slug(campaign: FundraisingCampaignPage, title: str) -> str:
    """A slug from `title`, free under `campaign`: "marias-walk", else "marias-walk-1", ...
    Letters are transliterated (`northstar.text.readable_slug`): "Łukasz idzie" ->
    "lukasz-idzie".

    A title with no letters a slug can keep becomes "fundraiser" (numbered likewise).
    """
    return find_available_slug(campaign, readable_slug(title)[:200].strip("-") or FALLBACK_SLUG)


def save_photo(photo, *, title: str, owner):
    """Store an uploaded photo (already checked by `forms.PhotoField`) as a Wagtail image,
    through the image model's own form, so it lands in the configured storage (S3 in
    production), stripped of its metadata on the way (`northstar.images`). Returns the saved
    image. Raises FundraiserRefused if the image form refuses the file (PhotoField refuses a
    damaged file, so the metadata stripping never meets one it cannot read)."""
    image_model = get_image_model()
    photo.seek(0)
    form = get_image_form(image_model)(
        data={"title": title[:255]},
        files={"file": photo},
        instance=image_model(uploaded_by_user=owner),
    )
    if not form.is_valid():
        errors = form.errors.get("file") or ["This photo could not be used."]
        raise FundraiserRefused(errors[0], field="photo")
    return form.save()


PUBLISHED = "published"
SUBMITTED = "submitted"
KEPT_AS_DRAFT = "draft"


@dataclass(frozen=True)
class Submitted:
    """What `submit_or_publish` did: the new `revision`, and `outcome` (PUBLISHED: it is live;
    SUBMITTED: it waits in the campaign's workflow; KEPT_AS_DRAFT: saved only, as staff took
    the page down)."""

    revision: Revision
    outcome: str


def submit_or_publish(page, owner, *, campaign=None) -> Submitted:
    """Save `page` (a fundraiser or team page, already in the tree) as a new revision by its
    `owner`, then send it on: the one way a supporter's page, new or edited, is saved.

    With `campaign`'s approval workflow active (`campaign`: the page's parent, read when None),
    the revision goes through it: a workflow that asked for changes is resumed (the rejected
    task starts again, on the new revision), one in progress is cancelled and a new one
    started, else a new one is started (SUBMITTED). With none, any workflow left over is
    ended and the revision published at once (PUBLISHED). While staff hold the page down
    (`taken_down`), neither: the revision stays a draft (KEPT_AS_DRAFT) until staff
    put the page back, and the staff member who took it down hears of the owner's first
    edit since. Call it in a transaction."""
    revision = page.save_revision(user=owner, log_action=True)
    if taken_down(page):
        tell_of_edit_while_down(page, revision)
        return Submitted(revision, KEPT_AS_DRAFT)
    campaign = campaign or page.get_parent().specific
    state = (
        WorkflowState.objects.active()
        .filter(base_content_type=page.get_base_content_type(), object_id=str(page.pk))
        .first()
    )
    workflow = campaign.approval_workflow
    if workflow is not None and workflow.active:
        if (
            state is not None
            and state.workflow_id == workflow.pk
            and state.status == WorkflowState.STATUS_NEEDS_CHANGES
        ):
            state.resume(owner)
            return Submitted(revision, SUBMITTED)
        if state is not None:
            state.cancel(user=owner)
        workflow.start(page, owner)
        return Submitted(revision, SUBMITTED)
    if state is not None:
        state.cancel(user=owner)
    # The supporter has no Wagtail permissions: the campaign's setting (no approval needed) is
    # the permission, as the public forms are the only way here.
    revision.publish(user=owner, skip_permission_checks=True)
    return Submitted(revision, PUBLISHED)


def pages_already_opened(campaign: FundraisingCampaignPage, owner) -> list[FundraiserPage]:
    """`owner`'s own pages in `campaign` that are live or waiting in the campaign's workflow
    (for approval, or with changes asked: their `PageState`), oldest first; [] for none or
    for an anonymous visitor. A page staff took down or unpublished, or a draft, is left
    out. One query, however many pages the campaign has."""
    if not owner.is_authenticated:
        return []
    return list(
        with_page_state(FundraiserPage.objects.child_of(campaign).filter(supporter=owner))
        .filter(page_state__in=LIVE_STATES + IN_MODERATION_STATES)
        .order_by("pk")
    )


@transaction.atomic
def open_fundraiser(campaign: FundraisingCampaignPage, owner, data: dict) -> FundraiserPage:
    """Open `owner`'s own page under `campaign` from a valid `StartFundraiserForm`'s data.

    `data`: "title", "goal_cents" (int, the campaign's minor units), "story",
    optional "photo" (an uploaded image), "team" (a TeamPage of the campaign)
    and "new_team_title" (creates a team captained by `owner`, if the campaign
    allows teams), and "first_name" and "last_name" when the form asked for them
    (stored on `owner`, in this transaction, before the page is made, so the page
    is found by them). The page's slug is its title's, numbered if taken.
    Returns the page: live, or waiting in the campaign's workflow.

    If `owner` opened a page of this title in the campaign within RESUBMIT_WINDOW
    (its latest revision; the form sent twice), returns that page and changes
    nothing.

    Raises FundraiserRefused (nothing is saved) if the campaign has not started
    or is past its deadline, or another page or a team of the same title is
    already in the campaign.
    """
    campaign = FundraisingCampaignPage.objects.select_for_update().get(pk=campaign.pk)
    refusal = opening_refusal(campaign)
    if refusal:
        raise FundraiserRefused(refusal)
    title = data["title"]
    opened = (
        FundraiserPage.objects.child_of(campaign)
        .filter(
            title__iexact=title,
            supporter=owner,
            latest_revision_created_at__gte=timezone.now() - RESUBMIT_WINDOW,
        )
        .first()
    )
    if opened is not None:
        return opened  # the same form sent again (a double click): the page it opened
    check_title_free(campaign, title)
    name_owner(owner, data)
    team = chosen_team(campaign, owner, data, page_title=title)

    photo = data.get("photo")
    page = FundraiserPage(
        title=title,
        slug=available_slug(campaign, title),
        supporter=owner,
        goal_cents=data["goal_cents"],
        story=data["story"],
        photo=save_photo(photo, title=title, owner=owner) if photo else None,
        team=team,
        live=False,
        owner=owner,  # Wagtail's own owner too, as its create view sets it
    )
    campaign.add_child(instance=page)
    submit_or_publish(page, owner, campaign=campaign)
    page.refresh_from_db()
    return page


def name_owner(owner, data: dict) -> None:
    """Store the "first_name" and "last_name" of a form's valid `data` on `owner`, if it
    holds them (the start form asks an owner who has none); nothing otherwise. Saving the
    names refolds the search text of any page `owner` already has."""
    names = {field: data[field] for field in ("first_name", "last_name") if data.get(field)}
    if not names:
        return
    for field, value in names.items():
        setattr(owner, field, value)
    owner.save(update_fields=list(names))


def check_title_free(campaign: FundraisingCampaignPage, title: str, *, page=None) -> None:
    """Raise FundraiserRefused (field "title") if `title` cannot be the title of `page`
    (None: a new page) under `campaign` (`title_refusal` says why).

    Call it in a transaction: it takes the campaign's row lock first (as `open_fundraiser`
    does), so that two supporters cannot take one title at the same moment."""
    FundraisingCampaignPage.objects.select_for_update().get(pk=campaign.pk)
    refusal = title_refusal(campaign, title, page=page)
    if refusal:
        raise FundraiserRefused(refusal, field="title")


def chosen_team(campaign: FundraisingCampaignPage, owner, data: dict, *, page_title: str):
    """The team a fundraiser page form's valid `data` chose: its "team" (a TeamPage of
    `campaign`, or None), or a new team named "new_team_title", created here (captained
    by `owner`, its goal five times the page's "goal_cents", and published or sent to the
    campaign's workflow as a page is). None if the campaign allows no teams.

    Raises FundraiserRefused if the team is not one of the campaign's, or the new team's
    name mixes look-alike alphabets, or is taken in the campaign or is `page_title` (as a
    reader sees them: `title_taken`).
    """
    team = data.get("team") if campaign.teams_allowed else None
    new_team_title = data.get("new_team_title", "") if campaign.teams_allowed else ""
    if team is not None and team.get_parent().pk != campaign.pk:
        raise FundraiserRefused("Please choose one of the teams listed.", field="team")
    if new_team_title:
        refusal = look_alike_refusal(new_team_title, what="the team's name")
        if refusal:
            raise FundraiserRefused(refusal, field="new_team_title")
        same_as_page = look_alike_key(new_team_title) == look_alike_key(page_title)
        if same_as_page or title_taken(campaign, new_team_title):
            raise FundraiserRefused(
                "A team or page in this campaign already has this name. "
                "Please join that team, or choose another name.",
                field="new_team_title",
            )
        team = TeamPage(
            title=new_team_title,
            slug=available_slug(campaign, new_team_title),
            captain=owner,
            goal_cents=data["goal_cents"] * 5,  # a first guess; the captain changes it later
            live=False,
            owner=owner,
        )
        campaign.add_child(instance=team)
        submit_or_publish(team, owner, campaign=campaign)
    return team
