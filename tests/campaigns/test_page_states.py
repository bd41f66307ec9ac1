"""A supporter's page is in one named moderation state, read by one annotated query."""

import pytest
from django.contrib.contenttypes.models import ContentType
from wagtail.models import Page

from campaigns.editing import edit_fundraiser, page_version
from campaigns.models import FundraiserPage, TeamPage
from campaigns.page_states import PageState, page_state, staff_words, with_page_state
from campaigns.services import open_fundraiser
from campaigns.takedown import take_down
from tests.campaigns.factories import FundraiserPageFactory, TeamPageFactory
from tests.site.factories import StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db


def opened(campaign, title="Maria's walk", owner=None):
    """A page opened through the real service (waiting, when the campaign needs approval)."""
    return open_fundraiser(
        campaign, owner or UserFactory(), {"title": title, "goal_cents": 50_000, "story": "I walk."}
    )


def approved(page):
    page.current_workflow_task_state.approve(user=StaffUserFactory())
    page.refresh_from_db()
    return page


def edited(page, story="I walk further."):
    """`page` after its owner saved an edit of it from the dashboard."""
    edit_fundraiser(
        page,
        page.supporter,
        {"title": page.title, "goal_cents": page.goal_cents, "story": story},
        opened_version=page_version(FundraiserPage.objects.get(pk=page.pk)),
    )
    page.refresh_from_db()
    return page


def published_then_unpublished(page):
    """`page` published, then unpublished with Wagtail's ordinary Unpublish (no take-down)."""
    page.save_revision().publish()
    page.refresh_from_db()
    page.unpublish()  # no user: as a scheduled expiry does, past the admin's permissions
    page.refresh_from_db()
    return page


def test_a_live_page_is_live(fundraiser):
    assert page_state(fundraiser) == PageState.LIVE


def test_a_new_page_in_moderation_is_waiting(campaign, approval_needed):
    assert page_state(opened(campaign)) == PageState.WAITING


def test_a_new_page_sent_back_is_changes_requested(campaign, approval_needed):
    page = opened(campaign)
    page.current_workflow_task_state.reject(user=StaffUserFactory(), comment="No phone numbers.")

    annotated = with_page_state(FundraiserPage.objects.filter(pk=page.pk)).get()

    assert annotated.page_state == PageState.CHANGES_REQUESTED
    assert annotated.moderation_comment == "No phone numbers."


def test_a_live_page_with_an_edit_in_moderation_has_edits_waiting(campaign, approval_needed):
    page = edited(approved(opened(campaign)))

    assert page_state(page) == PageState.EDITS_WAITING


def test_a_live_page_whose_edit_was_sent_back_has_changes_requested_to_its_edits(
    campaign, approval_needed
):
    page = edited(approved(opened(campaign)))
    page.current_workflow_task_state.reject(user=StaffUserFactory(), comment="Too long.")

    assert page_state(page) == PageState.EDITS_CHANGES_REQUESTED


def test_a_page_staff_took_down_is_taken_down_even_with_an_edit_kept(campaign, fundraiser):
    fundraiser.save_revision().publish()
    take_down(fundraiser, StaffUserFactory(), "Your story named a survivor.")

    assert page_state(edited(fundraiser)) == PageState.TAKEN_DOWN


def test_a_page_staff_unpublished_is_unpublished_not_taken_down(fundraiser):
    assert page_state(published_then_unpublished(fundraiser)) == PageState.UNPUBLISHED


def test_a_page_never_published_and_in_no_moderation_is_a_draft(campaign):
    page = FundraiserPageFactory(parent=campaign, live=False)

    assert page_state(page) == PageState.DRAFT


def test_a_team_is_read_with_the_same_states(campaign):
    team = TeamPageFactory(parent=campaign)
    team.save_revision().publish()
    team.refresh_from_db()
    team.unpublish(user=StaffUserFactory())

    assert page_state(TeamPage.objects.get(pk=team.pk)) == PageState.UNPUBLISHED


def test_a_list_of_pages_in_every_state_reads_their_states_in_one_query(
    campaign, approval_needed, django_assert_num_queries
):
    staff = StaffUserFactory()
    expected = {opened(campaign, "Waiting").pk: PageState.WAITING}
    sent_back = opened(campaign, "Sent back")
    sent_back.current_workflow_task_state.reject(user=staff)
    expected[sent_back.pk] = PageState.CHANGES_REQUESTED
    expected[approved(opened(campaign, "Approved")).pk] = PageState.LIVE
    expected[edited(approved(opened(campaign, "Edited"))).pk] = PageState.EDITS_WAITING
    down = approved(opened(campaign, "Down"))
    take_down(down, staff, "Not about the campaign.")
    expected[down.pk] = PageState.TAKEN_DOWN
    expected[published_then_unpublished(FundraiserPageFactory(parent=campaign)).pk] = (
        PageState.UNPUBLISHED
    )
    expected[FundraiserPageFactory(parent=campaign, live=False).pk] = PageState.DRAFT
    ContentType.objects.get_for_model(Page)  # as any request has it cached

    with django_assert_num_queries(1):
        states = {
            page.pk: page_state(page)
            for page in with_page_state(FundraiserPage.objects.child_of(campaign))
        }

    assert states == expected


def test_staff_read_every_state_in_their_words():
    assert staff_words() == {
        PageState.LIVE: "live",
        PageState.EDITS_WAITING: "live",
        PageState.EDITS_CHANGES_REQUESTED: "live",
        PageState.WAITING: "waiting for approval",
        PageState.CHANGES_REQUESTED: "changes requested",
        PageState.TAKEN_DOWN: "taken down",
        PageState.UNPUBLISHED: "unpublished",
        PageState.DRAFT: "draft",
    }
