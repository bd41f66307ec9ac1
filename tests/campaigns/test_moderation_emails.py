"""Wagtail's moderation emails go through the site's outbox, to the right people."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from wagtail.models import GroupApprovalTask, Workflow, WorkflowState, WorkflowTask
from wagtail.signals import workflow_approved

from campaigns.services import open_fundraiser
from northstar.models import OutboundEmail
from northstar.moderation import on_workflow_approved
from tests.site.factories import UserFactory


@pytest.fixture
def moderator(db):
    group = Group.objects.create(name="Fundraiser moderators")
    user = UserFactory(email="moderator@northstar.test", is_staff=True)
    user.groups.add(group)
    return user


@pytest.fixture
def owner(db):
    return UserFactory(email="maria@example.org", first_name="Maria", last_name="Lopez")


@pytest.fixture
def approval_workflow(campaign, moderator):
    task = GroupApprovalTask.objects.create(name="Staff review")
    task.groups.set(moderator.groups.all())
    workflow = Workflow.objects.create(name="Approve fundraiser pages")
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    campaign.approval_workflow = workflow
    campaign.save()
    return workflow


@pytest.fixture
def waiting_page(campaign, approval_workflow, owner):
    """Maria's page, submitted to the campaign's workflow from the public start form."""
    return open_fundraiser(
        campaign, owner, {"title": "Maria's walk", "goal_cents": 50_000, "story": "I walk."}
    )


def act(client, staff, page, action, comment=""):
    """`staff` approves or rejects `page`'s current task in the admin, as the buttons post."""
    state = WorkflowState.objects.get(object_id=str(page.pk), status="in_progress")
    client.force_login(staff)
    url = reverse(
        "wagtailadmin_pages:workflow_action", args=[page.pk, action, state.current_task_state_id]
    )
    response = client.post(url, {"comment": comment})
    assert response.status_code == 302
    return response


def sent(template):
    return list(OutboundEmail.objects.filter(template=template).order_by("to"))


def test_a_submitted_page_emails_its_moderators_and_superusers_not_the_owner(
    moderator, staff, owner, waiting_page
):
    emails = sent("campaigns/moderation_submitted")

    assert [e.to for e in emails] == [staff.email, moderator.email]
    assert emails[0].context["page_title"] == "Maria's walk"
    assert emails[0].context["review_url"].endswith(f"/admin/pages/{waiting_page.pk}/edit/")
    assert mail.outbox == []


def test_approving_a_page_emails_its_owner_that_it_is_live(client, waiting_page, staff, owner):
    OutboundEmail.objects.all().delete()

    act(client, staff, waiting_page, "approve")

    waiting_page.refresh_from_db()
    assert waiting_page.live
    (email,) = OutboundEmail.objects.all()
    assert (email.template, email.to) == ("campaigns/moderation_approved", owner.email)
    assert email.context["page_url"].endswith(waiting_page.url)
    assert email.context["first_name"] == "Maria"


def test_requesting_changes_emails_the_owner_the_staff_comment(client, waiting_page, staff, owner):
    OutboundEmail.objects.all().delete()

    act(client, staff, waiting_page, "reject", comment="Please take out your phone number.")

    waiting_page.refresh_from_db()
    assert not waiting_page.live
    (email,) = OutboundEmail.objects.all()
    assert (email.template, email.to) == ("campaigns/moderation_changes_requested", owner.email)
    assert email.context["comment"] == "Please take out your phone number."


def test_wagtail_sends_no_moderation_mail_of_its_own(client, waiting_page, staff):
    act(client, staff, waiting_page, "reject", comment="Too short.")

    assert mail.outbox == []


def test_our_receivers_stand_where_wagtails_notifiers_were():
    receivers = list(workflow_approved._live_receivers(WorkflowState)[0])

    assert on_workflow_approved in receivers
    assert not any(type(r).__module__ == "wagtail.admin.mail" for r in receivers)


def test_a_page_sent_for_review_tells_each_moderator_once_through_the_outbox_only(
    moderator, staff, waiting_page
):
    notices = [e.to for e in sent("campaigns/moderation_submitted")]

    assert sorted(notices) == sorted([staff.email, moderator.email])
    assert mail.outbox == []  # Wagtail's own notifier was not called as well


