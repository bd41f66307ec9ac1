"""A fundraiser page's owner has a name: asked at sign-up, or on the start form when an
account has none; invitations, owner emails and "find a fundraiser" use it."""

import pytest
from django.urls import reverse

from campaigns.invitations import invite
from campaigns.models import FundraiserPage
from campaigns.notifications import page_context
from campaigns.search import find_fundraisers
from campaigns.takedown import take_down
from northstar.emails import outbound_message, render_email
from northstar.models import OutboundEmail, User
from tests.campaigns.factories import FundraiserPageFactory
from tests.site.factories import StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a long and unusual passphrase"
OWNER_EMAILS = [
    "campaigns/gifts_received",
    "campaigns/milestone",
    "campaigns/moderation_approved",
    "campaigns/moderation_changes_requested",
    "campaigns/page_taken_down",
]


def sign_up(client, email, first_name, last_name):
    """A new account through allauth's sign-up form, then signed in (as after confirming)."""
    client.post(
        "/accounts/signup/",
        {
            "first_name": first_name,
            "last_name": last_name,
            "email": email,
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    user = User.objects.get(email=email)
    client.force_login(user)
    return user


def start_url(campaign):
    return reverse("campaigns:start-fundraiser", args=[campaign.pk])


def page_form(**overrides):
    return {"title": "A walk for survivors", "goal_cents": "500", "story": "I walk.", **overrides}


def nameless(client):
    user = UserFactory(email="old.account@example.org", first_name="", last_name="")
    client.force_login(user)
    return user


def test_the_start_form_asks_a_supporter_without_a_name_for_it(client, campaign):
    nameless(client)

    html = client.get(start_url(campaign)).content.decode()

    assert (
        html.index('name="first_name"')
        < html.index('name="last_name"')
        < html.index('name="title"')
    )


def test_the_start_form_does_not_ask_a_supporter_who_has_a_name(client, campaign):
    client.force_login(UserFactory(first_name="Maria", last_name="López"))

    html = client.get(start_url(campaign)).content.decode()

    assert 'name="first_name"' not in html
    assert 'name="last_name"' not in html


def test_the_start_form_stores_the_name_it_asked_for_on_the_supporter(client, campaign):
    user = nameless(client)

    client.post(start_url(campaign), page_form(first_name="Zoë", last_name="देवनागरी"))

    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("Zoë", "देवनागरी")
    assert FundraiserPage.objects.get().supporter == user


def test_the_start_form_without_the_asked_name_opens_no_page_and_says_why(client, campaign):
    user = nameless(client)

    response = client.post(start_url(campaign), page_form(first_name="Zoë", last_name=""))

    assert response.status_code == 200
    assert "Please enter your last name." in response.content.decode()
    assert not FundraiserPage.objects.exists()
    user.refresh_from_db()
    assert user.first_name == ""


def test_a_page_is_found_by_the_name_its_owner_gave_at_sign_up(client, campaign):
    sign_up(client, "zoe@example.org", "Zoë", "Ñúñez")
    client.post(start_url(campaign), page_form())

    assert [page.title for page in find_fundraisers(campaign, "zoe nunez")] == [
        "A walk for survivors"
    ]


def test_a_page_is_found_by_the_name_given_on_the_start_form(client, campaign):
    nameless(client)
    client.post(start_url(campaign), page_form(first_name="José", last_name="Álvarez"))

    assert [page.title for page in find_fundraisers(campaign, "alvarez")] == [
        "A walk for survivors"
    ]


def test_an_invitation_names_the_owner_who_signed_up(client, campaign):
    owner = sign_up(client, "leila@example.org", "Leila", "Haddad")
    client.post(start_url(campaign), page_form())
    page = FundraiserPage.objects.get()

    invite(page, owner, [("Ana Ruiz", "ana@example.net")])

    message = outbound_message(OutboundEmail.objects.get(template="campaigns/invitation"))
    assert "Leila is raising money for Spring into Action" in message.text
    assert "Give on Leila's page:" in message.text
    assert "A friend of yours" not in message.text


def test_an_owner_without_a_name_is_greeted_hello_when_their_page_is_taken_down(campaign):
    page = FundraiserPageFactory(parent=campaign, supporter=UserFactory(first_name=""))

    take_down(page, StaffUserFactory(is_superuser=True), "The story asks for a bank transfer.")

    message = outbound_message(OutboundEmail.objects.get(template="campaigns/page_taken_down"))
    assert message.text.startswith("Hello,\n")
    assert "<p>Hello,</p>" in message.html


@pytest.mark.parametrize("template", OWNER_EMAILS)
def test_every_owner_email_greets_an_owner_without_a_name_hello(campaign, template):
    page = FundraiserPageFactory(parent=campaign, supporter=UserFactory(first_name=""))

    _subject, text, html = render_email(template, page_context(page))

    assert text.startswith("Hello,")
    assert "<p>Hello,</p>" in html
    assert "Hi ," not in text + html


@pytest.mark.parametrize("template", OWNER_EMAILS)
def test_every_owner_email_greets_an_owner_by_first_name(campaign, template):
    page = FundraiserPageFactory(parent=campaign, supporter=UserFactory(first_name="Zoë"))

    _subject, text, html = render_email(template, page_context(page))

    assert text.startswith("Hi Zoë,")
    assert "<p>Hi Zoë,</p>" in html
