"""Two edit forms open on one fundraiser page (a phone and a laptop, or the owner and staff)
do not undo each other: a save from a form opened on an older version saves nothing and
shows the form again, with what was typed, the page as it is now and the new version."""

import html
import re

import pytest
from django.urls import reverse
from wagtail.images import get_image_model
from wagtail.models import Revision, WorkflowState

from campaigns.editing import edit_fundraiser, page_version
from campaigns.models import FundraiserPage
from northstar.forms import EditConflict
from tests.campaigns.factories import (
    FundraiserPageFactory,
    TeamPageFactory,
)
from tests.campaigns.test_edit_fundraiser import png
from tests.site.factories import StaffUserFactory
from tests.support.services import require_postgresql
from tests.support.threads import run_at_once

pytestmark = pytest.mark.django_db

CHANGED = "This page was changed since you opened it"
STORY = "I walk for survivors.\n\nPlease help me reach my goal."  # the factory's
NEW_STORY = "I walk every Sunday now.\n\nCome with me."


def edit_url(page):
    return reverse("dashboard:edit-page", args=[page.pk])


def open_form(client, page):
    """Open the page's edit form (as a tab would) and return the version it carries."""
    return opened_version(client.get(edit_url(page)).content.decode())


def opened_version(page_html):
    """The version in the form's hidden field, as the browser would post it back."""
    match = re.search(r'<input type="hidden" name="opened_version" value="([^"]*)"', page_html)
    assert match, "the edit form carries no version"
    return html.unescape(match.group(1))


def save(client, page, version, *, goal="500", story=STORY, **more):
    """Post the edit form opened on `version`, with the title kept."""
    data = {"title": "Maria's walk", "goal_cents": goal, "story": story, **more}
    if version is not None:
        data["opened_version"] = version
    return client.post(edit_url(page), data)


def latest(page):
    """The page as its latest revision has it (what the owner last saved)."""
    return FundraiserPage.objects.get(pk=page.pk).get_latest_revision_as_object()


def revisions(page):
    return Revision.objects.filter(object_id=str(page.pk)).count()


def active_state(page):
    return WorkflowState.objects.active().filter(object_id=str(page.pk)).first()


def test_the_edit_form_carries_the_version_it_was_opened_on_in_a_hidden_field(
    signed_in, fundraiser
):
    fundraiser.save_revision(user=fundraiser.supporter).publish()
    fundraiser.refresh_from_db()

    version = open_form(signed_in, fundraiser)

    assert version == page_version(fundraiser)
    assert version.startswith(f"{fundraiser.latest_revision_id}@")


def test_a_save_from_a_form_opened_before_another_save_is_shown_again_and_saves_nothing(
    signed_in, fundraiser
):
    phone, laptop = open_form(signed_in, fundraiser), open_form(signed_in, fundraiser)
    save(signed_in, fundraiser, phone, goal="750")

    response = save(signed_in, fundraiser, laptop, goal="500", story=NEW_STORY)

    fundraiser.refresh_from_db()
    assert response.status_code == 200
    assert CHANGED in response.content.decode()
    assert revisions(fundraiser) == 1
    assert (fundraiser.goal_cents, fundraiser.story) == (75_000, STORY)


def test_the_form_shown_again_keeps_what_was_typed_and_shows_the_page_now(signed_in, fundraiser):
    phone, laptop = open_form(signed_in, fundraiser), open_form(signed_in, fundraiser)
    save(signed_in, fundraiser, phone, goal="750")

    page_html = save(signed_in, fundraiser, laptop, goal="500", story=NEW_STORY).content.decode()

    now, form = page_html.split('id="page-now"')[1].split("</section>")
    assert 'value="500"' in form  # as typed on the laptop
    assert "I walk every Sunday now." in form
    assert "$750" in now
    assert "I walk for survivors." in now


def test_the_form_shown_again_carries_the_new_version(signed_in, fundraiser):
    phone, laptop = open_form(signed_in, fundraiser), open_form(signed_in, fundraiser)
    save(signed_in, fundraiser, phone, goal="750")

    response = save(signed_in, fundraiser, laptop, goal="500", story=NEW_STORY)

    shown_again = opened_version(response.content.decode())
    assert shown_again != laptop
    assert shown_again == page_version(FundraiserPage.objects.get(pk=fundraiser.pk))


