"""The campaign report's raised-per-day shows a refund on the day it was made."""

from datetime import timedelta

import pytest

from campaigns.reports import raised_per_day
from donations.refunds import refund
from northstar.days import organisation_today
from tests.donations import refund_kit

pytestmark = pytest.mark.django_db

# The shared fixtures (a paid gift on a fundraiser page in a team).
gift = refund_kit.gift
page = refund_kit.page
team = refund_kit.team


def test_a_refund_comes_off_raised_per_day_on_its_own_day(gift, campaign, staff, no_stripe):
    today = organisation_today()
    gift.paid_at -= timedelta(days=3)
    gift.save(update_fields=["paid_at"])
    refund(gift, 1000, by=staff)

    days = {
        figure.day: figure.count for figure in raised_per_day(campaign, today - timedelta(5), today)
    }

    assert days[today - timedelta(3)] == 5000
    assert days[today] == -1000
