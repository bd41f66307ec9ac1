"""How the owners of supporters' pages, and their moderators, hear of the pages' moderation.

`northstar.moderation` routes Wagtail's moderation notifications (see its docstring); for a
fundraiser page and a team it asks `page_moderation` (registered under its hook in
`campaigns.wagtail_hooks`), which answers who owns the page (a fundraiser page's
`supporter`, a team's `captain`) and how each hears, through the site's outbox
(`northstar.emails.send_email`):

- moderators: "Waiting for your review" (`ask_moderators`), for both;
- a new fundraiser page its owner sent for approval: the owner, that we received it and
  what happens next (staff look at it; we email when it is live or if changes are needed;
  meanwhile a private preview and "Ask five friends", whose invitations go once it is
  live; `tell_received`). Not for later edits, nor for a team;
- approved: the owner, that the page (or the team, or their changes) is live, with its
  link (`tell_approved`), only if it is live (its `PageState`);
- changes requested: the owner, with the staff comment (`tell_changes_requested`).

Every other page (a petition...) gets `northstar.moderation`'s own answer: the
notifications Wagtail would send, to the same people, through the outbox.
"""

from django.urls import reverse

from northstar.emails import public_url, send_email
from northstar.moderation import OwnedPage, admin_url

from .models import FundraiserPage, TeamPage
from .page_states import LIVE_STATES, page_state


def page_context(page):
    """What the moderation emails say of a page: its title, kind and links."""
    return {
        "page_title": page.title,
        "page_kind": page._meta.verbose_name,
        "page_url": public_url(page),
        "review_url": admin_url(reverse("wagtailadmin_pages:edit", args=[page.pk])),
    }


def ask_moderators(page, moderators, task_state):
    """Email each of `moderators` (staff users) that `page` waits for their review in
    `task_state`'s task."""
    requested_by = task_state.workflow_state.requested_by
    context = {
        **page_context(page),
        "task_name": task_state.task.name,
        "requested_by": requested_by.get_full_name() or requested_by.get_username()
        if requested_by
        else "",
    }
    for moderator in moderators:
        send_email("campaigns/moderation_submitted", moderator.email, context)


def approved_headline(is_team, edits):
    """The approval email's subject and heading: a team's, approved edits', or a new page's."""
    if is_team:
        return "Your team is live"
    return "Your changes are live" if edits else "Your page is live"


def tell_approved(page, owner):
    """Tell `owner` their `page` is live, with its link: a team as a team, and approved edits
    of a page published before (`edits`) as changes, not as a page newly live. Nothing while
    the page is not live (`PageState`): an approval that published nothing says nothing."""
    if page_state(page) not in LIVE_STATES:
        return
    is_team = isinstance(page, TeamPage)
    edits = page.first_published_at != page.last_published_at
    send_email(
        "campaigns/moderation_approved",
        owner.email,
        {
            **page_context(page),
            "first_name": owner.first_name,
            "is_team": is_team,
            "edits": edits,
            "headline": approved_headline(is_team, edits),
        },
    )


def tell_changes_requested(page, owner, comment: str):
    """Tell `owner` that staff asked for changes to their `page`, with the staff `comment`."""
    send_email(
        "campaigns/moderation_changes_requested",
        owner.email,
        {
            **page_context(page),
            "first_name": owner.first_name,
            "comment": comment,
            "dashboard_url": public_url("/dashboard/"),
        },
    )


def tell_received(page, owner):
    """Tell `owner` that their new fundraiser `page` was received and what happens next (see
    the module's docstring)."""
    send_email(
        "campaigns/page_received",
        owner.email,
        {
            "first_name": owner.first_name,
            "page_title": page.title,
            "campaign_title": page.campaign.title,
            "dashboard_url": public_url("/dashboard/"),
            "preview_url": public_url(reverse("dashboard:preview-page", args=[page.pk])),
            "friends_url": public_url(reverse("dashboard:invite-friends", args=[page.pk])),
        },
    )


def page_moderation(page) -> OwnedPage | None:
    """The campaigns app's answer to `northstar.moderation.MODERATION_HOOK` for `page`: a
    fundraiser page's owner is its supporter, a team's its captain; None for other pages."""
    if isinstance(page, FundraiserPage):
        return OwnedPage(
            owner=page.supporter,
            review_requested=ask_moderators,
            received=tell_received,
            approved=tell_approved,
            changes_requested=tell_changes_requested,
        )
    if isinstance(page, TeamPage):
        return OwnedPage(
            owner=page.captain,
            review_requested=ask_moderators,
            approved=tell_approved,
            changes_requested=tell_changes_requested,
        )
    return None
