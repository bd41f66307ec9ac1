"""A team page takes gifts itself, through the same donate path as a fundraiser page: a gift to
the team counts on the team and its campaign, once each, and its thank-you page names the team
and its captain and opens "Start your own fundraiser" with the team chosen."""

from datetime import timedelta

import pytest
from django.urls import reverse

from donations.models import Donation, DonationTotal, gift_levels
from donations.services import fulfil_checkout_session
from northstar.days import organisation_today
from tests.campaigns.factories import FundraiserPageFactory, TeamPageFactory
from tests.donations.factories import DonationFactory, donate_form
from tests.site.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_stripe(settings):
    settings.STRIPE_SECRET_KEY = ""


@pytest.fixture
def captain(db):
    return UserFactory(email="jordan.ellis@example.org", first_name="Jordan", last_name="Ellis")


@pytest.fixture
def team(campaign, captain):
    return TeamPageFactory(
        parent=campaign, title="Grace Church", slug="grace-church", captain=captain
    )


@pytest.fixture
def member(campaign, team):
    return FundraiserPageFactory(parent=campaign, title="Maria's walk", team=team)


def give_url(page):
    return reverse("donations:give", args=[page.pk])


def pay(donation):
    fulfil_checkout_session(
        donation.checkout_session_id, f"pi_{donation.pk}", donation.amount_cents, "usd"
    )
    donation.refresh_from_db()
    return donation


def total(page):
    return DonationTotal.objects.total(page=page.pk)


def test_the_team_page_shows_a_donate_form_that_gives_to_the_team(client, team):
    html = client.get(team.url).content.decode()

    assert f'action="{give_url(team)}"' in html
    assert 'id="give"' in html
    assert 'href="#give"' in html  # the progress card's Give button leads to it


def test_the_team_pages_form_offers_no_only_the_owner_choice(client, team):
    html = client.get(team.url).content.decode()

    assert 'value="public"' in html
    assert 'value="anonymous"' in html
    assert 'value="owner"' not in html  # the captain is not told of gifts to the team


def test_a_gift_posted_on_the_team_page_starts_a_gift_to_the_team(client, team, no_stripe):
    response = client.post(give_url(team), donate_form(amount="50"))

    donation = Donation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/donations/test-checkout/{donation.checkout_token}/"
    assert (donation.page_id, donation.amount_cents, donation.currency) == (team.pk, 5000, "usd")


def test_a_mistaken_amount_on_the_team_page_shows_the_team_page_again_with_the_error(
    client, team, no_stripe
):
    response = client.post(give_url(team), donate_form(amount="other", other_amount="ten"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Grace Church" in html and "There is a problem" in html
    assert "no-store" in response["Cache-Control"]  # never keep what the donor typed
    assert not Donation.objects.exists()


def test_a_paid_gift_to_the_team_counts_on_the_team_and_its_campaign_once_each(
    team, member, campaign
):
    pay(DonationFactory(page=team, amount_cents=5000))

    assert total(team) == (5000, 1)
    assert total(campaign) == (5000, 1)
    assert total(member) == (0, 0)
    assert gift_levels(team) == [team.pk, campaign.pk]


def test_the_teams_total_counts_its_own_gifts_and_its_members(team, member, campaign):
    pay(DonationFactory(page=team, amount_cents=5000))
    pay(DonationFactory(page=member, amount_cents=2000))

    assert total(team) == (7000, 2)
    assert total(campaign) == (7000, 2)
    assert DonationTotal.objects.rebuild(page__in=[team.pk, campaign.pk]) == {}  # no drift


def test_the_team_page_shows_its_total_with_its_own_gifts(client, team, member):
    pay(DonationFactory(page=team, amount_cents=5000))
    pay(DonationFactory(page=member, amount_cents=2000))

    html = client.get(team.url).content.decode()

    assert '<span data-raised>$70</span> <span class="count__label">raised of $2,500</span>' in (
        html
    )


def test_the_thank_you_for_a_team_gift_names_the_team_and_its_captain(client, team, campaign):
    donation = pay(DonationFactory(page=team, amount_cents=5000, first_name="Sam"))

    html = client.get(reverse("donations:thank-you", args=[donation.checkout_token])).content
    html = html.decode()

    assert "Thank you — your gift of $50 to Grace Church is confirmed" in html
    assert (
        "Your gift to <bdi>Grace Church</bdi>, the team <bdi>Jordan E.</bdi> captains, counts "
        "toward the team's goal and toward Spring into Action."
    ) in html
    assert "Share the team: your friends can give too" in html
    assert "I+just+gave+to+Grace+Church" in html  # the donor's voice
    start = reverse("campaigns:start-fundraiser", args=[campaign.pk])
    assert f'href="{start}?team={team.pk}"' in html


def test_a_team_of_a_campaign_that_ended_takes_no_gift(client, campaign, team, no_stripe):
    campaign.deadline = organisation_today() - timedelta(days=1)
    campaign.save_revision().publish()

    html = client.get(team.url).content.decode()
    response = client.post(give_url(team), donate_form(amount="50"))

    assert f'action="{give_url(team)}"' not in html
    assert "Gifts are no longer being taken for this campaign." in html
    assert response.status_code == 302 and response["Location"] == team.url
    assert not Donation.objects.exists()


def test_the_team_pages_form_promises_no_owner_reads_the_message(client, team):
    html = client.get(team.url).content.decode()

    assert "Shown on the page only with your name, if you choose to show it publicly." in html
    assert "owner always reads it" not in html
