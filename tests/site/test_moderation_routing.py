"""Wagtail's moderation notifications are routed by page (northstar.moderation): pages no app
claims, such as petitions, get Wagtail's notifications through the outbox, in northstar's own
templates; a supporter's page gets only its app's. Nothing is sent during the request."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from wagtail.models import GroupApprovalTask, Workflow, WorkflowState, WorkflowTask
from wagtail.signals import task_submitted, workflow_approved
from wagtail.users.models import UserProfile

from campaigns.moderation import page_moderation
from northstar.emails import build_message
from northstar.models import OutboundEmail
from northstar.moderation import (
    ask_reviewers,
    moderated,
    object_context,
    on_task_submitted,
    on_workflow_approved,
    owned_page,
)
from tests.petitions.factories import PetitionPageFactory
from tests.site.factories import StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(db):
    group = Group.objects.create(name="Petition moderators")
    user = UserFactory(email="moderator@northstar.test", is_staff=True)
    user.groups.add(group)
    return user


@pytest.fixture
def editor(db):
    """The staff member who writes the petition and sends it for review."""
    return UserFactory(email="editor@northstar.test", first_name="Sam", is_staff=True)


@pytest.fixture
def workflow(moderator):
    task = GroupApprovalTask.objects.create(name="Petition review")
    task.groups.set(moderator.groups.all())
    workflow = Workflow.objects.create(name="Approve petitions")
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    return workflow


@pytest.fixture
def submitted_petition(home_page, editor, workflow):
    petition = PetitionPageFactory(title="Post the hotline number")
    petition.save_revision(user=editor)
    workflow.start(petition, editor)
    return petition


def queued(template):
    """The outbox rows of `template`, oldest first."""
    return list(OutboundEmail.objects.filter(template=template).order_by("pk"))


def rendered(row):
    """(subject, text, html) of an outbox row, as the worker sends it."""
    message = build_message(row)
    [(html, _mimetype)] = message.alternatives
    return message.subject, message.body, html


def edit_link(page):
    return f"http://testserver/admin/pages/{page.pk}/edit/"


def test_a_petition_sent_for_review_queues_one_email_per_moderator_with_its_admin_link(
    home_page, editor, workflow, moderator
):
    second = UserFactory(email="second@northstar.test", is_staff=True)
    second.groups.add(*moderator.groups.all())
    petition = PetitionPageFactory(title="Post the hotline number")
    petition.save_revision(user=editor)

    workflow.start(petition, editor)

    rows = queued("northstar/moderation_submitted")
    assert [row.to for row in rows] == [moderator.email, second.email]
    subject, text, html = rendered(rows[0])
    assert subject == (
        'The page "Post the hotline number" has been submitted for approval in moderation '
        'stage "Petition review"'
    )
    assert f"Review it in the admin: {edit_link(petition)}" in text
    assert f'href="{edit_link(petition)}"' in html


def test_a_petition_sent_for_review_sends_nothing_during_the_request(submitted_petition):
    assert mail.outbox == []
    assert OutboundEmail.objects.exists()


def test_who_sent_a_petition_for_review_is_not_emailed_even_as_a_superuser(
    home_page, workflow, moderator
):
    editor = StaffUserFactory(email="chief@northstar.test")
    petition = PetitionPageFactory(title="Post the hotline number")
    petition.save_revision(user=editor)

    workflow.start(petition, editor)

    assert [row.to for row in OutboundEmail.objects.all()] == [moderator.email]


def test_a_moderator_who_turned_submitted_notifications_off_gets_nothing(
    home_page, editor, workflow, moderator
):
    profile = UserProfile.get_for_user(moderator)
    profile.submitted_notifications = False
    profile.save()
    petition = PetitionPageFactory(title="Post the hotline number")
    petition.save_revision(user=editor)

    workflow.start(petition, editor)

    assert not OutboundEmail.objects.exists()


def test_approving_a_petition_emails_who_sent_it_through_the_outbox(submitted_petition, editor):
    submitted_petition.current_workflow_task_state.approve(user=StaffUserFactory())

    [row] = queued("northstar/moderation_approved")
    subject, text, _html = rendered(row)
    assert row.to == editor.email
    assert subject == 'The page "Post the hotline number" has been approved in "Approve petitions"'
    assert "Hi Sam," in text
    assert edit_link(submitted_petition) in text
    assert mail.outbox == []


def test_rejecting_a_petition_emails_who_sent_it_with_the_comment(submitted_petition, editor):
    rejecter = StaffUserFactory(first_name="Jo", last_name="Reyes")
    submitted_petition.current_workflow_task_state.task.specific.on_action(
        submitted_petition.current_workflow_task_state,
        rejecter,
        "reject",
        comment="Add the hotline's text number.",
    )

    [row] = queued("northstar/moderation_rejected")
    subject, text, html = rendered(row)
    assert row.to == editor.email
    assert subject == (
        'The page "Post the hotline number" has been rejected during "Approve petitions"'
    )
    assert 'during "Petition review" in workflow "Approve petitions" by Jo Reyes.' in text
    assert '"Add the hotline\'s text number."' in text
    assert "Add the hotline&#x27;s text number." in html
    assert edit_link(submitted_petition) in text
    assert mail.outbox == []


def test_who_approves_their_own_petition_is_not_told(home_page, workflow):
    chief = StaffUserFactory(email="chief@northstar.test")
    petition = PetitionPageFactory(title="Post the hotline number")
    petition.save_revision(user=chief)
    workflow.start(petition, chief)

    petition.current_workflow_task_state.approve(user=chief)

    assert not queued("northstar/moderation_approved")


def test_a_submitter_who_turned_approved_notifications_off_is_not_told(submitted_petition, editor):
    profile = UserProfile.get_for_user(editor)
    profile.approved_notifications = False
    profile.save()

    submitted_petition.current_workflow_task_state.approve(user=StaffUserFactory())

    assert not queued("northstar/moderation_approved")


def test_a_snippets_answer_links_to_its_snippet_edit_view(db):
    from petitions.models import Target

    target = Target.objects.create(jurisdiction="TX", name="Ken Paxton")
    state = WorkflowState(content_object=target, requested_by=None)

    obj, answer = moderated(state)

    assert obj == target
    assert answer.review_requested is ask_reviewers
    assert object_context(target)["edit_url"] == (
        f"http://testserver{reverse('wagtailsnippets_petitions_target:edit', args=[target.pk])}"
    )


def test_no_app_claims_a_petition_and_campaigns_claims_only_its_own_pages(
    submitted_petition, campaign_page
):
    assert owned_page(submitted_petition.current_workflow_state) is None
    assert page_moderation(submitted_petition.specific) is None
    assert page_moderation(campaign_page) is None


def test_the_routers_stand_where_wagtails_notifiers_were():
    from wagtail.admin.signal_handlers import (
        task_submission_email_notifier,
        workflow_approval_email_notifier,
    )
    from wagtail.models import TaskState, WorkflowState

    approved = list(workflow_approved._live_receivers(WorkflowState)[0])
    submitted = list(task_submitted._live_receivers(TaskState)[0])

    assert on_workflow_approved in approved and workflow_approval_email_notifier not in approved
    assert on_task_submitted in submitted and task_submission_email_notifier not in submitted


@pytest.fixture
def campaign_page(home_page):
    from tests.campaigns.factories import FundraisingCampaignPageFactory

    return FundraisingCampaignPageFactory()


def test_a_fundraiser_page_sent_for_review_gets_only_its_apps_messages(campaign_page, moderator):
    from campaigns.services import open_fundraiser

    task = GroupApprovalTask.objects.create(name="Staff review")
    task.groups.set(moderator.groups.all())
    campaign_page.approval_workflow = Workflow.objects.create(name="Approve fundraiser pages")
    WorkflowTask.objects.create(workflow=campaign_page.approval_workflow, task=task, sort_order=0)
    campaign_page.save()
    owner = UserFactory(first_name="Maria", email="maria@example.org")

    open_fundraiser(
        campaign_page, owner, {"title": "Maria's walk", "goal_cents": 50_000, "story": "I walk."}
    )

    assert sorted(OutboundEmail.objects.values_list("template", "to")) == [
        ("campaigns/moderation_submitted", moderator.email),
        ("campaigns/page_received", owner.email),
    ]
    assert mail.outbox == []
