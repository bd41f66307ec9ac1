"""Which campaign to ask for, and the gentle ask on a petition's thank-you page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.models import live_campaign
from donations.models import DonationTotal
from tests.campaigns.factories import FundraisingCampaignPageFactory
from tests.petitions.factories import PetitionPageFactory

pytestmark = pytest.mark.django_db


def in_days(days):
    return timezone.localdate() + timedelta(days=days)


def test_the_live_campaign_is_the_one_ending_soonest(home_page):
    FundraisingCampaignPageFactory(title="Later", deadline=in_days(40))
    soonest = FundraisingCampaignPageFactory(title="Sooner", deadline=in_days(3))
    assert live_campaign() == soonest


def test_campaigns_past_their_deadline_are_not_asked_for(home_page):
    FundraisingCampaignPageFactory(title="Ended yesterday", deadline=in_days(-1))
    today = FundraisingCampaignPageFactory(title="Ends today", deadline=in_days(0))
    assert live_campaign() == today


def test_unpublished_campaigns_are_not_asked_for(home_page):
    draft = FundraisingCampaignPageFactory(title="Draft", deadline=in_days(2))
    draft.unpublish()
    published = FundraisingCampaignPageFactory(title="Published", deadline=in_days(20))
    assert live_campaign() == published


def test_with_no_campaign_taking_gifts_there_is_none_to_ask_for(home_page):
    FundraisingCampaignPageFactory(deadline=in_days(-30))
    assert live_campaign() is None


@pytest.fixture
def petition_thank_you(home_page):
    petition = PetitionPageFactory(require_confirmation=False)
    return petition.url + "thank-you/"


def test_the_petition_thank_you_page_asks_to_give_to_the_live_campaign(
    client, home_page, petition_thank_you
):
    campaign = FundraisingCampaignPageFactory(
        title="Spring into Action",
        ask_text="Help survivors find safety: give to Spring into Action",
        deadline=in_days(10),
    )
    DonationTotal.objects.add(campaign.pk, amount_cents=345000, donation_count=1)

    html = client.get(petition_thank_you).content.decode()

    assert "Help survivors find safety: give to Spring into Action" in html
    assert "<strong>$3,450</strong> raised of $10,000" in html
    assert f"Ends {campaign.deadline:%B} {campaign.deadline.day}" in html
    assert f'href="{campaign.url}">Give to Spring into Action</a>' in html


def test_the_petition_thank_you_page_asks_nothing_when_no_campaign_is_live(
    client, home_page, petition_thank_you
):
    FundraisingCampaignPageFactory(deadline=in_days(-1))

    response = client.get(petition_thank_you)

    assert response.status_code == 200
    assert "Your signature has been added" in response.content.decode()
    assert "ask-to-give" not in response.content.decode()
    assert "Give to" not in response.content.decode()
