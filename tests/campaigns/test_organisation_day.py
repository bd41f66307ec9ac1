"""A campaign's days are the organisation's (TIME_ZONE, New York in the suite), whatever
zone is active: Wagtail activates a staff member's profile zone in the admin."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.utils import timezone

from tests.campaigns.factories import FundraisingCampaignPageFactory

pytestmark = pytest.mark.django_db

# 00:30 on April 15 in New York, still 21:30 on April 14 in Los Angeles.
JUST_AFTER_MIDNIGHT_IN_NEW_YORK = datetime(2027, 4, 15, 4, 30, tzinfo=UTC)


def test_a_deadline_past_in_new_york_is_past_for_a_staff_member_in_los_angeles(home_page):
    campaign = FundraisingCampaignPageFactory(deadline=date(2027, 4, 14))

    with (
        time_machine.travel(JUST_AFTER_MIDNIGHT_IN_NEW_YORK, tick=False),
        timezone.override("America/Los_Angeles"),
    ):
        assert campaign.deadline_line() == "This campaign has ended"
        assert not campaign.accepts_donations
        assert campaign.goal_line().startswith("The goal was")
