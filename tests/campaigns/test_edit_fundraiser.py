"""The owner edits their own fundraiser page from the public site: each save is a revision."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.models import Revision, WorkflowState

from campaigns.editing import page_version
from campaigns.models import FundraiserPage, TeamPage
from tests.campaigns.factories import (
    FundraiserPageFactory,
    TeamPageFactory,
)
from tests.site.factories import StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db


def edit_url(page):
    return reverse("dashboard:edit-page", args=[page.pk])


def edit_form(page, **overrides):
    """What the edit form posts for `page`, opened just now (it carries the page's version
    as it stands: `editing.page_version`), with the three fields changed and `overrides`."""
    data = {
        "opened_version": page_version(FundraiserPage.objects.get(pk=page.pk)),
        "title": "Maria's big walk",
        "goal_cents": "750",
        "story": "I walk further.\n\nJoin me.",
    }
    data.update(overrides)
    return data


def png(width=400, height=300):
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), (20, 120, 110)).save(buffer, "PNG")
    return SimpleUploadedFile("maria.png", buffer.getvalue(), content_type="image/png")


def revisions(page):
    return Revision.objects.filter(object_id=str(page.pk)).count()


def latest_revision(page):
    return FundraiserPage.objects.get(pk=page.pk).get_latest_revision()


def active_state(page):
    return WorkflowState.objects.active().filter(object_id=str(page.pk)).first()


def test_the_form_starts_from_the_pages_title_goal_and_story(signed_in, fundraiser):
    html = signed_in.get(edit_url(fundraiser)).content.decode()

    assert 'value="Maria&#x27;s walk"' in html
    assert 'value="500.00"' in html
    assert "I walk for survivors." in html


def test_without_a_workflow_an_edit_is_published_at_once_as_a_new_revision(
    signed_in, client, fundraiser, owner
):
    response = signed_in.post(edit_url(fundraiser), edit_form(fundraiser))

    fundraiser.refresh_from_db()
    assert response["Location"] == reverse("dashboard:home")
    assert (fundraiser.title, fundraiser.goal_cents) == ("Maria's big walk", 75_000)
    assert fundraiser.live and not fundraiser.has_unpublished_changes
    assert fundraiser.live_revision.user == owner
    assert revisions(fundraiser) == 1
    assert "Your changes are live." in signed_in.get(reverse("dashboard:home")).content.decode()


def test_the_slug_stays_so_shared_links_keep_working(signed_in, client, fundraiser):
    signed_in.post(edit_url(fundraiser), edit_form(fundraiser))

    fundraiser.refresh_from_db()
    assert fundraiser.slug == "marias-walk"
    assert "Maria&#x27;s big walk" in client.get(fundraiser.url).content.decode()


def test_each_save_is_a_new_revision(signed_in, fundraiser):
    signed_in.post(edit_url(fundraiser), edit_form(fundraiser, goal_cents="600"))
    signed_in.post(edit_url(fundraiser), edit_form(fundraiser, goal_cents="700"))

    assert revisions(fundraiser) == 2
    fundraiser.refresh_from_db()
    assert fundraiser.goal_cents == 70_000


def test_an_edit_of_a_live_page_needing_approval_waits_while_the_live_version_stays(
    signed_in, client, fundraiser, approval_needed
):
    response = signed_in.post(edit_url(fundraiser), edit_form(fundraiser))

    fundraiser.refresh_from_db()
    assert response.status_code == 302
    assert (fundraiser.title, fundraiser.goal_cents) == ("Maria's walk", 50_000)
    assert fundraiser.live and fundraiser.has_unpublished_changes
    assert revisions(fundraiser) == 1
    assert active_state(fundraiser).status == WorkflowState.STATUS_IN_PROGRESS
    public = client.get(fundraiser.url).content.decode()
    assert "Maria&#x27;s walk" in public
    assert "Maria&#x27;s big walk" not in public


def test_staff_approval_puts_the_edit_live(signed_in, fundraiser, approval_needed):
    signed_in.post(edit_url(fundraiser), edit_form(fundraiser))

    active_state(fundraiser).current_task_state.approve(user=StaffUserFactory())

    fundraiser.refresh_from_db()
    assert (fundraiser.title, fundraiser.goal_cents) == ("Maria's big walk", 75_000)


def test_the_form_shows_the_edit_waiting_for_approval_not_the_live_version(
    signed_in, fundraiser, approval_needed
):
    signed_in.post(edit_url(fundraiser), edit_form(fundraiser))

    html = signed_in.get(edit_url(fundraiser)).content.decode()

    assert 'value="Maria&#x27;s big walk"' in html
    assert 'value="750.00"' in html


def test_an_edit_after_staff_asked_for_changes_resubmits_the_same_workflow(
    signed_in, fundraiser, approval_needed
):
    signed_in.post(edit_url(fundraiser), edit_form(fundraiser))
    state = active_state(fundraiser)
    state.current_task_state.reject(user=StaffUserFactory(), comment="No phone numbers, please.")

    signed_in.post(edit_url(fundraiser), edit_form(fundraiser, story="I walk. Write to me here."))

    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.current_task_state.revision == latest_revision(fundraiser)
    assert revisions(fundraiser) == 2


def test_an_edit_while_one_is_in_moderation_restarts_review_on_the_new_revision(
    signed_in, fundraiser, approval_needed
):
    signed_in.post(edit_url(fundraiser), edit_form(fundraiser))
    first = active_state(fundraiser)

    signed_in.post(edit_url(fundraiser), edit_form(fundraiser, goal_cents="900"))

    first.refresh_from_db()
    second = active_state(fundraiser)
    assert first.status == WorkflowState.STATUS_CANCELLED
    assert second.current_task_state.revision == latest_revision(fundraiser)
    assert second.current_task_state.revision.as_object().goal_cents == 90_000


def test_a_page_waiting_for_approval_keeps_its_edit_on_its_row_and_stays_unseen(
    signed_in, client, campaign, owner, approval_needed
):
    from campaigns.services import open_fundraiser

    page = open_fundraiser(
        campaign, owner, {"title": "Maria's walk", "goal_cents": 50_000, "story": "I walk."}
    )

    signed_in.post(edit_url(page), edit_form(page))

    page.refresh_from_db()
    assert not page.live
    assert page.title == "Maria's big walk"
    assert revisions(page) == 2
    assert active_state(page).status == WorkflowState.STATUS_IN_PROGRESS


def test_a_new_photo_replaces_the_old_and_no_photo_keeps_it(signed_in, fundraiser, owner):
    signed_in.post(edit_url(fundraiser), edit_form(fundraiser, photo=png()))
    fundraiser.refresh_from_db()
    first_photo = fundraiser.photo

    signed_in.post(edit_url(fundraiser), edit_form(fundraiser, title="Maria's longest walk"))

    fundraiser.refresh_from_db()
    assert first_photo.uploaded_by_user == owner
    assert fundraiser.photo == first_photo


def test_the_owner_joins_a_team_from_the_edit_form(signed_in, campaign, fundraiser):
    team = TeamPageFactory(parent=campaign, title="Grace Church")

    signed_in.post(edit_url(fundraiser), edit_form(fundraiser, team=str(team.pk)))

    fundraiser.refresh_from_db()
    assert fundraiser.team == team


def test_the_owner_creates_a_team_from_the_edit_form(signed_in, fundraiser, owner):
    signed_in.post(
        edit_url(fundraiser), edit_form(fundraiser, new_team_title="Lincoln High School")
    )

    team = TeamPage.objects.get()
    fundraiser.refresh_from_db()
    assert (team.title, team.captain, fundraiser.team) == ("Lincoln High School", owner, team)


def test_keeping_the_pages_own_title_is_allowed(signed_in, fundraiser):
    response = signed_in.post(edit_url(fundraiser), edit_form(fundraiser, title="MARIA'S WALK"))

    fundraiser.refresh_from_db()
    assert response.status_code == 302
    assert fundraiser.title == "MARIA'S WALK"


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_stranger_gets_404_and_nothing_changes(client, fundraiser, method):
    client.force_login(UserFactory(email="someone.else@example.org"))

    response = getattr(client, method)(edit_url(fundraiser), edit_form(fundraiser))

    fundraiser.refresh_from_db()
    assert response.status_code == 404
    assert fundraiser.title == "Maria's walk"
    assert revisions(fundraiser) == 0


def test_staff_get_404_on_the_public_edit_form_too(client, fundraiser):
    client.force_login(StaffUserFactory())

    response = client.post(edit_url(fundraiser), edit_form(fundraiser))

    fundraiser.refresh_from_db()
    assert response.status_code == 404
    assert revisions(fundraiser) == 0


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_anonymous_visitor_is_sent_to_log_in_and_back(client, fundraiser, method):
    response = getattr(client, method)(
        edit_url(fundraiser), edit_form(fundraiser) if method == "post" else {}
    )

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={edit_url(fundraiser)}"
    assert revisions(fundraiser) == 0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "Please give your page a title."),
        ({"goal_cents": "0"}, "Your goal must be at least $1."),
        ({"goal_cents": "-50"}, "Please enter an amount"),
        ({"goal_cents": "five hundred"}, "Please enter an amount"),
        ({"story": ""}, "Please tell your story in a few words."),
    ],
)
def test_bad_input_gets_a_clear_message_and_saves_no_revision(
    signed_in, fundraiser, overrides, message
):
    response = signed_in.post(edit_url(fundraiser), edit_form(fundraiser, **overrides))

    fundraiser.refresh_from_db()
    assert response.status_code == 200
    assert message in response.content.decode()
    assert revisions(fundraiser) == 0
    assert fundraiser.title == "Maria's walk"


def test_a_title_taken_by_another_page_of_the_campaign_is_refused(signed_in, campaign, fundraiser):
    FundraiserPageFactory(parent=campaign, title="Jon's run")

    response = signed_in.post(edit_url(fundraiser), edit_form(fundraiser, title="JON'S RUN"))

    assert "A page in this campaign already has this title." in response.content.decode()
    assert revisions(fundraiser) == 0


def test_a_chosen_photo_is_asked_for_again_when_another_field_failed(signed_in, fundraiser):
    response = signed_in.post(edit_url(fundraiser), edit_form(fundraiser, title="", photo=png()))

    assert "Please choose your photo again" in response.content.decode()
    assert not FundraiserPage.objects.get(pk=fundraiser.pk).photo


def test_the_form_shows_the_staff_comment_when_changes_were_requested(
    signed_in, fundraiser, approval_needed
):
    signed_in.post(edit_url(fundraiser), edit_form(fundraiser))
    active_state(fundraiser).current_task_state.reject(
        user=StaffUserFactory(), comment="No phone numbers, please."
    )

    html = signed_in.get(edit_url(fundraiser)).content.decode()

    assert "Live — changes requested to your edits: No phone numbers, please." in html


def test_an_edit_of_a_page_staff_took_down_does_not_put_it_back_up(signed_in, client, fundraiser):
    from campaigns.takedown import take_down

    fundraiser.save_revision().publish()
    take_down(fundraiser, StaffUserFactory(), "Your story named a survivor.")

    response = signed_in.post(edit_url(fundraiser), edit_form(fundraiser))

    fundraiser.refresh_from_db()
    assert not fundraiser.live
    assert latest_revision(fundraiser).as_object().title == "Maria's big walk"
    assert "your page stays down" in signed_in.get(response["Location"]).content.decode()
    assert client.get(f"{fundraiser.get_parent().url}marias-walk/").status_code == 404
