"""Wagtail's moderation emails, sent through the site's one mail path (`northstar.emails`).

Wagtail connects its own email notifiers (`wagtail/admin/signal_handlers.py`) to the
workflow signals; they send with Django's mail directly, so their messages skip the
outbox (no row, no retry, no record, not the organisation's sender). `route_moderation_emails`
(called from `CampaignsConfig.ready`) puts ours in their place, under the same
`dispatch_uid`s: it disconnects Wagtail's if they are already connected, and connects
ours first otherwise, so Wagtail's later `connect` with that uid does nothing. Either
order of INSTALLED_APPS ends with ours alone.

Who is told what:

- a page is waiting in a group approval task (`task_submitted`): the task's groups'
  members, and superusers unless WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS is False;
  never the person who submitted it; only staff who keep "submitted" notifications on
  in their Wagtail account settings. (`workflow_submitted` tells moderators nothing more:
  Wagtail told superusers twice, once per signal.)
- a new fundraiser page its owner sent for approval (`workflow_submitted`, the page's
  first workflow, started by its owner): the owner, that we received it and what happens
  next (staff look at it; we email when it is live or if changes are needed; meanwhile a
  private preview and "Ask five friends", whose invitations go once it is live). Not for
  later edits, nor for a team.
- approved (`workflow_approved`) / changes requested (`workflow_rejected`, with the
  staff comment): a fundraiser page's owner (`FundraiserPage.supporter`); for any other
  page, the staff member who submitted it, as Wagtail did (respecting their settings).
  Never the person who approved or rejected it.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.models import AbstractGroupApprovalTask, TaskState, WorkflowState
from wagtail.signals import task_submitted, workflow_approved, workflow_rejected, workflow_submitted
from wagtail.users.models import UserProfile

from northstar.emails import public_url, send_email


def admin_url(path):
    """`path` in the Wagtail admin, as an absolute URL (WAGTAILADMIN_BASE_URL)."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def wants(user, notification):
    """Whether staff member `user` keeps Wagtail's `notification` ("submitted", "approved",
    "rejected") emails on, and can receive them (active, with an address)."""
    return (
        user.is_active
        and bool(user.email)
        and getattr(UserProfile.get_for_user(user), f"{notification}_notifications")
    )


def page_of(workflow_state):
    """The page (specific) a workflow state moderates, or None for a snippet."""
    from wagtail.models import Page

    obj = workflow_state.content_object
    return obj.specific if isinstance(obj, Page) else None


def moderators(task, triggering_user=None):
    """The staff a group approval `task` asks to review: its groups' members (and
    superusers, per WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS), not `triggering_user`,
    who keep "submitted" emails on. A list of users, by id."""
    users = get_user_model().objects.filter(groups__in=task.groups.all())
    if getattr(settings, "WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS", True):
        users = users | get_user_model().objects.filter(is_superuser=True)
    if triggering_user is not None:
        users = users.exclude(pk=triggering_user.pk)
    return [user for user in users.distinct().order_by("pk") if wants(user, "submitted")]


def page_context(page):
    """What the moderation emails say of a page: its title, kind and links."""
    return {
        "page_title": page.title,
        "page_kind": page._meta.verbose_name,
        "page_url": public_url(page),
        "review_url": admin_url(reverse("wagtailadmin_pages:edit", args=[page.pk])),
    }


def tell_moderators(sender, instance, user=None, **kwargs):
    """`task_submitted` receiver: email each moderator of a group approval task that a page
    waits for their review. Snippets and other task types are left alone."""
    task = instance.task.specific
    if not isinstance(task, AbstractGroupApprovalTask):
        return
    page = page_of(instance.workflow_state)
    if page is None:
        return
    requested_by = instance.workflow_state.requested_by
    context = {
        **page_context(page),
        "task_name": task.name,
        "requested_by": requested_by.get_full_name() or requested_by.get_username()
        if requested_by
        else "",
    }
    for moderator in moderators(task, triggering_user=user):
        send_email("campaigns/moderation_submitted", moderator.email, context)


