"""The fundraiser page names its team, as a link to the team's page, only while that page
is live: a team waiting for approval, or taken down by staff, is not named in public."""

import pytest

from tests.campaigns.factories import FundraiserPageFactory, TeamPageFactory

pytestmark = pytest.mark.django_db


def test_a_members_page_links_its_team_name_to_the_live_team_page(client, campaign):
    team = TeamPageFactory(parent=campaign, title="Grace Church", slug="grace-church")
    fundraiser = FundraiserPageFactory(parent=campaign, team=team)

    html = client.get(fundraiser.url).content.decode()

    assert f'A member of the team <a href="{team.url}"><bdi>Grace Church</bdi></a>.' in html


def test_a_page_does_not_name_a_team_waiting_for_approval(client, campaign):
    team = TeamPageFactory(parent=campaign, title="Not Yet Approved", live=False)
    fundraiser = FundraiserPageFactory(parent=campaign, team=team)

    html = client.get(fundraiser.url).content.decode()

    assert "Not Yet Approved" not in html
    assert "A member of the team" not in html


def test_a_page_does_not_name_a_team_staff_took_down(client, campaign):
    team = TeamPageFactory(parent=campaign, title="Grace Church", slug="grace-church")
    fundraiser = FundraiserPageFactory(parent=campaign, team=team)
    team_url = team.url
    team.unpublish()

    html = client.get(fundraiser.url).content.decode()

    assert "Grace Church" not in html
    assert f'href="{team_url}"' not in html
