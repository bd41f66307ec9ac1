"""Share text by voice: a fundraiser's and a team's public pages speak as their visitor, the
owner's dashboard as the owner, the thank-you page as the donor; each offers Copy link; the
thank-you page names the page, its owner and whether the owner sees the donor's name."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from donations.services import fulfil_checkout_session
from tests.campaigns.factories import FundraiserPageFactory, TeamPageFactory
from tests.donations.factories import DonationFactory
from tests.site.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def jordan(db):
    return UserFactory(email="jordan.ellis@example.org", first_name="Jordan", last_name="Ellis")


@pytest.fixture
def fundraiser(campaign, jordan):
    return FundraiserPageFactory(
        parent=campaign,
        title="Jordan's spring 10K for survivors",
        slug="jordans-10k",
        supporter=jordan,
        goal_cents=50_000,
    )


def paid_gift(page, **fields):
    donation = DonationFactory(page=page, amount_cents=5000, first_name="Sam", **fields)
    fulfil_checkout_session(donation.checkout_session_id, f"pi_{donation.pk}", 5000, "usd")
    donation.refresh_from_db()
    return donation


def shared_text(links, label):
    """The text a share link carries: WhatsApp's `text` (with the address) or X's `text`."""
    href = dict(links)[label]
    return parse_qs(urlsplit(href).query)["text"][0]


def test_the_fundraiser_page_shares_in_the_visitors_voice_with_the_owners_name_and_goal(
    fundraiser,
):
    assert fundraiser.visitor_share_text() == "Help Jordan raise $500 for Spring into Action"


def test_a_page_whose_owner_gave_no_first_name_is_shared_by_its_title(fundraiser, jordan):
    jordan.first_name = ""
    jordan.save()

    assert fundraiser.visitor_share_text() == (
        "Help raise $500 for Spring into Action: Jordan's spring 10K for survivors"
    )


def test_the_owners_share_text_speaks_as_the_owner(fundraiser):
    assert fundraiser.owner_share_text() == (
        "Help me raise $500 for Spring into Action: Jordan's spring 10K for survivors"
    )


def test_the_donors_share_text_says_they_just_gave(fundraiser, campaign):
    assert fundraiser.donor_share_text() == "I just gave to Jordan's spring 10K for survivors"
    assert campaign.donor_share_text() == "I just gave to Spring into Action"


def test_the_team_page_shares_in_the_visitors_voice_with_the_teams_goal(campaign):
    team = TeamPageFactory(parent=campaign, title="Grace Church", goal_cents=200_000)

    assert team.visitor_share_text() == "Help Grace Church raise $2,000 for Spring into Action"


def test_the_public_fundraiser_page_never_says_help_me(client, fundraiser):
    html = client.get(fundraiser.url).content.decode()

    assert "Help me" not in html
    assert "Help%20me" not in html and "Help+me" not in html
    assert "text=Help+Jordan+raise+%24500+for+Spring+into+Action" in html  # X and WhatsApp


def test_the_fundraiser_page_offers_whatsapp_x_email_facebook_and_copy_link(client, fundraiser):
    html = client.get(fundraiser.url).content.decode()

    for start in ("https://wa.me/?", "https://x.com/intent/post?", "mailto:?", "facebook.com"):
        assert start in html
    assert 'id="share-url" value="http://testserver/spring-into-action/jordans-10k/"' in html
    assert 'data-copy="#share-url"' in html
    assert "campaigns/js/copy-link" in html


def test_the_team_page_offers_share_links_and_copy_link(client, campaign):
    team = TeamPageFactory(parent=campaign, title="Grace Church", slug="grace-church")

    html = client.get(team.url).content.decode()

    assert "text=Help+Grace+Church+raise+%242%2C500+for+Spring+into+Action" in html
    assert 'id="share-url" value="http://testserver/spring-into-action/grace-church/"' in html
    assert 'data-copy="#share-url"' in html


def test_the_fundraiser_page_puts_the_owners_progress_and_a_give_button_before_the_story(
    client, fundraiser
):
    paid_gift(fundraiser)

    html = client.get(fundraiser.url).content.decode()

    hero = html[html.index('class="hero') : html.index('class="campaign-story"')]
    assert "<strong>$50</strong> raised of $500" in hero
    assert "Jordan E.</bdi> is raising money" in hero
    assert 'href="#give"' in hero
    assert 'id="give"' in html
    assert hero.index("raised of $500") < hero.index("Part of Spring into Action")


def test_the_thank_you_page_for_a_fundraiser_gift_names_the_page_its_owner_and_shares_as_donor(
    client, fundraiser
):
    donation = paid_gift(fundraiser, name_shown="public")

    response = client.get(reverse("donations:thank-you", args=[donation.checkout_token]))

    html = response.content.decode()
    assert (
        "Your gift to <bdi>Jordan&#x27;s spring 10K for survivors</bdi>, "
        "<bdi>Jordan E.</bdi>'s page, also counts toward Spring into Action." in html
    )
    assert "<bdi>Jordan E.</bdi> will see your name with your gift." in html
    links = response.context["share_links"]
    assert shared_text(links, "WhatsApp") == (
        "I just gave to Jordan's spring 10K for survivors "
        "http://testserver/spring-into-action/jordans-10k/"
    )
    assert shared_text(links, "X") == "I just gave to Jordan's spring 10K for survivors"
    assert 'data-copy="#share-url"' in html
    start = reverse("campaigns:start-fundraiser", args=[fundraiser.campaign.pk])
    assert f'href="{start}">Start your own fundraiser' in html


def test_the_thank_you_page_tells_an_anonymous_donor_the_owner_will_not_see_their_name(
    client, fundraiser
):
    donation = paid_gift(fundraiser, name_shown="anonymous")

    html = client.get(reverse("donations:thank-you", args=[donation.checkout_token])).content

    assert b"<bdi>Jordan E.</bdi> will not see your name: your gift shows as Anonymous." in html


def test_the_thank_you_page_tells_a_donor_named_only_to_the_owner_the_owner_will_see_it(
    client, fundraiser
):
    donation = paid_gift(fundraiser, name_shown="owner")

    html = client.get(reverse("donations:thank-you", args=[donation.checkout_token])).content

    assert b"<bdi>Jordan E.</bdi> will see your name with your gift." in html


def test_the_thank_you_page_for_a_campaign_gift_shares_the_campaign_as_the_donor(client, campaign):
    donation = paid_gift(campaign)

    response = client.get(reverse("donations:thank-you", args=[donation.checkout_token]))

    html = response.content.decode()
    assert shared_text(response.context["share_links"], "X") == "I just gave to Spring into Action"
    assert "Your gift to" not in html and "will see your name" not in html
    assert 'value="http://testserver/spring-into-action/"' in html
    assert "Start your own fundraiser" in html


def test_a_pending_gifts_thank_you_page_shares_nothing_yet(client, fundraiser):
    donation = DonationFactory(page=fundraiser)

    html = client.get(reverse("donations:thank-you", args=[donation.checkout_token])).content

    assert b"I+just+gave" not in html
    assert b'data-copy="#share-url"' not in html


def test_the_owners_dashboard_shares_their_page_in_their_own_voice(client, fundraiser, jordan):
    client.force_login(jordan)

    html = client.get(reverse("dashboard:home")).content.decode()

    assert "text=Help+me+raise+%24500+for+Spring+into+Action" in html
    assert "Help+Jordan+raise" not in html
