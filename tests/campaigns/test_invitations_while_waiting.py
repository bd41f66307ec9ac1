"""While a new fundraiser page waits for approval its owner is told it was received, can
preview it privately, and can already ask five friends: the invitations are held and sent
the moment the page goes live, never before, never if it does not. An invitation carries
the owner's own note and the opening of their story."""

from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import WorkflowState

from campaigns.invitations import (
    NOTE_MAX_LENGTH,
    Invitation,
    erase_expired,
    send_held,
    story_opening,
)
from campaigns.services import open_fundraiser
from northstar.emails import outbound_message
from northstar.models import OutboundEmail
from tests.campaigns.factories import FundraiserPageFactory
from tests.campaigns.test_edit_fundraiser import edit_form
from tests.campaigns.test_invitations import friends_form, friends_url, invitation_emails
from tests.site.factories import StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db

STORY = (
    "Every spring I walk ten miles along the river, and this year every mile is for the "
    "survivors our shelter houses: a safe bed, food, clothes and someone on their side while "
    "they start again. Please help me get there."
)
FRIENDS = [("Ana Ruiz", "ana@example.net"), ("Ben Okafor", "ben@example.net")]


@pytest.fixture
def waiting(campaign, approval_needed, owner):
    """Maria's new page "Maria's walk", opened from the start form, waiting for approval."""
    return open_fundraiser(
        campaign, owner, {"title": "Maria's walk", "goal_cents": 50_000, "story": STORY}
    )


@pytest.fixture
def staff(db):
    return StaffUserFactory(email="admin@northstar.test")


def approve(page, staff):
    """Staff approve the page's waiting task, as the admin's Approve button does."""
    state = WorkflowState.objects.get(object_id=str(page.pk), status="in_progress")
    state.current_task_state.approve(user=staff)


def request_changes(page, staff, comment="Please add where you walk."):
    state = WorkflowState.objects.get(object_id=str(page.pk), status="in_progress")
    state.current_task_state.reject(user=staff, comment=comment)


def hold_two(client, page, note=""):
    """The owner writes invitations to Ana and Ben (with `note`) from the friends page."""
    return client.post(friends_url(page), {**friends_form(FRIENDS), "note": note})


# --- Held while waiting -------------------------------------------------------------------


def test_invitations_written_while_the_page_waits_are_saved_held_and_not_sent(signed_in, waiting):
    response = hold_two(signed_in, waiting)
    response = signed_in.get(response["Location"])

    html = response.content.decode()
    assert (
        "Your invitations to 2 friends are saved. They will be sent when your page is live." in html
    )
    assert html.count("Will be sent when your page is live") == 2
    invitations = Invitation.objects.order_by("email")
    assert [(i.email, i.state, i.sent_at) for i in invitations] == [
        ("ana@example.net", Invitation.State.HELD, None),
        ("ben@example.net", Invitation.State.HELD, None),
    ]
    assert not invitation_emails().exists()


def test_the_friends_page_of_a_waiting_page_says_invitations_go_when_it_is_live(signed_in, waiting):
    html = signed_in.get(friends_url(waiting)).content.decode()

    assert "You can write your invitations now: we save them and send them" in html
    assert "Save the invitations" in html


def test_approving_the_page_queues_each_held_invitation_once_after_commit(
    signed_in, waiting, staff, django_capture_on_commit_callbacks
):
    hold_two(signed_in, waiting, note="Ana, Ben: this one matters to me.")

    with django_capture_on_commit_callbacks(execute=True):
        approve(waiting, staff)

    emails = list(invitation_emails().order_by("to"))
    assert [e.to for e in emails] == ["ana@example.net", "ben@example.net"]
    assert emails[0].context["note"] == "Ana, Ben: this one matters to me."
    invitations = list(Invitation.objects.order_by("email"))
    assert {i.state for i in invitations} == {Invitation.State.SENT}
    assert all(i.sent_at is not None for i in invitations)
    assert [e.context["url"].rsplit("=", 1)[1] for e in emails] == [i.token for i in invitations]

    waiting.refresh_from_db()
    waiting.get_latest_revision().publish(user=staff)  # published again: nothing sent twice
    assert invitation_emails().count() == 2


def test_staff_publishing_the_waiting_page_themselves_sends_the_held_invitations(
    signed_in, waiting, staff
):
    hold_two(signed_in, waiting)

    waiting.get_latest_revision().publish(user=staff)

    assert sorted(invitation_emails().values_list("to", flat=True)) == [
        "ana@example.net",
        "ben@example.net",
    ]


