"""Ask five friends: a fundraiser page's owner invites friends by email, each with their own
link; a gift through that link marks the invitation "gave"; addresses are erased later."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from campaigns.invitations import (
    MAX_INVITATIONS_PER_PAGE,
    Invitation,
    erase_expired,
    stop_emails_url,
)
from donations.models import Donation
from northstar.models import OutboundEmail
from tests.campaigns.factories import (
    FundraiserPageFactory,
    FundraisingCampaignPageFactory,
    InvitationFactory,
)
from tests.donations.factories import donate_form
from tests.site.factories import UserFactory
from tests.support.outbox import html_body, text_body

pytestmark = pytest.mark.django_db

FRIENDS = [
    ("Ana Ruiz", "ana@example.net"),
    ("Ben Okafor", "ben@example.net"),
    ("Chloé Martin", "chloe@example.net"),
    ("Dev Patel", "dev@example.net"),
    ("Eun-ji Kim", "eunji@example.net"),
]


def friends_url(page):
    return f"/dashboard/pages/{page.pk}/friends/"


def remind_url(invitation):
    return f"/dashboard/pages/{invitation.page_id}/friends/{invitation.pk}/remind/"


def friends_form(rows, total_forms=5):
    """What the browser posts from the friends form: `rows` of (name, email), the rest empty."""
    data = {
        "friends-TOTAL_FORMS": str(total_forms),
        "friends-INITIAL_FORMS": "0",
        "friends-MIN_NUM_FORMS": "0",
        "friends-MAX_NUM_FORMS": "5",
    }
    for index in range(total_forms):
        name, email = rows[index] if index < len(rows) else ("", "")
        data[f"friends-{index}-name"] = name
        data[f"friends-{index}-email"] = email
    return data


def invitation_emails():
    return OutboundEmail.objects.filter(template="campaigns/invitation")


def token_of(url):
    return parse_qs(urlsplit(url).query)["invitation"][0]


def give_through(client, page, token):
    """A $50 gift to `page` from the donate form carrying `token`, paid at the test checkout."""
    client.post(f"/donations/give/{page.pk}/", donate_form(referral=token))
    donation = Donation.objects.latest("pk")
    client.post(f"/donations/test-checkout/{donation.checkout_token}/")
    donation.refresh_from_db()
    return donation


def test_inviting_five_friends_queues_five_emails_after_commit_each_with_its_own_link(
    signed_in, settings, fundraiser, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://northstar.example"
    with django_capture_on_commit_callbacks() as callbacks:
        response = signed_in.post(friends_url(fundraiser), friends_form(FRIENDS))
    response = signed_in.get(response["Location"])

    assert "Your invitations are on their way to 5 friends." in response.content.decode()
    emails = list(invitation_emails().order_by("to"))
    assert [email.to for email in emails] == sorted(email for _, email in FRIENDS)
    assert len(callbacks) == 5  # each delivery is enqueued only once the invitations commit
    invitations = {i.email: i for i in Invitation.objects.all()}
    for email in emails:
        invitation = invitations[email.to]
        assert email.context["url"] == (
            f"{settings.SITE_URL}/spring-into-action/marias-walk/?invitation={invitation.token}"
        )
        assert email.context["owner_first_name"] == "Maria"
        assert email.context["friend_name"] == invitation.name
    assert len({token_of(email.context["url"]) for email in emails}) == 5
    assert {i.state for i in invitations.values()} == {Invitation.State.SENT}


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_each_friend_a_personal_invitation_with_their_own_link(
    client, campaign, owner, worker_outbox
):
    fundraiser = FundraiserPageFactory(
        parent=campaign, title="Maria's walk", slug="marias-walk", supporter=owner
    )
    client.force_login(owner)

    # Addresses of this test's own: the worker serves the whole session's outbox.
    friends = [("Ana Ruiz", "ana.worker@example.net"), ("Ben Okafor", "ben.worker@example.net")]
    client.post(friends_url(fundraiser), friends_form(friends))

    [to_ana] = worker_outbox.wait_for("ana.worker@example.net")
    [to_ben] = worker_outbox.wait_for("ben.worker@example.net")
    assert to_ana["Subject"] == "Maria asks for your help: Maria's walk"
    ana, ben = (
        Invitation.objects.get(email="ana.worker@example.net"),
        Invitation.objects.get(email="ben.worker@example.net"),
    )
    assert f"/marias-walk/?invitation={ana.token}" in text_body(to_ana)
    assert "Hi Ana Ruiz," in text_body(to_ana)
    assert "$0 raised of $500" in text_body(to_ana)
    assert f"?invitation={ben.token}" in text_body(to_ben)
    assert ana.token not in text_body(to_ben)
    assert f"?invitation={ana.token}" in html_body(to_ana)
    assert f"No more emails about this page: {stop_emails_url(ana)}" in text_body(to_ana)
    assert to_ana["List-Unsubscribe"].strip() == f"<{stop_emails_url(ana)}>"
    assert to_ana["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_sixth_row_is_refused_and_nothing_is_saved_or_sent(signed_in, fundraiser):
    rows = FRIENDS + [("Femi Adeyemi", "femi@example.net")]

    response = signed_in.post(friends_url(fundraiser), friends_form(rows, total_forms=6))

    assert "You can invite up to 5 friends at a time." in response.content.decode()
    assert not Invitation.objects.exists()
    assert not invitation_emails().exists()


def test_an_invalid_address_is_refused_and_no_friend_in_the_batch_is_invited(signed_in, fundraiser):
    rows = FRIENDS[:3] + [("Dev Patel", "dev@example")]

    response = signed_in.post(friends_url(fundraiser), friends_form(rows))

    assert "Please enter a valid email address" in response.content.decode()
    assert not Invitation.objects.exists()
    assert not invitation_emails().exists()


def test_a_friend_already_invited_from_the_page_is_refused_and_nothing_is_sent(
    signed_in, fundraiser
):
    InvitationFactory(page=fundraiser, name="Ana Ruiz", email="ana@example.net")

    response = signed_in.post(
        friends_url(fundraiser), friends_form([FRIENDS[1], ("Ana R.", "ANA@example.net")])
    )

    assert "You have already invited ana@example.net from this page." in response.content.decode()
    assert Invitation.objects.count() == 1
    assert not invitation_emails().exists()


def test_the_form_sent_twice_invites_each_friend_once_and_answers_both_alike(signed_in, fundraiser):
    form = friends_form(FRIENDS[:2])

    first = signed_in.post(friends_url(fundraiser), form, follow=True)
    second = signed_in.post(friends_url(fundraiser), form, follow=True)  # a double click

    for response in (first, second):
        assert "Your invitations are on their way to 2 friends." in response.content.decode()
    assert Invitation.objects.count() == 2
    assert invitation_emails().count() == 2


def test_the_owners_own_address_is_refused_and_nothing_is_sent(signed_in, fundraiser):
    rows = [("Ana Ruiz", "ana@example.net"), ("Me", " Maria.Lopez@Example.org ")]

    html = signed_in.post(friends_url(fundraiser), friends_form(rows)).content.decode()

    assert (
        "maria.lopez@example.org is your own address. Please invite your friends instead." in html
    )
    assert not Invitation.objects.exists()
    assert not invitation_emails().exists()


def test_the_same_address_twice_in_one_batch_is_refused(signed_in, fundraiser):
    rows = [("Ana Ruiz", "ana@example.net"), ("Ana again", "Ana@Example.net")]

    response = signed_in.post(friends_url(fundraiser), friends_form(rows))

    assert "The same email address is in the list twice." in response.content.decode()
    assert not Invitation.objects.exists()


def test_a_batch_that_would_pass_the_pages_cap_is_refused_whole(signed_in, fundraiser):
    InvitationFactory.create_batch(MAX_INVITATIONS_PER_PAGE - 2, page=fundraiser)

    response = signed_in.post(friends_url(fundraiser), friends_form(FRIENDS[:3]))

    html = response.content.decode()
    assert "A page can invite up to 50 friends. You have invited 48, so you can invite 2 more." in (
        html
    )
    assert Invitation.objects.count() == MAX_INVITATIONS_PER_PAGE - 2
    assert not invitation_emails().exists()


def test_a_page_never_live_and_not_waiting_for_approval_cannot_invite(signed_in, fundraiser):
    # (A page waiting for approval can: tests/campaigns/test_invitations_while_waiting.py.)
    fundraiser.live, fundraiser.first_published_at = False, None
    fundraiser.save()

    response = signed_in.post(friends_url(fundraiser), friends_form(FRIENDS[:1]))

    assert "Your page is not live, so you cannot ask friends from it yet." in (
        response.content.decode()
    )
    assert not Invitation.objects.exists()
    assert not invitation_emails().exists()


def test_a_page_taken_down_cannot_invite(signed_in, fundraiser):
    fundraiser.first_published_at = timezone.now() - timedelta(days=2)
    fundraiser.live = False
    fundraiser.save()

    response = signed_in.post(friends_url(fundraiser), friends_form(FRIENDS[:1]))

    assert "Your page is not live, so you cannot ask friends from it." in (
        response.content.decode()
    )
    assert not Invitation.objects.exists()


def test_someone_else_gets_a_404_for_the_friends_page_and_its_actions(client, fundraiser):
    invitation = InvitationFactory(page=fundraiser)
    client.force_login(UserFactory())

    assert client.get(friends_url(fundraiser)).status_code == 404
    assert client.post(friends_url(fundraiser), friends_form(FRIENDS[:1])).status_code == 404
    assert client.post(remind_url(invitation)).status_code == 404
    assert Invitation.objects.count() == 1
    assert not invitation_emails().exists()


def test_an_anonymous_visitor_is_sent_to_log_in_and_back(client, fundraiser):
    response = client.get(friends_url(fundraiser))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert friends_url(fundraiser) in response["Location"]


def test_the_owner_sees_each_friend_with_the_invitations_state(signed_in, fundraiser):
    InvitationFactory(page=fundraiser, name="Ana Ruiz", email="ana@example.net")
    InvitationFactory(page=fundraiser, name="Ben Okafor", state=Invitation.State.GAVE)

    html = signed_in.get(friends_url(fundraiser)).content.decode()

    assert "Ana Ruiz" in html and "ana@example.net" in html
    assert '<span class="invitation-state invitation-state--sent">Sent</span>' in html
    assert '<span class="invitation-state invitation-state--gave">Gave</span>' in html
    assert "2 invited, 1 gave." in html


def test_a_friend_can_be_reminded_three_days_after_the_last_email_and_not_sooner(
    signed_in, fundraiser
):
    four_days_ago = timezone.now() - timedelta(days=4)
    invitation = InvitationFactory(
        page=fundraiser, name="Ana Ruiz", created_at=four_days_ago, sent_at=four_days_ago
    )

    first = signed_in.post(remind_url(invitation), follow=True).content.decode()
    second = signed_in.post(remind_url(invitation), follow=True).content.decode()

    assert "Your reminder is on its way to Ana Ruiz." in first
    assert "You already reminded Ana Ruiz on " in second
    assert "so nothing was sent again. You can remind them again on" in second
    [reminder] = invitation_emails()
    assert reminder.to == invitation.email and reminder.context["reminder"] is True
    invitation.refresh_from_db()
    assert invitation.last_reminded_at is not None
    with time_machine.travel(timezone.now() + timedelta(days=3, minutes=1)):
        signed_in.post(remind_url(invitation))
    assert invitation_emails().count() == 2


def test_a_friend_just_invited_cannot_be_reminded_yet(signed_in, fundraiser):
    invitation = InvitationFactory(page=fundraiser, name="Ana Ruiz")

    html = signed_in.post(remind_url(invitation), follow=True).content.decode()

    assert "Ana Ruiz heard from you less than 3 days ago." in html
    assert not invitation_emails().exists()


def test_remind_is_post_only(signed_in, fundraiser):
    invitation = InvitationFactory(page=fundraiser, sent_at=timezone.now() - timedelta(days=9))

    assert signed_in.get(remind_url(invitation)).status_code == 405
    assert not invitation_emails().exists()


def test_a_friend_who_stops_emails_about_the_page_can_no_longer_be_reminded(signed_in, fundraiser):
    nine_days_ago = timezone.now() - timedelta(days=9)
    invitation = InvitationFactory(page=fundraiser, name="Ana Ruiz", sent_at=nine_days_ago)
    stop_url = stop_emails_url(invitation)
    friend = Client(enforce_csrf_checks=True)  # a mail client's one-click POST: no cookie

    asked = friend.get(stop_url).content.decode()
    invitation.refresh_from_db()
    assert "Stop emails about this fundraiser?" in asked
    assert invitation.state == Invitation.State.SENT

    stopped = friend.post(stop_url, {"List-Unsubscribe": "One-Click"})
    again = friend.post(stop_url, {"List-Unsubscribe": "One-Click"})

    assert stopped.status_code == again.status_code == 200
    assert "No more emails about this page" in again.content.decode()
    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.STOPPED
    friends_html = signed_in.get(friends_url(fundraiser)).content.decode()
    assert 'invitation-state--stopped">Asked for no more emails</span>' in friends_html
    assert remind_url(invitation) not in friends_html
    refused = signed_in.post(remind_url(invitation), follow=True).content.decode()
    assert "Ana Ruiz asked not to get more emails about your page." in refused
    assert not invitation_emails().exists()


def test_the_stop_link_opened_again_says_it_is_done_and_asks_nothing(fundraiser):
    invitation = InvitationFactory(page=fundraiser, name="Ana Ruiz")
    stop_url = stop_emails_url(invitation)
    friend = Client()
    friend.post(stop_url)

    again = friend.get(stop_url).content.decode()

    assert "No more emails about this page" in again
    assert "You asked for this already" in again
    assert "Stop emails about this fundraiser?" not in again


def test_inviting_again_a_friend_who_just_stopped_emails_says_they_were_invited(
    signed_in, fundraiser
):
    """Not "on its way": nothing is sent, and the friend asked for no more."""
    friend = friends_form([("Fred One", "f1@example.com")])
    signed_in.post(friends_url(fundraiser), friend, follow=True)  # its message shown
    invitation = Invitation.objects.get(email="f1@example.com")
    Client().post(stop_emails_url(invitation))

    again = signed_in.post(friends_url(fundraiser), friend, follow=True).content.decode()

    assert "You have already invited f1@example.com from this page." in again
    assert "on its way" not in again
    assert invitation_emails().count() == 1


def test_a_forged_stop_link_changes_nothing(fundraiser):
    invitation = InvitationFactory(page=fundraiser)
    forged = stop_emails_url(invitation)[:-3] + "xx/"

    response = Client(enforce_csrf_checks=True).post(forged)

    assert response.status_code == 400
    assert "This link doesn't work" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.SENT


def test_a_friend_who_stopped_emails_and_then_gives_through_the_link_counts_as_gave(
    client, settings, fundraiser
):
    settings.STRIPE_SECRET_KEY = ""
    invitation = InvitationFactory(page=fundraiser, state=Invitation.State.STOPPED)

    give_through(client, fundraiser, invitation.token)

    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.GAVE


INVITED_NOTICE = (
    "This page's owner invited you, so they will see that you gave, "
    "even if you choose to stay anonymous to everyone."
)


def test_a_friend_giving_through_their_invitation_is_told_the_owner_will_see_they_gave(
    client, fundraiser
):
    """The owner's list marks the friend "Gave": the donate form says so before they give."""
    invitation = InvitationFactory(page=fundraiser)

    invited = client.get(f"{fundraiser.url}?invitation={invitation.token}").content.decode()
    not_invited = client.get(fundraiser.url).content.decode()

    assert INVITED_NOTICE in invited
    assert INVITED_NOTICE not in not_invited


