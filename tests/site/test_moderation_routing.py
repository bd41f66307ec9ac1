"""Wagtail's moderation notifications are routed by page (northstar.moderation): pages no app
claims, such as petitions, keep Wagtail's own mail; a supporter's page gets only its app's."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from wagtail.models import GroupApprovalTask, Workflow, WorkflowTask
from wagtail.signals import task_submitted, workflow_approved

from campaigns.moderation import page_moderation
from northstar.models import OutboundEmail
from northstar.moderation import on_task_submitted, on_workflow_approved, owned_page
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


def test_a_petition_sent_for_review_emails_its_moderator_wagtails_own_notice(
    submitted_petition, moderator
):
    (message,) = mail.outbox

    assert message.to == [moderator.email]
    assert message.subject == (
        'The page "Post the hotline number" has been submitted for approval in moderation '
        'stage "Petition review"'
    )
    assert not OutboundEmail.objects.exists()


def test_approving_a_petition_tells_who_sent_it_by_wagtails_own_mail(submitted_petition, editor):
    mail.outbox.clear()

    submitted_petition.current_workflow_task_state.approve(user=StaffUserFactory())

    (message,) = mail.outbox
    assert message.to == [editor.email]
    assert message.subject == (
        'The page "Post the hotline number" has been approved in "Approve petitions".'
    )
    assert not OutboundEmail.objects.exists()


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