def test_changes_requested_keep_the_invitations_held_until_the_page_is_approved(
    signed_in, waiting, staff, owner
):
    hold_two(signed_in, waiting)

    request_changes(waiting, staff)
    assert set(Invitation.objects.values_list("state", flat=True)) == {Invitation.State.HELD}
    assert not invitation_emails().exists()

    response = signed_in.post(f"/dashboard/pages/{waiting.pk}/edit/", edit_form(waiting))
    assert response.status_code == 302
    assert not invitation_emails().exists()
    approve(waiting, staff)

    assert invitation_emails().count() == 2


def test_invitations_of_a_page_whose_review_staff_cancelled_are_never_sent(
    signed_in, waiting, staff
):
    hold_two(signed_in, waiting)
    waiting.current_workflow_state.cancel(user=staff)

    response = signed_in.post(friends_url(waiting), friends_form([("Cleo", "cleo@example.net")]))

    assert "Your page is not live, so you cannot ask friends from it yet." in (
        response.content.decode()
    )
    assert send_held(waiting) == []
    assert not invitation_emails().exists()
    assert Invitation.objects.count() == 2


def test_a_page_taken_down_sends_none_of_its_held_invitations(signed_in, waiting):
    hold_two(signed_in, waiting)
    waiting.live, waiting.taken_down_at = True, timezone.now()  # as if published, then held down

    assert send_held(waiting) == []
    assert not invitation_emails().exists()


def test_held_invitations_past_the_campaigns_end_are_erased_and_never_sent(
    signed_in, campaign, waiting
):
    hold_two(signed_in, waiting)
    campaign.deadline = timezone.localdate() - timedelta(days=31)
    campaign.save()

    assert erase_expired() == 2
    waiting.live = True
    assert send_held(waiting) == []
    assert set(Invitation.objects.values_list("email", "note", "state")) == {
        ("", "", Invitation.State.HELD)
    }


def test_held_invitations_are_not_counted_as_sent_in_the_campaigns_figures(
    signed_in, campaign, waiting
):
    hold_two(signed_in, waiting)

    assert Invitation.objects.of_campaign(campaign).counts() == {"sent": 0, "gave": 0}


def test_a_held_invitation_cannot_be_reminded(signed_in, waiting):
    hold_two(signed_in, waiting)
    ana = Invitation.objects.get(email="ana@example.net")

    remind = f"/dashboard/pages/{waiting.pk}/friends/{ana.pk}/remind/"
    response = signed_in.post(remind, follow=True)

    assert "Your invitation to Ana Ruiz will be sent when your page is live." in (
        response.content.decode()
    )
    ana.refresh_from_db()
    assert ana.last_reminded_at is None


def test_invitations_written_while_waiting_count_toward_the_hourly_limit(
    signed_in, campaign, approval_needed, owner
):
    pages = []
    for _ in range(7):
        page = FundraiserPageFactory(
            parent=campaign, supporter=owner, live=False, first_published_at=None
        )
        page.save_revision(user=owner)
        approval_needed.start(page, owner)
        pages.append(page)
    for n, page in enumerate(pages[:6]):
        signed_in.post(
            friends_url(page),
            friends_form([(f"Friend {n}{i}", f"friend{n}{i}@example.net") for i in range(5)]),
        )
    assert Invitation.objects.filter(state=Invitation.State.HELD).count() == 30

    response = signed_in.post(friends_url(pages[6]), friends_form(FRIENDS[:1]))

    assert "You have sent a lot of invitations in the last hour." in response.content.decode()
    assert not Invitation.objects.filter(page=pages[6]).exists()


# --- The owner's note and the story's opening ---------------------------------------------


def test_the_owners_note_and_the_storys_opening_read_in_the_invitation_as_theirs(
    signed_in, fundraiser, settings
):
    fundraiser.story = STORY
    fundraiser.save()
    signed_in.post(
        friends_url(fundraiser),
        {**friends_form(FRIENDS[:1]), "note": "Ana, you ran with me last year.\nCome along!"},
    )

    message = outbound_message(invitation_emails().get())
    assert (
        'Maria wrote:\n"Ana, you ran with me last year.\nCome along!"\n\n'
        "From Maria's page:\n"
        '"Every spring I walk ten miles along the river, and this year every mile is for the '
        "survivors our shelter houses: a safe bed, food, clothes and someone on their side "
        'while they start again. Please help…"'
    ) in message.text
    assert "Ana, you ran with me last year.<br>Come along!" in message.html


def test_a_note_is_plain_text_in_the_email(signed_in, fundraiser):
    signed_in.post(
        friends_url(fundraiser),
        {**friends_form(FRIENDS[:1]), "note": '<a href="https://evil.example">Give here</a>'},
    )

    message = outbound_message(invitation_emails().get())
    assert "&lt;a href=&quot;https://evil.example&quot;&gt;Give here&lt;/a&gt;" in message.html
    assert 'href="https://evil.example"' not in message.html


