"""A page staff took down stays down, whatever would otherwise put it live again, until
staff deliberately put it back up."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageLogEntry, Revision, WorkflowState

from campaigns.editing import KEPT_AS_DRAFT, edit_fundraiser, page_version
from campaigns.models import FundraiserPage, PageTakenDown
from campaigns.takedown import PUT_BACK, put_back, take_down
from northstar.models import OutboundEmail
from tests.campaigns.factories import FundraiserPageFactory
from tests.site.factories import StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db

REASON = "The story names a survivor."


@pytest.fixture
def owner():
    return UserFactory(email="maria@example.org", first_name="Maria", last_name="Lopez")


@pytest.fixture
def page(campaign, owner):
    page = FundraiserPageFactory(parent=campaign, supporter=owner, title="Maria's walk")
    page.save_revision(user=owner).publish(user=owner, skip_permission_checks=True)
    return FundraiserPage.objects.get(pk=page.pk)


def edit(page, owner, **changes):
    data = {"title": "Maria's walk", "goal_cents": 50_000, "story": "I walk."}
    return edit_fundraiser(
        page, owner, {**data, **changes}, opened_version=page_version(fresh(page))
    )


def fresh(page):
    return FundraiserPage.objects.get(pk=page.pk)


def live_story(page):
    return fresh(page).story


def waiting_edit(page, owner):
    """The owner's edit of their live page, waiting in the campaign's workflow: its task
    state, as a moderator's dashboard links to it."""
    edit(page, owner, story="My edited story.")
    state = WorkflowState.objects.active().get(object_id=str(page.pk))
    return state.current_task_state


def test_approving_an_edit_that_was_waiting_leaves_the_page_down(
    client, page, owner, staff, approval_needed
):
    story_taken_down = page.story
    task_state = waiting_edit(page, owner)
    take_down(page, staff, REASON)
    OutboundEmail.objects.all().delete()
    client.force_login(staff)

    client.post(
        reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk]),
        {"comment": ""},
    )

    page = fresh(page)
    assert not page.live
    assert page.story == story_taken_down
    assert not OutboundEmail.objects.filter(template="campaigns/moderation_approved").exists()


def test_taking_down_cancels_the_waiting_moderation_and_says_so_in_the_history(
    page, owner, staff, approval_needed
):
    waiting_edit(page, owner)

    take_down(page, staff, REASON)

    assert not WorkflowState.objects.active().filter(object_id=str(page.pk)).exists()
    cancelled = PageLogEntry.objects.get(page=page, action="wagtail.workflow.cancel")
    assert cancelled.user == staff
    entry = PageLogEntry.objects.get(page=page, action="campaigns.fundraiser_taken_down")
    assert entry.data["moderation_cancelled"] is True


def test_the_owners_dashboard_says_taken_down_while_an_edit_was_waiting(
    client, page, owner, staff, approval_needed
):
    waiting_edit(page, owner)
    take_down(page, staff, REASON)
    client.force_login(owner)

    html = client.get(reverse("dashboard:home")).content.decode()

    assert "taken down by our staff" in html
    assert "Waiting for approval" not in html


def test_a_scheduled_publish_does_not_bring_the_page_back(page, owner, staff):
    revision = page.save_revision(user=staff)
    revision.approved_go_live_at = timezone.now() + timedelta(minutes=5)
    revision.save()

    take_down(page, staff, REASON)
    with pytest.MonkeyPatch.context() as patch:
        later = timezone.now() + timedelta(minutes=10)
        patch.setattr(timezone, "now", lambda: later)
        call_command("publish_scheduled")

    assert not fresh(page).live
    assert not Revision.objects.filter(
        object_id=str(page.pk), approved_go_live_at__isnull=False
    ).exists()
    entry = PageLogEntry.objects.get(page=page, action="campaigns.fundraiser_taken_down")
    assert entry.data["schedules_cancelled"] == 1


def test_publishing_an_older_revision_is_refused(page, owner, staff):
    older = page.get_latest_revision()
    take_down(page, staff, REASON)

    with pytest.raises(PageTakenDown):
        older.publish(user=staff)
    with pytest.raises(PageTakenDown):
        older.publish(skip_permission_checks=True)

    assert not fresh(page).live


def test_the_admins_edit_view_cannot_publish_a_page_taken_down(client, page, staff):
    from wagtail.test.utils.form_data import nested_form_data

    take_down(page, staff, REASON)
    client.force_login(staff)
    url = reverse("wagtailadmin_pages:edit", args=[page.pk])

    html = client.get(url).content.decode()
    client.post(
        url,
        nested_form_data(
            {
                "title": "Maria's walk",
                "slug": page.slug,
                "supporter": page.supporter_id,
                "goal_cents": "500",
                "story": "Published by staff by mistake.",
                "action-publish": "action-publish",
            }
        ),
    )

    assert 'name="action-publish"' not in html
    assert not fresh(page).live