def told_of_decision(page, workflow_state, notification, user=None):
    """Whom to tell that `page`'s workflow was approved or rejected (`notification`), or None:
    a fundraiser page's owner; else the staff member who submitted it. Never `user`."""
    from .models import FundraiserPage

    if isinstance(page, FundraiserPage):
        owner = page.supporter
        if user is not None and owner.pk == user.pk:
            return None
        return owner if owner.is_active and owner.email else None
    requested_by = workflow_state.requested_by
    if requested_by is None or (user is not None and requested_by.pk == user.pk):
        return None
    return requested_by if wants(requested_by, notification) else None


def approved_headline(is_team, edits):
    """The approval email's subject and heading: a team's, approved edits', or a new page's."""
    if is_team:
        return "Your team is live"
    return "Your changes are live" if edits else "Your page is live"


def tell_approved(sender, instance, user=None, **kwargs):
    """`workflow_approved` receiver: tell the page's owner it is live, with its link: a team
    (`is_team`) as a team, and approved edits of a page published before (`edits`) as
    changes, not as a page newly live."""
    from .models import TeamPage

    page = page_of(instance)
    if page is None:
        return
    recipient = told_of_decision(page, instance, "approved", user)
    if recipient is None:
        return
    is_team = isinstance(page, TeamPage)
    edits = page.first_published_at != page.last_published_at
    send_email(
        "campaigns/moderation_approved",
        recipient.email,
        {
            **page_context(page),
            "first_name": recipient.first_name,
            "is_team": is_team,
            "edits": edits,
            "headline": approved_headline(is_team, edits),
        },
    )


def tell_rejected(sender, instance, user=None, **kwargs):
    """`workflow_rejected` receiver: tell the page's owner changes were requested, with the
    staff member's comment."""
    page = page_of(instance)
    if page is None:
        return
    recipient = told_of_decision(page, instance, "rejected", user)
    if recipient is None:
        return
    task_state = instance.current_task_state
    comment = task_state.specific.get_comment() if task_state else ""
    send_email(
        "campaigns/moderation_changes_requested",
        recipient.email,
        {
            **page_context(page),
            "first_name": recipient.first_name,
            "comment": comment,
            "dashboard_url": public_url("/dashboard/"),
        },
    )


def tell_owner_received(sender, instance, user=None, **kwargs):
    """`workflow_submitted` receiver in Wagtail's notifier's place: tells a new fundraiser
    page's owner that their page was received and what happens next (see the module's
    docstring). Moderators are told by `tell_moderators`, once per task."""
    from .models import FundraiserPage

    page = page_of(instance)
    if not isinstance(page, FundraiserPage) or page.first_published_at is not None:
        return
    owner = page.supporter
    if user is None or user.pk != owner.pk or not (owner.is_active and owner.email):
        return
    earlier = WorkflowState.objects.filter(
        base_content_type=instance.base_content_type, object_id=instance.object_id
    ).exclude(pk=instance.pk)
    if earlier.exists():
        return  # an edit of a page still waiting: it was received before
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


# (signal, sender, Wagtail's dispatch_uid, our receiver)
ROUTES = (
    (
        task_submitted,
        TaskState,
        "group_approval_task_submitted_email_notification",
        tell_moderators,
    ),
    (
        workflow_submitted,
        WorkflowState,
        "workflow_state_submitted_email_notification",
        tell_owner_received,
    ),
    (workflow_rejected, WorkflowState, "workflow_state_rejected_email_notification", tell_rejected),
    (workflow_approved, WorkflowState, "workflow_state_approved_email_notification", tell_approved),
)


def route_moderation_emails():
    """Put our receivers in place of Wagtail's email notifiers (see the module's docstring)."""
    for signal, sender, uid, receiver in ROUTES:
        signal.disconnect(sender=sender, dispatch_uid=uid)
        signal.connect(receiver, sender=sender, dispatch_uid=uid, weak=False)