def test_without_a_note_the_invitation_keeps_the_default_wording(signed_in, fundraiser):
    signed_in.post(friends_url(fundraiser), friends_form(FRIENDS[:1]))

    email = invitation_emails().get()
    text = outbound_message(email).text
    assert email.context["note"] == ""
    assert "wrote:" not in text
    assert (
        "Maria is raising money for Spring into Action and asked us to send you their page, "
        '"Maria\'s walk".'
    ) in text


def test_a_note_longer_than_the_limit_is_refused_and_nothing_is_saved(signed_in, fundraiser):
    response = signed_in.post(
        friends_url(fundraiser),
        {**friends_form(FRIENDS[:1]), "note": "x" * (NOTE_MAX_LENGTH + 1)},
    )

    html = response.content.decode()
    assert NOTE_MAX_LENGTH == 500
    assert "Your note can be up to 500 characters long (it has 501)." in html
    assert 'href="#id_note"' in html  # the error summary links to the field
    assert not Invitation.objects.exists()


def test_the_storys_opening_is_cut_on_a_word_near_two_hundred_characters():
    assert story_opening(STORY) == (
        "Every spring I walk ten miles along the river, and this year every mile is for the "
        "survivors our shelter houses: a safe bed, food, clothes and someone on their side "
        "while they start again. Please help…"
    )
    assert story_opening("I walk.\n\nFor them.") == "I walk. For them."
    assert story_opening("") == ""


# --- "We received your page" --------------------------------------------------------------


def test_a_new_page_waiting_for_approval_emails_its_owner_that_it_was_received(waiting, settings):
    (email,) = OutboundEmail.objects.filter(template="campaigns/page_received")

    assert email.to == "maria.lopez@example.org"
    message = outbound_message(email)
    assert message.subject == "We received your page: Maria's walk"
    assert 'Thank you for opening "Maria\'s walk" for Spring into Action. We received it.' in (
        message.text
    )
    assert "We email you when your page is live, or if we need you to change something" in (
        message.text
    )
    assert f"{settings.SITE_URL}/dashboard/pages/{waiting.pk}/preview/" in message.text
    assert f"{settings.SITE_URL}/dashboard/pages/{waiting.pk}/friends/" in message.text


def test_an_edit_while_waiting_sends_no_second_received_email(signed_in, waiting):
    response = signed_in.post(f"/dashboard/pages/{waiting.pk}/edit/", edit_form(waiting))
    assert response.status_code == 302

    assert OutboundEmail.objects.filter(template="campaigns/page_received").count() == 1


def test_a_page_live_at_once_sends_no_received_email(campaign, owner):
    open_fundraiser(campaign, owner, {"title": "Maria's walk", "goal_cents": 50_000, "story": "I."})

    assert not OutboundEmail.objects.filter(template="campaigns/page_received").exists()


# --- The private preview ------------------------------------------------------------------


def test_the_owner_previews_their_waiting_page_privately(signed_in, waiting):
    response = signed_in.get(f"/dashboard/pages/{waiting.pk}/preview/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Preview: only you can see this" in html
    assert "<h1><bdi>Maria&#x27;s walk</bdi></h1>" in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "Share this page" not in html


def test_the_preview_shows_the_owners_latest_edit_of_a_live_page(signed_in, fundraiser, owner):
    revision = fundraiser.save_revision(user=owner)
    fundraiser.title = "Maria's long walk"
    fundraiser.save_revision(user=owner)
    assert revision.pk

    html = signed_in.get(f"/dashboard/pages/{fundraiser.pk}/preview/").content.decode()

    assert "Maria&#x27;s long walk" in html
    assert "The public still sees the page as it was" in html


def test_nobody_else_can_open_the_preview(client, waiting):
    client.force_login(UserFactory())
    assert client.get(f"/dashboard/pages/{waiting.pk}/preview/").status_code == 404
    client.force_login(StaffUserFactory())
    assert client.get(f"/dashboard/pages/{waiting.pk}/preview/").status_code == 404
    client.logout()
    response = client.get(f"/dashboard/pages/{waiting.pk}/preview/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_public_gets_a_404_for_a_page_waiting_for_approval(client, waiting):
    assert client.get(waiting.url or f"/spring-into-action/{waiting.slug}/").status_code == 404


def test_the_dashboard_links_to_the_preview_of_a_waiting_page(signed_in, waiting):
    html = signed_in.get("/dashboard/").content.decode()

    assert f'href="/dashboard/pages/{waiting.pk}/preview/"' in html
    assert "Preview your page" in html
