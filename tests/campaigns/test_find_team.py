"""Find a fundraiser finds the campaign's live teams by name too, folded as pages are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.search import find_teams
from tests.campaigns.factories import (
    FundraiserPageFactory,
    FundraisingCampaignPageFactory,
    TeamPageFactory,
    paid_gift,
)

pytestmark = pytest.mark.django_db


def search(client, campaign, q):
    return client.get(reverse("campaigns:find-fundraiser", args=[campaign.pk]), {"q": q})


@pytest.fixture
def grace(campaign):
    return TeamPageFactory(parent=campaign, title="Grace Church", goal_cents=200_000)


def test_grace_finds_the_grace_church_team(campaign, grace):
    assert [team.title for team in find_teams(campaign, "grace")] == ["Grace Church"]


def test_a_team_is_found_ignoring_accents_case_and_punctuation(campaign):
    TeamPageFactory(parent=campaign, title="Église Saint-Jean")

    assert [team.title for team in find_teams(campaign, "EGLISE saintjean")] == [
        "Église Saint-Jean"
    ]


def test_a_team_waiting_for_approval_is_not_found(client, campaign):
    TeamPageFactory(parent=campaign, title="Grace Church", live=False)

    html = search(client, campaign, "grace").content.decode()

    assert find_teams(campaign, "grace") == []
    assert "Grace Church" not in html
    assert "No pages match" in html


def test_only_teams_of_this_campaign_are_found(campaign, grace):
    TeamPageFactory(parent=FundraisingCampaignPageFactory(title="Winter Coats"), title="Grace 2")

    assert [team.title for team in find_teams(campaign, "grace")] == ["Grace Church"]


def test_the_results_show_a_team_marked_as_one_with_raised_of_goal_and_a_link(
    client, campaign, grace
):
    member = FundraiserPageFactory(parent=campaign, title="Walking with Grace", team=grace)
    paid_gift(member, 32000)

    html = search(client, campaign, "grace").content.decode()

    teams = html.split("1 team matching", 1)[1]
    assert "1 page matching" in html  # the member's page, found by its title
    assert '<p class="eyebrow">Team</p>' in teams
    assert f'<a href="{grace.url}"><bdi>Grace Church</bdi></a>' in teams
    assert "<strong>$320</strong> raised of $2,000" in teams


def test_the_team_search_makes_as_many_queries_at_31_teams_as_at_1(campaign, grace):
    with CaptureQueriesContext(connection) as at_1:
        find_teams(campaign, "grace")
    for n in range(30):
        TeamPageFactory(parent=campaign, title=f"Lincoln High {n}")
    with CaptureQueriesContext(connection) as at_31:
        find_teams(campaign, "grace")
    with CaptureQueriesContext(connection) as none_found:
        find_teams(campaign, "nowhere")

    assert len(at_31) == len(at_1)
    assert len(none_found) == len(at_1) - 1  # no totals read when no team matches
