"""Taking down an abusive fundraiser page: staff unpublish it and its owner is told why;
only staff put it back.

"Take down this page" (a button on a live fundraiser page in the Wagtail admin,
`campaigns.wagtail_hooks`) opens `campaigns.admin_views.take_down_view`: a confirm screen
saying what will happen, with a required reason. On POST, `take_down` cancels the page's waiting
moderation (Wagtail logs "Workflow cancelled") and any scheduled publish, marks the page
`taken_down_at`, unpublishes it through Wagtail's own unpublish (logged "Unpublished"),
logs `TAKEN_DOWN` with the reason in the page's history, and emails the owner the reason
through the outbox. The page's gifts stay counted toward its team and campaign: totals
live in `DonationTotal`, which unpublishing does not touch.

While `taken_down_at` is set, the take-down wins over every later way a page could go
live: `FundraiserPage.publish` refuses (an approval, a schedule, an old revision, a bulk
action), the admin offers no Publish or Submit (`FundraiserPagePermissionTester`), and
the owner's edits are kept as drafts (`services.submit_or_publish`), which the staff
member who took the page down hears of once. "Put this page back up" (`put_back_view`)
is the one deliberate way back: it lifts the take-down, logs `PUT_BACK` and publishes
the page's latest version, and tells the owner it is live.

Who may: staff with permission to publish the page (Wagtail's admin URLs already require
an admin login; anyone else is sent to it). Wagtail's plain Unpublish is not offered on a
fundraiser page: taking it down is.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from wagtail.actions.unpublish_page import UnpublishPageAction
from wagtail.log_actions import log
from wagtail.models import PageLogEntry, Revision, WorkflowState

from northstar.emails import public_url, send_email
from northstar.moderation import admin_url

from .models import FundraiserPage
from .moderation import approved_headline, page_context
from .page_states import taken_down

TAKEN_DOWN = "campaigns.fundraiser_taken_down"
PUT_BACK = "campaigns.fundraiser_put_back"


class TakeDownRefused(Exception):
    """The page cannot be taken down (`str(exc)` says why, for staff)."""


@transaction.atomic
def take_down(page: FundraiserPage, user, reason: str) -> None:
    """Take live fundraiser `page` down as staff member `user`: cancel its waiting
    moderation and scheduled publishing, mark it `taken_down_at`, unpublish it, log it with
    `reason` in the page's history (`TAKEN_DOWN`), and email its owner the reason (after
    commit). It stays down until staff `put_back` it.

    Raises PermissionDenied if `user` may not take the page down, TakeDownRefused if it
    is not live (nothing changes either way). The page's gifts stay counted.
    """
    page = FundraiserPage.objects.select_for_update().select_related("supporter").get(pk=page.pk)
    if not page.permissions_for_user(user).can_take_down():
        raise PermissionDenied("You may not take this page down.")
    if not page.live:
        raise TakeDownRefused(f"{page.title} is not live, so there is nothing to take down.")
    owner = page.supporter
    moderation_cancelled = cancel_moderation(page, user)
    schedules_cancelled = Revision.page_revisions.filter(
        object_id=str(page.pk), approved_go_live_at__isnull=False
    ).update(approved_go_live_at=None)
    page.taken_down_at = timezone.now()
    # Wagtail's own unpublish (saves the row, logs "Unpublished", signals), past its check
    # of `can_unpublish`, which a fundraiser page refuses: `can_take_down` was asked above.
    UnpublishPageAction(page, user=user).execute(skip_permission_checks=True)
    log(
        instance=page,
        action=TAKEN_DOWN,
        user=user,
        data={
            "reason": reason,
            "owner": owner.first_name,
            "moderation_cancelled": moderation_cancelled,
            "schedules_cancelled": schedules_cancelled,
        },
    )
    send_email(
        "campaigns/page_taken_down",
        owner.email,
        {
            "first_name": owner.first_name,
            "page_title": page.title,
            "campaign_title": page.campaign.title,
            "reason": reason,
            "dashboard_url": public_url("/dashboard/"),
        },
    )


def cancel_moderation(page: FundraiserPage, user) -> bool:
    """Cancel `page`'s workflow while it waits for review or for changes, as staff member
    `user` (Wagtail logs "Workflow cancelled" in the page's history). Returns whether there
    was one: an edit waiting for approval is never approved into a page taken down."""
    state = (
        WorkflowState.objects.active()
        .filter(base_content_type=page.get_base_content_type(), object_id=str(page.pk))
        .first()
    )
    if state is None:
        return False
    state.cancel(user=user)
    return True


@transaction.atomic
def put_back(page: FundraiserPage, user) -> None:
    """Put fundraiser `page`, which staff took down, back up as staff member `user`: lift the
    take-down, log it (`PUT_BACK`), publish the page's latest revision (its owner's latest
    edit, which staff have looked at), and tell the owner it is live (after commit).

    Raises PermissionDenied if `user` may not publish the page, TakeDownRefused if it is
    not taken down (nothing changes either way).
    """
    page = FundraiserPage.objects.select_for_update().select_related("supporter").get(pk=page.pk)
    if not page.taken_down_at:
        raise TakeDownRefused(f"{page.title} is not taken down.")
    if not page.permissions_for_user(user).can_put_back():
        raise PermissionDenied("You may not publish this page.")
    revision = page.get_latest_revision() or page.save_revision(user=user)
    page.taken_down_at = None
    page.save(update_fields=["taken_down_at"], clean=False)
    log(instance=page, action=PUT_BACK, user=user, data={"revision": revision.pk})
    revision.publish(user=user)
    owner = page.supporter
    send_email(
        "campaigns/moderation_approved",
        owner.email,
        {
            **page_context(page),
            "first_name": owner.first_name,
            "is_team": False,
            "edits": False,
            "headline": approved_headline(False, False),
        },
    )


def take_down_reason(page) -> str:
    """The reason staff gave when they last took `page` down, read from its history
    (`TAKEN_DOWN`), while it is still down; "" for a page that is live or was never
    taken down (`taken_down`)."""
    if not taken_down(page):
        return ""
    entry = (
        PageLogEntry.objects.filter(page_id=page.pk, action=TAKEN_DOWN)
        .order_by("-timestamp", "-pk")
        .first()
    )
    return entry.data.get("reason", "") if entry else ""


def tell_of_edit_while_down(page: FundraiserPage, revision: Revision) -> None:
    """Email the staff member who took `page` down (queued in the caller's transaction) that
    its owner saved `revision` while it is down, with the reason and the way to put it back;
    only for the owner's first edit since the take-down (later ones add nothing to review),
    and only to an active staff member with an address."""
    entry = (
        PageLogEntry.objects.filter(page_id=page.pk, action=TAKEN_DOWN)
        .select_related("user")
        .order_by("-timestamp", "-pk")
        .first()
    )
    staff = entry.user if entry else None
    if staff is None or not staff.is_active or not staff.email:
        return
    earlier_edits = Revision.page_revisions.filter(
        object_id=str(page.pk), created_at__gte=page.taken_down_at
    ).exclude(pk=revision.pk)
    if earlier_edits.exists():
        return
    owner = page.supporter
    send_email(
        "campaigns/taken_down_page_edited",
        staff.email,
        {
            **page_context(page),
            "owner_name": owner.get_full_name() or "Its owner",
            "reason": entry.data.get("reason", ""),
            "put_back_url": admin_url(reverse("campaign_takedown:put-back", args=[page.pk])),
        },
    )


def taken_down_words(data):
    """How a `TAKEN_DOWN` entry reads in the page's history."""
    owner = data.get("owner") or "the owner"
    return f"Taken down; {owner} was emailed the reason: {data.get('reason', '')}"


def put_back_words(data):
    """How a `PUT_BACK` entry reads in the page's history."""
    return "Put back up after a take-down; its latest version was published."