def test_saving_the_form_shown_again_saves_what_that_person_typed(signed_in, fundraiser):
    phone, laptop = open_form(signed_in, fundraiser), open_form(signed_in, fundraiser)
    save(signed_in, fundraiser, phone, goal="750")
    shown_again = opened_version(
        save(signed_in, fundraiser, laptop, goal="500", story=NEW_STORY).content.decode()
    )

    response = save(signed_in, fundraiser, shown_again, goal="500", story=NEW_STORY)

    fundraiser.refresh_from_db()
    assert response["Location"] == reverse("dashboard:home")
    assert (fundraiser.goal_cents, fundraiser.story) == (50_000, NEW_STORY)
    assert revisions(fundraiser) == 2


def test_with_approval_a_save_over_an_edit_waiting_for_approval_changes_nothing(
    signed_in, fundraiser, approval_needed
):
    phone, laptop = open_form(signed_in, fundraiser), open_form(signed_in, fundraiser)
    save(signed_in, fundraiser, phone, goal="750")
    waiting = active_state(fundraiser)

    response = save(signed_in, fundraiser, laptop, goal="500", story=NEW_STORY)

    assert CHANGED in response.content.decode()
    assert revisions(fundraiser) == 1
    assert latest(fundraiser).goal_cents == 75_000
    state = active_state(fundraiser)
    assert (state.pk, state.status) == (waiting.pk, WorkflowState.STATUS_IN_PROGRESS)
    assert state.current_task_state.revision.as_object().goal_cents == 75_000


def test_with_approval_the_goal_in_another_tab_goes_live_once_approved(
    signed_in, fundraiser, approval_needed
):
    phone, laptop = open_form(signed_in, fundraiser), open_form(signed_in, fundraiser)
    save(signed_in, fundraiser, phone, goal="750")
    save(signed_in, fundraiser, laptop, goal="500", story=NEW_STORY)

    active_state(fundraiser).current_task_state.approve(user=StaffUserFactory())

    fundraiser.refresh_from_db()
    assert (fundraiser.goal_cents, fundraiser.story) == (75_000, STORY)


def test_with_approval_saving_the_form_shown_again_sends_that_edit_for_approval(
    signed_in, fundraiser, approval_needed
):
    phone, laptop = open_form(signed_in, fundraiser), open_form(signed_in, fundraiser)
    save(signed_in, fundraiser, phone, goal="750")
    shown_again = opened_version(
        save(signed_in, fundraiser, laptop, goal="500", story=NEW_STORY).content.decode()
    )

    save(signed_in, fundraiser, shown_again, goal="500", story=NEW_STORY)

    submitted = active_state(fundraiser).current_task_state.revision.as_object()
    assert (submitted.goal_cents, submitted.story) == (50_000, NEW_STORY)
    assert revisions(fundraiser) == 2


def test_approval_between_opening_and_saving_is_not_a_change(
    signed_in, fundraiser, approval_needed
):
    save(signed_in, fundraiser, open_form(signed_in, fundraiser), goal="750")
    version = open_form(signed_in, fundraiser)
    active_state(fundraiser).current_task_state.approve(user=StaffUserFactory())

    response = save(signed_in, fundraiser, version, goal="750", story=NEW_STORY)

    assert response.status_code == 302
    assert latest(fundraiser).story == NEW_STORY


def test_a_staff_edit_in_the_admin_since_the_form_was_opened_is_not_undone(signed_in, fundraiser):
    version = open_form(signed_in, fundraiser)
    staff_edit = FundraiserPage.objects.get(pk=fundraiser.pk)
    staff_edit.story = "Edited by staff: phone number taken out."
    staff_edit.save_revision(user=StaffUserFactory())

    response = save(signed_in, fundraiser, version, goal="600")

    assert CHANGED in response.content.decode()
    assert latest(fundraiser).story == "Edited by staff: phone number taken out."


