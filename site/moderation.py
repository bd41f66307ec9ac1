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

Every message leaves through the outbox (`northstar.emails.send_email`, sent by the worker);
Wagtail's notifiers, which send with Django's mail during the request, are never called.

- A page an app claims gets only the app's messages.
- A page no app claims (a petition, the home page, any other) and a snippet get `unclaimed`'s
  answer: the notifications Wagtail would send, to the same people, in northstar's own
  templates (`templates/email/northstar/moderation_*`), each with the object's edit link in
  the admin. Its "owner" is who submitted the workflow (`requested_by`), told of approval or
  rejection only if they keep those notifications on in their Wagtail account settings.
  Wagtail also tells superusers that a workflow was submitted; here the superusers are told
  once, as moderators of its first task (every task in the project is a group approval
  task), not twice. No snippet model of the project is workflow-enabled (`WorkflowMixin`)
  today; one that becomes so is handled the same way, by its snippet edit URL.

The router decides who, the answer how (each of `OwnedPage`'s functions; None tells nobody):

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
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext
from wagtail import hooks
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.models import AbstractGroupApprovalTask, Page, TaskState, WorkflowState
from wagtail.signals import task_submitted, workflow_approved, workflow_rejected, workflow_submitted
from wagtail.users.models import UserProfile

from .emails import send_email

MODERATION_HOOK = "describe_page_moderation"


@dataclass(frozen=True)
class OwnedPage:
    """An answer for a page (or, from `unclaimed`, a snippet): its `owner` (a user), and how
    people hear of its moderation (see the module's docstring), each a function or None:

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


def moderated(workflow_state: WorkflowState) -> tuple[Any, OwnedPage]:
    """(what `workflow_state` moderates: a specific page or a snippet, the answer for it): an
    app's answer for a page it claims (`owned_page`), else `unclaimed`'s."""
    found = owned_page(workflow_state)
    if found is not None:
        return found
    obj = page_of(workflow_state) or workflow_state.content_object
    return obj, unclaimed(workflow_state)


def told(owner, user):
    """`owner`, if they can be told of a decision taken by `user` (not themselves; active;
    with an address); else None."""
    if owner is None or (user is not None and owner.pk == user.pk):
        return None
    return owner if owner.is_active and owner.email else None


# What no app claims: Wagtail's notifications, through the outbox.


def display_name(user) -> str:
    """How a staff member is named in a notification: full name, else username ("" for
    None)."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def object_context(obj) -> dict:
    """What northstar's moderation emails say of a page or snippet `obj`: its title, its kind
    ("page", as Wagtail says of every page; a snippet's verbose name), its edit link in the
    admin ("" if it has none) and where staff turn these notifications off."""
    is_page = isinstance(obj, Page)
    edit_path = AdminURLFinder().get_edit_url(obj)
    return {
        "title": obj.get_admin_display_title() if is_page else str(obj),
        "kind": gettext("page") if is_page else str(obj._meta.verbose_name),
        "edit_url": admin_url(edit_path) if edit_path else "",
        "preferences_url": admin_url(reverse("wagtailadmin_account")) + "#tab-notifications",
    }


def ask_reviewers(obj, reviewers: list, task_state: TaskState):
    """Email each of `reviewers` (staff users) that `obj` waits for approval in
    `task_state`'s task (Wagtail's "submitted" notification)."""
    context = {
        **object_context(obj),
        "task_name": task_state.task.name,
        "requested_by": display_name(task_state.workflow_state.requested_by),
    }
    for reviewer in reviewers:
        send_email(
            "northstar/moderation_submitted",
            reviewer.email,
            {**context, "first_name": reviewer.first_name},
        )


def tell_approved(obj, submitter, *, workflow_state: WorkflowState):
    """Email `submitter` that `obj` was approved in `workflow_state`'s workflow (Wagtail's
    "approved" notification), if they keep those notifications on."""
    if not wants(submitter, "approved"):
        return
    send_email(
        "northstar/moderation_approved",
        submitter.email,
        {
            **object_context(obj),
            "first_name": submitter.first_name,
            "workflow_name": workflow_state.workflow.name,
        },
    )


def tell_rejected(obj, submitter, comment: str, *, workflow_state: WorkflowState):
    """Email `submitter` that `obj` was rejected in `workflow_state`'s current task, by whom
    and with the staff `comment` (Wagtail's "rejected" notification), if they keep those
    notifications on."""
    if not wants(submitter, "rejected"):
        return
    task_state = workflow_state.current_task_state
    send_email(
        "northstar/moderation_rejected",
        submitter.email,
        {
            **object_context(obj),
            "first_name": submitter.first_name,
            "workflow_name": workflow_state.workflow.name,
            "task_name": task_state.task.name if task_state else "",
            "rejected_by": display_name(task_state.finished_by if task_state else None),
            "comment": comment,
        },
    )


def unclaimed(workflow_state: WorkflowState) -> OwnedPage:
    """The answer for a page no app claims, or a snippet, moderated by `workflow_state`: its
    owner is who submitted the workflow; moderators are asked to review, the submitter told
    of approval or rejection (see the module's docstring)."""
    return OwnedPage(
        owner=workflow_state.requested_by,
        review_requested=ask_reviewers,
        approved=partial(tell_approved, workflow_state=workflow_state),
        changes_requested=partial(tell_rejected, workflow_state=workflow_state),
    )


# The routers.


def on_task_submitted(sender, instance: TaskState, user=None, **kwargs):
    """`task_submitted` router: the task's moderators, as the answer says."""
    page, owned = moderated(instance.workflow_state)
    task = instance.task.specific
    if owned.review_requested and isinstance(task, AbstractGroupApprovalTask):
        owned.review_requested(page, moderators(task, triggering_user=user), instance)


def on_workflow_submitted(sender, instance: WorkflowState, user=None, **kwargs):
    """`workflow_submitted` router: the owner of a new page they sent, as its app says."""
    page, owned = moderated(instance)
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
    """`workflow_approved` router: the owner, as the answer says."""
    page, owned = moderated(instance)
    owner = told(owned.owner, user)
    if owned.approved and owner is not None:
        owned.approved(page, owner)


def on_workflow_rejected(sender, instance: WorkflowState, user=None, **kwargs):
    """`workflow_rejected` router: the owner, with the staff comment, as the answer says."""
    page, owned = moderated(instance)
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