def test_a_bulk_publish_leaves_a_page_taken_down_down(client, page, staff):
    take_down(page, staff, REASON)
    client.force_login(staff)

    client.post(
        reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"]) + f"?id={page.pk}",
        {"include_descendants": ""},
    )

    assert not fresh(page).live


def test_publishing_the_campaign_with_its_pages_leaves_a_page_taken_down_down(
    client, campaign, page, staff
):
    take_down(page, staff, REASON)
    client.force_login(staff)

    client.post(
        reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"])
        + f"?id={campaign.pk}",
        {"include_descendants": "on"},
    )

    assert not fresh(page).live


def test_the_owners_edit_keeps_the_page_down_without_a_workflow(page, owner, staff):
    take_down(page, staff, REASON)

    edited = edit(fresh(page), owner, story="I took the name out.")

    assert edited.outcome == KEPT_AS_DRAFT
    assert not fresh(page).live


def test_the_owners_edit_starts_no_workflow_on_a_page_taken_down(
    page, owner, staff, approval_needed
):
    take_down(page, staff, REASON)

    edited = edit(fresh(page), owner, story="I took the name out.")

    assert edited.outcome == KEPT_AS_DRAFT
    assert not WorkflowState.objects.active().filter(object_id=str(page.pk)).exists()
    assert not fresh(page).live


def test_the_admin_listing_calls_a_page_taken_down_taken_down(client, campaign, page, staff):
    take_down(page, staff, REASON)
    client.force_login(staff)

    html = client.get(reverse("wagtailadmin_explore", args=[campaign.pk])).content.decode()

    assert "taken down" in html
    assert fresh(page).status_string == "taken down"


def test_wagtails_plain_unpublish_is_not_offered_on_a_fundraiser_page(client, campaign, page):
    staff = StaffUserFactory()
    client.force_login(staff)
    unpublish_url = reverse("wagtailadmin_pages:unpublish", args=[page.pk])

    edit_html = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    listing_html = client.get(reverse("wagtailadmin_explore", args=[campaign.pk])).content.decode()
    client.post(unpublish_url)

    assert unpublish_url not in edit_html
    assert unpublish_url not in listing_html
    assert reverse("campaign_takedown:take-down", args=[page.pk]) in edit_html
    assert fresh(page).live


def test_the_put_back_screen_says_what_it_will_do_and_changes_nothing(client, page, staff):
    take_down(page, staff, REASON)
    client.force_login(staff)

    response = client.get(reverse("campaign_takedown:put-back", args=[page.pk]))

    text = " ".join(response.content.decode().split())
    assert "This will publish the page's latest version" in text
    assert REASON in text
    assert not fresh(page).live


def test_putting_back_publishes_the_latest_version_and_tells_the_owner(client, page, owner, staff):
    take_down(page, staff, REASON)
    edit(fresh(page), owner, story="I took the name out.")
    OutboundEmail.objects.all().delete()
    client.force_login(staff)

    response = client.post(reverse("campaign_takedown:put-back", args=[page.pk]))

    assert response.status_code == 302
    page = fresh(page)
    assert page.live
    assert page.taken_down_at is None
    assert page.story == "I took the name out."
    assert PageLogEntry.objects.filter(page=page, action=PUT_BACK, user=staff).exists()
    (email,) = OutboundEmail.objects.all()
    assert (email.template, email.to) == ("campaigns/moderation_approved", owner.email)


def test_a_page_put_back_can_be_published_and_taken_down_again(page, owner, staff):
    take_down(page, staff, REASON)
    put_back(fresh(page), staff)

    edit(fresh(page), owner, story="A new story.")
    assert live_story(page) == "A new story."
    take_down(fresh(page), staff, REASON)

    assert not fresh(page).live


def test_staff_without_publish_permission_cannot_put_a_page_back(client, page, staff):
    from django.contrib.auth.models import Permission

    take_down(page, staff, REASON)
    editor = UserFactory(is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)

    response = client.post(reverse("campaign_takedown:put-back", args=[page.pk]))

    assert response.status_code == 403
    assert "You need permission to publish this page to put it back up." in response.text
    assert not fresh(page).live


def test_a_page_locked_by_an_editor_can_still_be_taken_down(page, staff):
    editor = StaffUserFactory()
    page.locked, page.locked_by, page.locked_at = True, editor, timezone.now()
    page.save()

    take_down(fresh(page), staff, REASON)

    assert not fresh(page).live
