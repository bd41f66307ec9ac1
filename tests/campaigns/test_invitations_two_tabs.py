"""The friends page open in two tabs (or on a phone and a laptop): friends are added one
batch after the other, never past the page's cap and never twice, and a "Remind" clicked in
the second tab sends nothing again and says why."""

from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.invitations import (
    MAX_INVITATIONS_PER_PAGE,
    Invitation,
    InvitationRefused,
    invite,
    remind,
)
from tests.campaigns.factories import FundraiserPageFactory, InvitationFactory
from tests.campaigns.test_invitations import (
    FRIENDS,
    friends_form,
    friends_url,
    invitation_emails,
    remind_url,
)
from tests.support.services import require_postgresql
from tests.support.threads import run_at_once

pytestmark = pytest.mark.django_db

MORE_FRIENDS = [
    ("Fatima Haddad", "fatima@example.net"),
    ("Gus Novak", "gus@example.net"),
    ("Hana Sato", "hana@example.net"),
]


def test_two_tabs_inviting_different_friends_invite_each_once(signed_in, fundraiser):
    signed_in.get(friends_url(fundraiser))  # both tabs open on an empty list
    signed_in.get(friends_url(fundraiser))

    signed_in.post(friends_url(fundraiser), friends_form(FRIENDS[:3]))
    signed_in.post(friends_url(fundraiser), friends_form(MORE_FRIENDS))

    assert Invitation.objects.count() == 6
    assert sorted(e.to for e in invitation_emails()) == sorted(
        email for _, email in FRIENDS[:3] + MORE_FRIENDS
    )


def test_a_second_tab_with_a_friend_already_invited_says_so_and_sends_nothing(
    signed_in, fundraiser
):
    signed_in.post(friends_url(fundraiser), friends_form(FRIENDS[:2]))

    response = signed_in.post(friends_url(fundraiser), friends_form([FRIENDS[1], FRIENDS[2]]))

    html = response.content.decode()
    assert "You have already invited ben@example.net from this page." in html
    assert 'value="chloe@example.net"' in html  # what the second tab typed is kept
    assert Invitation.objects.count() == 2
    assert invitation_emails().count() == 2


def test_a_second_tab_past_the_pages_cap_is_refused_whole_and_keeps_what_was_typed(
    signed_in, fundraiser
):
    InvitationFactory.create_batch(MAX_INVITATIONS_PER_PAGE - 5, page=fundraiser)
    signed_in.post(friends_url(fundraiser), friends_form(FRIENDS[:3]))

    response = signed_in.post(friends_url(fundraiser), friends_form(MORE_FRIENDS))

    html = response.content.decode()
    assert "You have invited 48, so you can invite 2 more." in html
    assert 'value="fatima@example.net"' in html
    assert Invitation.objects.count() == MAX_INVITATIONS_PER_PAGE - 2
    assert invitation_emails().count() == 3


def test_remind_clicked_in_a_second_tab_sends_nothing_again_and_says_when_it_went(
    signed_in, fundraiser
):
    four_days_ago = timezone.now() - timedelta(days=4)
    invitation = InvitationFactory(
        page=fundraiser, name="Ana Ruiz", created_at=four_days_ago, sent_at=four_days_ago
    )
    signed_in.post(remind_url(invitation))  # the first tab

    html = signed_in.post(remind_url(invitation), follow=True).content.decode()

    assert "You already reminded Ana Ruiz on " in html
    assert "(perhaps in another tab or on another device), so nothing was sent again." in html
    assert invitation_emails().count() == 1


def test_remind_after_the_friend_gave_in_the_meantime_says_so_and_sends_nothing(
    signed_in, fundraiser
):
    invitation = InvitationFactory(
        page=fundraiser, name="Ana Ruiz", sent_at=timezone.now() - timedelta(days=4)
    )
    Invitation.objects.filter(pk=invitation.pk).update(state=Invitation.State.GAVE)

    html = signed_in.post(remind_url(invitation), follow=True).content.decode()

    assert "Ana Ruiz has already given: no reminder needed." in html
    assert not invitation_emails().exists()


@pytest.mark.django_db(transaction=True)
def test_two_batches_sent_at_once_never_pass_the_pages_cap(campaign, owner):
    require_postgresql()  # row locks and threads that share the committed database
    page = FundraiserPageFactory(parent=campaign, title="Maria's walk", supporter=owner)
    InvitationFactory.create_batch(MAX_INVITATIONS_PER_PAGE - 3, page=page)
    batches = [FRIENDS[:3], MORE_FRIENDS]
    refused = []

    def send(i):
        try:
            invite(page, owner, batches[i])
        except InvitationRefused as refusal:
            refused.append(str(refusal))

    run_at_once(send, 2)

    assert Invitation.objects.filter(page=page).count() == MAX_INVITATIONS_PER_PAGE
    assert len(refused) == 1 and "so you can invite 0 more" in refused[0]
    assert invitation_emails().count() == 3


@pytest.mark.django_db(transaction=True)
def test_two_tabs_inviting_the_same_friend_at_once_invite_them_once(campaign, owner):
    require_postgresql()  # row locks and threads that share the committed database
    page = FundraiserPageFactory(parent=campaign, title="Maria's walk", supporter=owner)

    run_at_once(lambda i: invite(page, owner, FRIENDS[:1]), 2)

    assert Invitation.objects.filter(page=page).count() == 1
    assert invitation_emails().count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_reminders_clicked_at_once_send_one(campaign, owner):
    require_postgresql()  # row locks and threads that share the committed database
    page = FundraiserPageFactory(parent=campaign, title="Maria's walk", supporter=owner)
    invitation = InvitationFactory(page=page, sent_at=timezone.now() - timedelta(days=4))
    refused = []

    def click(i):
        try:
            remind(invitation, owner)
        except InvitationRefused as refusal:
            refused.append(str(refusal))

    run_at_once(click, 2)

    assert invitation_emails().count() == 1
    assert len(refused) == 1 and "nothing was sent again" in refused[0]