def test_the_changes_requested_email_reads_as_the_owner_gets_it(client, waiting_page, staff, owner):
    from northstar.emails import outbound_message

    OutboundEmail.objects.all().delete()
    act(client, staff, waiting_page, "reject", comment="Please take out your phone number.")

    message = outbound_message(OutboundEmail.objects.get())

    assert message.subject == "Changes requested: Maria's walk"
    assert "Hi Maria," in message.text
    assert '"Please take out your phone number."' in message.text


def test_approving_a_new_team_tells_its_captain_the_team_is_live(
    client, campaign, approval_workflow, staff, owner
):
    from northstar.emails import outbound_message

    campaign.teams_allowed = True
    campaign.save()
    page = open_fundraiser(
        campaign,
        owner,
        {
            "title": "Maria's walk",
            "goal_cents": 50_000,
            "story": "I walk.",
            "new_team_title": "Maria's Crew",
        },
    )
    OutboundEmail.objects.all().delete()

    act(client, staff, page.team, "approve")

    (email,) = OutboundEmail.objects.all()
    message = outbound_message(email)
    assert email.to == owner.email
    assert message.subject == "Your team is live: Maria's Crew"
    assert 'Your team "Maria\'s Crew" has been approved and is live' in message.text
    assert "counts toward your goal" not in message.text


def test_approving_edits_to_a_live_page_says_the_changes_are_live(
    client, waiting_page, staff, owner
):
    from campaigns.editing import edit_fundraiser, page_version
    from northstar.emails import outbound_message

    act(client, staff, waiting_page, "approve")
    waiting_page.refresh_from_db()
    edit_fundraiser(
        waiting_page,
        owner,
        {"title": "Maria's walk", "goal_cents": 60_000, "story": "I walk on."},
        opened_version=page_version(waiting_page),
    )
    OutboundEmail.objects.all().delete()

    act(client, staff, waiting_page, "approve")

    message = outbound_message(OutboundEmail.objects.get())
    assert message.subject == "Your changes are live: Maria's walk"
    assert 'Your changes to your page "Maria\'s walk" have been approved and are live' in (
        message.text
    )


def test_an_edit_of_a_page_staff_took_down_goes_to_no_moderator_but_to_who_took_it_down(
    client, waiting_page, staff, moderator, owner
):
    from campaigns.editing import edit_fundraiser, page_version
    from campaigns.takedown import take_down
    from northstar.emails import outbound_message

    act(client, staff, waiting_page, "approve")
    take_down(waiting_page, staff, "The photo shows a survivor's face.")
    OutboundEmail.objects.all().delete()
    waiting_page.refresh_from_db()

    edit_fundraiser(
        waiting_page,
        owner,
        {"title": "Maria's walk", "goal_cents": 50_000, "story": "I walk."},
        opened_version=page_version(waiting_page),
    )

    assert not WorkflowState.objects.active().filter(object_id=str(waiting_page.pk)).exists()
    assert sent("campaigns/moderation_submitted") == []
    message = outbound_message(OutboundEmail.objects.get(to=staff.email))
    assert message.subject == "Edited while taken down: Maria's walk"
    assert '"The photo shows a survivor\'s face."' in message.text
    assert f"/admin/take-down/{waiting_page.pk}/put-back/" in message.text


def test_only_the_first_edit_since_a_take_down_is_told_to_staff(client, waiting_page, staff, owner):
    from campaigns.editing import edit_fundraiser, page_version
    from campaigns.models import FundraiserPage
    from campaigns.takedown import take_down

    act(client, staff, waiting_page, "approve")
    take_down(waiting_page, staff, "The photo shows a survivor's face.")
    for story in ("I walk.", "I walk every day."):
        edit_fundraiser(
            waiting_page,
            owner,
            {"title": "Maria's walk", "goal_cents": 50_000, "story": story},
            opened_version=page_version(FundraiserPage.objects.get(pk=waiting_page.pk)),
        )

    assert len(sent("campaigns/taken_down_page_edited")) == 1


def test_a_new_page_for_review_says_nothing_of_a_take_down(waiting_page, moderator):
    from northstar.emails import outbound_message

    message = outbound_message(OutboundEmail.objects.get(to=moderator.email))

    assert message.subject == "Waiting for your review: Maria's walk"
    assert "took this page down" not in message.text
