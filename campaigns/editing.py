"""The owner edits their own fundraiser page from the public site (the dashboard).

Built as Wagtail's own edit view saves a page (`wagtail/admin/views/pages/edit.py`):
the form works on the page's latest revision; the page's row is saved only while
the page is not live (a live page's row is its live version, which stays up);
`services.submit_or_publish` then saves a new revision each time and sends it on, as it
does a new page's first: through the campaign's approval workflow again (a workflow that
asked for changes is resumed, one in progress is restarted on the new revision, else a new
one is started), else published at once.

Two forms open on one page (a phone and a laptop, or the owner and staff in the admin) must
not undo each other: the form carries the version it was opened on (`page_version`), and a
save over a newer one is refused (`northstar.forms.EditConflict`), with nothing saved.
"""

import logging
from dataclasses import dataclass

from django.db import transaction
from wagtail.models import Revision

from northstar.forms import check_version

from .models import FundraiserPage, FundraisingCampaignPage
from .services import (  # noqa: F401 (the outcomes are read from here too, as Edited's)
    KEPT_AS_DRAFT,
    PUBLISHED,
    SUBMITTED,
    FundraiserRefused,
    check_title_free,
    chosen_team,
    save_photo,
    submit_or_publish,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Edited:
    """What `edit_fundraiser` did: the new `revision`, and `outcome` (PUBLISHED: the edit
    is live; SUBMITTED: it waits in the campaign's workflow; KEPT_AS_DRAFT: saved only, as
    staff took the page down and the campaign has no workflow to send it through), and
    whether the page was `live` before (a live page stays up, unchanged, while its edit
    waits)."""

    revision: Revision
    outcome: str
    live: bool


def owned_page(owner, page_id) -> FundraiserPage | None:
    """`owner`'s fundraiser page `page_id` (an int), or None if there is none or it is
    someone else's (staff included: the public site edits only one's own pages)."""
    if not owner.is_authenticated:
        return None
    return FundraiserPage.objects.filter(pk=page_id, supporter=owner).first()


def page_as_edited(page: FundraiserPage) -> FundraiserPage:
    """`page` as its owner last saved it: its latest revision (which may be waiting for
    approval while the live version is older), else the page itself."""
    return page.get_latest_revision_as_object() if page.latest_revision_id else page


def page_version(page: FundraiserPage) -> str:
    """The version of `page` its edit form opens on and `edit_fundraiser` checks: its latest
    revision's id and when that revision was saved (Wagtail's admin autosave rewrites its own
    latest revision in place, keeping the id), read from the page's row; "new" for a page
    with no revision yet. Any save of a revision, from the dashboard or the admin, changes
    it; approving, rejecting, publishing or taking the page down does not."""
    if not page.latest_revision_id:
        return "new"
    saved = page.latest_revision_created_at
    return f"{page.latest_revision_id}@{saved.isoformat() if saved else ''}"


@transaction.atomic
def edit_fundraiser(
    page: FundraiserPage, owner, data: dict, *, opened_version: str | None
) -> Edited:
    """Save `owner`'s changes to their page `page` from a valid `EditFundraiserForm`'s
    data, as a new revision.

    `data`: "title", "goal_cents" (int, the campaign's minor units), "story",
    optional "photo" (a new uploaded image; None keeps the current one), "team" and
    "new_team_title" (as `services.chosen_team` reads them; a campaign that allows
    no teams keeps the page's team). The slug never changes, so shared links keep
    working. `opened_version` is the version the form was opened on (`page_version`, as
    its hidden field posted it; None if the post carried none). Returns an `Edited`.

    Raises FundraiserRefused (nothing is saved) if `owner` is not the page's owner,
    or another page or team of the campaign already has the title; EditConflict
    (nothing is saved: no revision, no workflow change) if a revision was saved since
    `opened_version`, or if it is None (an unknown version is never taken as current).
    """
    row = FundraiserPage.objects.select_for_update().filter(pk=page.pk).first()
    if row is None or row.supporter_id != owner.pk:
        raise FundraiserRefused("Only the owner of a page can change it.")
    # Under the row's lock: every save of a revision of this page, dashboard or admin,
    # writes this row, so none can come between the check and the new revision.
    check_version(opened_version, page_version(row))
    campaign = FundraisingCampaignPage.objects.get(pk=row.get_parent().pk)
    title = data["title"]
    check_title_free(campaign, title, page=row)
    draft = page_as_edited(row)
    if campaign.teams_allowed:
        draft.team = chosen_team(campaign, owner, data, page_title=title)
    draft.title = title
    draft.goal_cents = data["goal_cents"]
    draft.story = data["story"]
    photo = data.get("photo")
    if photo:
        draft.photo = save_photo(photo, title=title, owner=owner)

    was_live = row.live
    if not was_live:
        # As Wagtail's edit view does (form.save(commit=not page.live)): a page that is
        # not live keeps its latest content on its row too.
        draft.save()
    submitted = submit_or_publish(draft, owner, campaign=campaign)
    logger.info(
        "Fundraiser page %s edited by its owner %s: revision %s %s",
        row.pk,
        owner.pk,
        submitted.revision.pk,
        submitted.outcome,
    )
    return Edited(revision=submitted.revision, outcome=submitted.outcome, live=was_live)
