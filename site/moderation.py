"""Wagtail's moderation notifications, routed in one place: each app says who owns its pages and
how they hear.

Wagtail connects four email notifiers (`wagtail/admin/signal_handlers.py`) to its workflow
signals. `route_moderation_notifications` (called from `NorthStarConfig.ready`) puts one router
under each of their `dispatch_uid`s: it disconnects Wagtail's if they are already connected,
and connects ours first otherwise, so Wagtail's later `connect` with that uid does nothing.
Either order of INSTALLED_APPS ends with the routers alone. Each router asks every app one
question, "who owns this page, and how do they hear?", through the Wagtail hook
`MODERATION_HOOK` (as `northstar.protection` asks about deletion):

    @hooks.register(MODERATION_HOOK)
    def fundraiser_moderation(page) -> OwnedPage | None: ...

A function answers None for pages it knows nothing about; the first answer wins.

- A page no app claims (a petition, any other page) and a snippet get Wagtail's own
  notification, exactly as Wagtail sends it (its notifier is called), and nothing else.
- A page an app claims gets only the app's messages, which it sends through the outbox
  (`northstar.emails.send_email`); Wagtail's notifier is not called, so nothing is sent twice.
  For such a page the router decides who, the app how (each of `OwnedPage`'s functions; None
  tells nobody):
  - `review_requested`: the page waits in a group approval task (`task_submitted`): the
    task's moderators (`moderators`: its groups' members, and superusers unless
    WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS is False; never who submitted it; only
    staff who keep "submitted" notifications on in their Wagtail account settings).
  - `received`: the owner sent a new page for approval (`workflow_submitted`: its first
    workflow, started by its owner, the page never published). Moderators are told once, by
    `review_requested`, not again for the workflow.
  - `approved` / `changes_requested` (`workflow_approved` / `workflow_rejected`, with the
    staff comment): the owner, if active and with an address; never the person who
    approved or rejected it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from wagtail import hooks
from wagtail.admin import signal_handlers as wagtail_notifiers
from wagtail.models import AbstractGroupApprovalTask, Page, TaskState, WorkflowState
from wagtail.signals import task_submitted, workflow_approved, workflow_rejected, workflow_submitted
from wagtail.users.models import UserProfile

MODERATION_HOOK = "describe_page_moderation"


@dataclass(frozen=True)
class OwnedPage:
    """An app's answer for a page it owns: its `owner` (a user), and how people hear of the
    page's moderation (see the module's docstring), each a function or None:

    `review_requested(page, moderators: list[User], task_state)`,
    `received(page, owner)`, `approved(page, owner)`,
    `changes_requested(page, owner, comment: str)`.
    """

    owner: Any
    review_requested: Callable | None = None
    received: Callable | None = None
    approved: Callable | None = None
    changes_requested: Callable | None = None


def admin_url(path: str) -> str:
    """`path` in the Wagtail admin, as an absolute URL (WAGTAILADMIN_BASE_URL)."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def wants(user, notification: str) -> bool:
    """Whether staff member `user` keeps Wagtail's `notification` ("submitted", "approved",
    "rejected") emails on, and can receive them (active, with an address)."""
    return (
        user.is_active
        and bool(user.email)
        and getattr(UserProfile.get_for_user(user), f"{notification}_notifications")
    )


def moderators(task, triggering_user=None) -> list:
    """The staff a group approval `task` asks to review: its groups' members (and superusers,
    per WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS), not `triggering_user`, who keep
    "submitted" emails on. A list of users, by id."""
    users = get_user_model().objects.filter(groups__in=task.groups.all())
    if getattr(settings, "WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS", True):
        users = users | get_user_model().objects.filter(is_superuser=True)
    if triggering_user is not None:
        users = users.exclude(pk=triggering_user.pk)
    return [user for user in users.distinct().order_by("pk") if wants(user, "submitted")]


def page_of(workflow_state: WorkflowState):
    """The page (specific) a workflow state moderates, or None for a snippet."""
    obj = workflow_state.content_object
    return obj.specific if isinstance(obj, Page) else None