def test_an_admin_autosave_rewriting_the_latest_revision_counts_as_a_change(signed_in, fundraiser):
    staff = StaffUserFactory()
    staff_edit = FundraiserPage.objects.get(pk=fundraiser.pk)
    revision = staff_edit.save_revision(user=staff)
    version = open_form(signed_in, fundraiser)
    staff_edit.story = "Autosaved by staff."
    staff_edit.save_revision(user=staff, overwrite_revision=revision)  # same id, new content

    response = save(signed_in, fundraiser, version, goal="600")

    assert CHANGED in response.content.decode()
    assert latest(fundraiser).story == "Autosaved by staff."


def test_a_team_joined_in_another_tab_is_not_undone(signed_in, campaign, fundraiser):
    team = TeamPageFactory(parent=campaign, title="Lincoln High School")
    phone, laptop = open_form(signed_in, fundraiser), open_form(signed_in, fundraiser)
    save(signed_in, fundraiser, phone, team=str(team.pk))

    response = save(signed_in, fundraiser, laptop, goal="600")

    assert CHANGED in response.content.decode()
    assert latest(fundraiser).team_id == team.pk


def test_a_photo_sent_with_a_stale_form_is_not_kept_and_is_asked_for_again(signed_in, fundraiser):
    phone, laptop = open_form(signed_in, fundraiser), open_form(signed_in, fundraiser)
    save(signed_in, fundraiser, phone, goal="750")
    images = get_image_model().objects.count()

    response = save(signed_in, fundraiser, laptop, photo=png())

    assert "Please choose your photo again" in response.content.decode()
    assert get_image_model().objects.count() == images
    assert latest(fundraiser).photo_id is None


def test_a_form_posted_without_a_version_saves_nothing_and_says_why(signed_in, fundraiser):
    response = save(signed_in, fundraiser, None, goal="600")

    page_html = response.content.decode()
    assert response.status_code == 200
    assert "This form was opened before our last update" in page_html
    assert opened_version(page_html) == page_version(fundraiser)
    assert revisions(fundraiser) == 0


def test_a_form_posted_without_a_version_saves_once_posted_again(signed_in, fundraiser):
    shown_again = opened_version(save(signed_in, fundraiser, None, goal="600").content.decode())

    response = save(signed_in, fundraiser, shown_again, goal="600")

    fundraiser.refresh_from_db()
    assert response.status_code == 302
    assert fundraiser.goal_cents == 60_000


@pytest.mark.parametrize("version", ["garbage", "99999@2020-01-01T00:00:00+00:00", "new "])
def test_a_version_that_is_not_the_pages_is_a_change_not_an_error(signed_in, fundraiser, version):
    fundraiser.save_revision(user=fundraiser.supporter).publish()

    response = save(signed_in, fundraiser, version, goal="600")

    assert response.status_code == 200
    assert CHANGED in response.content.decode()
    assert FundraiserPage.objects.get(pk=fundraiser.pk).goal_cents == 50_000


def test_a_form_with_errors_keeps_the_version_it_was_opened_on(signed_in, fundraiser):
    version = open_form(signed_in, fundraiser)

    response = save(signed_in, fundraiser, version, goal="")

    assert opened_version(response.content.decode()) == version


def test_the_service_refuses_a_stale_version_and_saves_nothing(fundraiser, owner):
    stale = page_version(fundraiser)
    fundraiser.save_revision(user=owner)
    data = {"title": "Maria's walk", "goal_cents": 60_000, "story": STORY}

    with pytest.raises(EditConflict) as conflict:
        edit_fundraiser(fundraiser, owner, data, opened_version=stale)

    assert conflict.value.current == page_version(FundraiserPage.objects.get(pk=fundraiser.pk))
    assert revisions(fundraiser) == 1


@pytest.mark.django_db(transaction=True)
def test_two_saves_from_forms_opened_together_land_one_after_the_other_never_both(campaign, owner):
    require_postgresql()  # row locks and threads that share the committed database
    page = FundraiserPageFactory(parent=campaign, title="Maria's walk", supporter=owner)
    version = page_version(page)
    outcomes = [None, None]

    def save_goal(i):
        data = {"title": "Maria's walk", "goal_cents": (7 + i) * 10_000, "story": STORY}
        try:
            edit_fundraiser(page, owner, data, opened_version=version)
            outcomes[i] = "saved"
        except EditConflict:
            outcomes[i] = "conflict"

    run_at_once(save_goal, 2)

    assert sorted(outcomes) == ["conflict", "saved"]
    assert revisions(page) == 1
