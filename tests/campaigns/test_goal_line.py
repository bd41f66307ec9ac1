"""The campaign's goal and deadline in words ("Raise $10,000 by April 15"): composed from its
fields wherever they are shown, so staff type them once."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from northstar.memo import clear_all
from tests.campaigns.factories import peer_to_peer_admin_fields
from tests.site.factories import StaffUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def early_march():
    """March 1, 2026, noon in the organisation's time zone: April 15 is this year's."""
    moment = datetime(2026, 3, 1, 12, tzinfo=ZoneInfo(settings.TIME_ZONE))
    with time_machine.travel(moment, tick=False):
        yield


@pytest.fixture
def campaign(campaign):
    """Spring into Action: $10,000 by April 15, 2026."""
    campaign.goal_cents = 1_000_000
    campaign.deadline = date(2026, 4, 15)
    campaign.save_revision().publish()
    return campaign


def pages(campaign, fundraiser):
    """The pages that show the campaign's goal: the home page's card, the campaign's hero and
    a supporter's page in it."""
    return {"home": "/", "campaign": campaign.url, "fundraiser": fundraiser.url}


def publish_goal(campaign, goal, deadline):
    """Staff change the goal and deadline in the admin and publish: a new revision."""
    client = Client()
    client.force_login(StaffUserFactory())
    data = nested_form_data(
        {
            "title": campaign.title,
            "slug": campaign.slug,
            "intro": campaign.intro,
            "body": streamfield([]),
            "goal_cents": goal,
            "currency": campaign.currency,
            "deadline": deadline,
            "ask_text": campaign.ask_text,
            "comments": inline_formset([]),
            **peer_to_peer_admin_fields(),
        }
    )
    data["action-publish"] = "action-publish"
    response = client.post(f"/admin/pages/{campaign.pk}/edit/", data)
    assert response.status_code == 302


def test_the_goal_line_reads_the_goal_and_deadline(campaign):
    assert campaign.goal_line() == "Raise $10,000 by April 15"


def test_the_goal_line_of_an_ended_campaign_says_what_the_goal_was(campaign):
    with time_machine.travel(datetime(2026, 4, 16, 12, tzinfo=ZoneInfo(settings.TIME_ZONE))):
        assert campaign.goal_line() == "The goal was $10,000 by April 15"


def test_a_deadline_in_another_year_reads_with_its_year(campaign):
    campaign.deadline = date(2027, 1, 31)
    assert campaign.goal_line() == "Raise $10,000 by January 31, 2027"


def test_the_home_card_the_campaign_and_a_fundraiser_page_show_the_goal_line(
    client, campaign, fundraiser
):
    for name, url in pages(campaign, fundraiser).items():
        html = client.get(url).content.decode()
        assert "Raise $10,000 by April 15" in html, name


def test_changing_the_goal_and_deadline_changes_every_sentence(client, campaign, fundraiser):
    publish_goal(campaign, "12,000", "2026-04-30")
    clear_all()  # the page cache's second (PAGE_CACHE_SECONDS): readers see it after that

    for name, url in pages(campaign, fundraiser).items():
        html = client.get(url).content.decode()
        assert "Raise $12,000 by April 30" in html, name
        assert "$10,000" not in html, name
        assert "April 15" not in html, name