def owned_page(workflow_state: WorkflowState) -> tuple[Page, OwnedPage] | None:
    """(the page, the first app's answer for it) for the page `workflow_state` moderates, or
    None when it moderates a snippet or a page no app claims."""
    page = page_of(workflow_state)
    if page is None:
        return None
    for describe in hooks.get_hooks(MODERATION_HOOK):
        answer = describe(page)
        if answer is not None:
            return page, answer
    return None


def told(owner, user):
    """`owner`, if they can be told of a decision taken by `user` (not themselves; active;
    with an address); else None."""
    if owner is None or (user is not None and owner.pk == user.pk):
        return None
    return owner if owner.is_active and owner.email else None


def on_task_submitted(sender, instance: TaskState, user=None, **kwargs):
    """`task_submitted` router: an owned page's moderators, as its app says; else Wagtail's."""
    found = owned_page(instance.workflow_state)
    if found is None:
        return wagtail_notifiers.task_submission_email_notifier(
            sender=sender, instance=instance, user=user, **kwargs
        )
    page, owned = found
    task = instance.task.specific
    if owned.review_requested and isinstance(task, AbstractGroupApprovalTask):
        owned.review_requested(page, moderators(task, triggering_user=user), instance)


def on_workflow_submitted(sender, instance: WorkflowState, user=None, **kwargs):
    """`workflow_submitted` router: the owner of a new page they sent, as its app says; else
    Wagtail's."""
    found = owned_page(instance)
    if found is None:
        return wagtail_notifiers.workflow_submission_email_notifier(
            sender=sender, instance=instance, user=user, **kwargs
        )
    page, owned = found
    owner = owned.owner
    if owned.received is None or page.first_published_at is not None:
        return
    if user is None or owner is None or user.pk != owner.pk:
        return
    if not (owner.is_active and owner.email):
        return
    earlier = WorkflowState.objects.filter(
        base_content_type=instance.base_content_type, object_id=instance.object_id
    ).exclude(pk=instance.pk)
    if earlier.exists():
        return  # an edit of a page still waiting: it was received before
    owned.received(page, owner)


def on_workflow_approved(sender, instance: WorkflowState, user=None, **kwargs):
    """`workflow_approved` router: the owner, as its app says; else Wagtail's."""
    found = owned_page(instance)
    if found is None:
        return wagtail_notifiers.workflow_approval_email_notifier(
            sender=sender, instance=instance, user=user, **kwargs
        )
    page, owned = found
    owner = told(owned.owner, user)
    if owned.approved and owner is not None:
        owned.approved(page, owner)


def on_workflow_rejected(sender, instance: WorkflowState, user=None, **kwargs):
    """`workflow_rejected` router: the owner, with the staff comment, as its app says; else
    Wagtail's."""
    found = owned_page(instance)
    if found is None:
        return wagtail_notifiers.workflow_rejection_email_notifier(
            sender=sender, instance=instance, user=user, **kwargs
        )
    page, owned = found
    owner = told(owned.owner, user)
    if owned.changes_requested and owner is not None:
        task_state = instance.current_task_state
        comment = task_state.specific.get_comment() if task_state else ""
        owned.changes_requested(page, owner, comment)


# (signal, sender, Wagtail's dispatch_uid, our router)
ROUTES = (
    (
        task_submitted,
        TaskState,
        "group_approval_task_submitted_email_notification",
        on_task_submitted,
    ),
    (
        workflow_submitted,
        WorkflowState,
        "workflow_state_submitted_email_notification",
        on_workflow_submitted,
    ),
    (
        workflow_rejected,
        WorkflowState,
        "workflow_state_rejected_email_notification",
        on_workflow_rejected,
    ),
    (
        workflow_approved,
        WorkflowState,
        "workflow_state_approved_email_notification",
        on_workflow_approved,
    ),
)


def route_moderation_notifications():
    """Put the routers in place of Wagtail's email notifiers (see the module's docstring)."""
    for signal, sender, uid, router in ROUTES:
        signal.disconnect(sender=sender, dispatch_uid=uid)
        signal.connect(router, sender=sender, dispatch_uid=uid, weak=False)
