"""The demo data's Spring into Action campaign: loaded once, with a few paid gifts."""

from datetime import date

import pytest
from django.core.management import call_command

from campaigns.demo import next_april_15
from campaigns.models import FundraisingCampaignPage, live_campaign
from donations.models import Donation


@pytest.mark.django_db
def test_loading_demo_data_twice_makes_one_campaign_with_its_gifts_once():
    call_command("load_demo_data")
    call_command("load_demo_data")

    campaign = FundraisingCampaignPage.objects.get()
    assert campaign.title == "Spring into Action"
    assert campaign.goal_cents == 1_000_000
    assert (campaign.deadline.month, campaign.deadline.day) == (4, 15)
    assert campaign.totals() == (345000, 15)
    assert Donation.objects.filter(status=Donation.Status.PAID).count() == 15
    assert live_campaign() == campaign


def test_the_deadline_is_the_next_april_15_to_come():
    assert next_april_15(date(2026, 11, 23)) == date(2027, 4, 15)
    assert next_april_15(date(2027, 4, 15)) == date(2027, 4, 15)
    assert next_april_15(date(2027, 4, 16)) == date(2028, 4, 15)
    assert next_april_15(date(2027, 1, 2)) == date(2027, 4, 15)