def test_a_gift_through_the_invitation_link_marks_it_gave(client, settings, fundraiser):
    settings.STRIPE_SECRET_KEY = ""
    invitation = InvitationFactory(page=fundraiser, name="Ana Ruiz")

    page_html = client.get(f"{fundraiser.url}?invitation={invitation.token}").content.decode()
    assert f'<input type="hidden" name="referral" value="{invitation.token}">' in page_html
    donation = give_through(client, fundraiser, invitation.token)

    assert donation.status == Donation.Status.PAID
    assert donation.referral == invitation.token
    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.GAVE
    assert invitation.donation == donation
    assert invitation.gave_at == donation.paid_at


def test_a_gift_to_another_page_with_an_invitations_token_changes_nothing(
    client, settings, campaign, fundraiser
):
    settings.STRIPE_SECRET_KEY = ""
    invitation = InvitationFactory(page=fundraiser)
    other_page = FundraiserPageFactory(parent=campaign, title="Sam's run", slug="sams-run")

    donation = give_through(client, other_page, invitation.token)

    assert donation.status == Donation.Status.PAID
    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.SENT
    assert invitation.donation is None


def test_a_mangled_token_in_the_link_never_stops_a_gift(client, settings, fundraiser):
    settings.STRIPE_SECRET_KEY = ""

    donation = give_through(client, fundraiser, "<script>x</script>" * 10)

    assert donation.status == Donation.Status.PAID
    assert donation.referral == ""


