"""Where a supporter's page stands in moderation: one set of named states, computed once.

A fundraiser page (or a team) is in exactly one `PageState`, read from its row and its
moderation under way by ONE annotation (`with_page_state`), so that a list of pages costs
one query however long it is, and a single page the same function (`page_state`). The
supporter's dashboard, the edit form, the campaign report and its CSV, the refusal of
"Ask five friends" and the approval email all ask it; none re-derives it.

In order (the first that holds wins):

- TAKEN_DOWN: staff took the page down (`FundraiserPage.taken_down_at`, `campaigns.takedown`)
  and have not put it back, whatever else is pending; its owner was emailed the reason.
- live, the public sees the approved version: EDITS_CHANGES_REQUESTED (staff asked for
  changes to the owner's edits), EDITS_WAITING (the owner's edits wait for approval), LIVE.
- not live: WAITING (in the campaign's workflow), CHANGES_REQUESTED (staff asked for
  changes), UNPUBLISHED (it was live and staff unpublished it with Wagtail's ordinary
  Unpublish: no reason was sent, unlike a take-down), DRAFT (never published and not in
  moderation: its workflow was cancelled, or it was made without one).

The words live in templates, not here: `campaigns/includes/page_state.html` (what the owner
reads: "Waiting for approval", "Not live: unpublished by our staff") and
`campaigns/includes/page_state_staff.txt` (the campaign report's CSV: "waiting for approval").
"""

from django.db import models
from django.db.models import Case, CharField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Cast
from django.template.loader import render_to_string
from wagtail.models import WorkflowState


class PageState(models.TextChoices):
    """A fundraiser or team page's moderation state (see the module's docstring)."""

    LIVE = "live"
    EDITS_WAITING = "edits_waiting"
    EDITS_CHANGES_REQUESTED = "edits_changes_requested"
    WAITING = "waiting"
    CHANGES_REQUESTED = "changes_requested"
    TAKEN_DOWN = "taken_down"
    UNPUBLISHED = "unpublished"
    DRAFT = "draft"


# The states in which the public sees the page (its approved version).
LIVE_STATES = (PageState.LIVE, PageState.EDITS_WAITING, PageState.EDITS_CHANGES_REQUESTED)
# The states in which staff asked for changes, live or not.
CHANGES_REQUESTED_STATES = (PageState.CHANGES_REQUESTED, PageState.EDITS_CHANGES_REQUESTED)
# The states of a page that is not live and waits in its campaign's workflow.
IN_MODERATION_STATES = (PageState.WAITING, PageState.CHANGES_REQUESTED)

OWNER_WORDS = "campaigns/includes/page_state.html"
STAFF_WORDS = "campaigns/includes/page_state_staff.txt"


def _moderation_under_way():
    """The page's workflow state that is under way (waiting for review, or for changes: Wagtail
    allows one at a time), for a subquery on a page queryset."""
    return WorkflowState.objects.filter(
        base_content_type__app_label="wagtailcore",
        base_content_type__model="page",
        object_id=Cast(OuterRef("pk"), output_field=CharField()),
        status__in=(WorkflowState.STATUS_IN_PROGRESS, WorkflowState.STATUS_NEEDS_CHANGES),
    ).order_by("-pk")


def with_page_state(pages):
    """`pages` (a queryset of FundraiserPage or TeamPage) annotated, in the same query, with
    `page_state` (a `PageState` value), `moderation_status` (the status of its moderation under
    way, "in_progress" or "needs_changes", else None) and `moderation_comment` (the comment of
    the staff member who asked for changes, "" when none or not asked)."""
    under_way = _moderation_under_way()
    pages = pages.annotate(
        moderation_status=Subquery(under_way.values("status")[:1]),
        moderation_comment=Subquery(under_way.values("current_task_state__comment")[:1]),
    )
    needs_changes = Q(moderation_status=WorkflowState.STATUS_NEEDS_CHANGES)
    in_progress = Q(moderation_status=WorkflowState.STATUS_IN_PROGRESS)
    taken_down = []
    if any(field.name == "taken_down_at" for field in pages.model._meta.get_fields()):
        taken_down = [When(taken_down_at__isnull=False, then=Value(PageState.TAKEN_DOWN))]
    return pages.annotate(
        page_state=Case(
            *taken_down,
            When(Q(live=True) & needs_changes, then=Value(PageState.EDITS_CHANGES_REQUESTED)),
            When(Q(live=True) & in_progress, then=Value(PageState.EDITS_WAITING)),
            When(live=True, then=Value(PageState.LIVE)),
            When(in_progress, then=Value(PageState.WAITING)),
            When(needs_changes, then=Value(PageState.CHANGES_REQUESTED)),
            When(first_published_at__isnull=False, then=Value(PageState.UNPUBLISHED)),
            default=Value(PageState.DRAFT),
            output_field=CharField(),
        )
    )


def with_state_of(page):
    """`page` read again with `with_page_state`'s annotations (one query): the page as it is
    now in the database, with its `page_state` and `moderation_comment`."""
    return with_page_state(type(page).objects.filter(pk=page.pk)).get()


def page_state(page) -> PageState:
    """`page`'s `PageState`: its `page_state` when it came from `with_page_state`, else read in
    one query (`with_state_of`)."""
    state = getattr(page, "page_state", None)
    if state is None:
        state = with_state_of(page).page_state
    return PageState(state)


def taken_down(page) -> bool:
    """Whether staff took `page` (a fundraiser page) down and have not put it back
    (`FundraiserPage.taken_down_at`), as the page instance has it. Its owner's edits never put
    it back up. False for any other page."""
    return getattr(page, "taken_down_at", None) is not None


def staff_words() -> dict[str, str]:
    """{state: how staff read it} for every `PageState`, from STAFF_WORDS ("live", "waiting for
    approval", ...), rendered once per state (the CSV reads it for each row)."""
    return {state: render_to_string(STAFF_WORDS, {"state": state}).strip() for state in PageState}