def test_friends_addresses_are_erased_thirty_days_after_the_deadline_and_counts_kept(
    home_page, owner
):
    deadline = timezone.localdate() - timedelta(days=31)
    ended = FundraisingCampaignPageFactory(deadline=deadline)
    page = FundraiserPageFactory(parent=ended, supporter=owner)
    InvitationFactory(page=page, email="ana@example.net")
    InvitationFactory(page=page, email="ben@example.net", state=Invitation.State.GAVE)

    assert erase_expired(today=deadline + timedelta(days=30)) == 0
    assert erase_expired(today=deadline + timedelta(days=31)) == 2

    rows = Invitation.objects.values_list("name", "email", flat=False)
    assert set(rows) == {("", "")}
    assert Invitation.objects.of_campaign(ended).counts() == {"sent": 2, "gave": 1}


def test_a_running_campaigns_invitations_are_not_erased(fundraiser):
    InvitationFactory(page=fundraiser, email="ana@example.net")

    assert erase_expired() == 0
    assert Invitation.objects.get().email == "ana@example.net"


def test_the_friends_name_and_address_never_appear_on_public_pages(
    client, signed_in, campaign, fundraiser
):
    signed_in.post(friends_url(fundraiser), friends_form(FRIENDS[:1]))
    invitation = Invitation.objects.get()
    client.logout()

    for url in (f"{fundraiser.url}?invitation={invitation.token}", fundraiser.url, campaign.url):
        html = client.get(url).content.decode()
        assert "ana@example.net" not in html
        assert "Ana Ruiz" not in html


def test_an_owner_can_send_thirty_invitation_emails_an_hour_and_no_more(signed_in, campaign, owner):
    pages = [FundraiserPageFactory(parent=campaign, supporter=owner) for _ in range(7)]
    for n, page in enumerate(pages[:6]):
        rows = [(f"Friend {n}{i}", f"friend{n}{i}@example.net") for i in range(5)]
        signed_in.post(friends_url(page), friends_form(rows))
    assert invitation_emails().count() == 30

    response = signed_in.post(friends_url(pages[6]), friends_form(FRIENDS[:1]))

    assert "You have sent a lot of invitations in the last hour." in response.content.decode()
    assert not Invitation.objects.filter(page=pages[6]).exists()
    assert invitation_emails().count() == 30


def test_a_page_staff_unpublished_cannot_invite(signed_in, fundraiser):
    fundraiser.save_revision().publish()
    fundraiser.refresh_from_db()
    fundraiser.unpublish()

    response = signed_in.post(friends_url(fundraiser), friends_form(FRIENDS[:1]))

    html = response.content.decode()
    assert "Your page is not live, so you cannot ask friends from it." in html
    assert "Please edit and save it" not in html
    assert not Invitation.objects.exists()
