"""The fundraiser page names its team, as a link to the team's page while that page is live."""

import pytest

from tests.campaigns.factories import FundraiserPageFactory, TeamPageFactory

pytestmark = pytest.mark.django_db


def test_a_members_page_links_its_team_name_to_the_live_team_page(client, campaign):
    team = TeamPageFactory(parent=campaign, title="Grace Church", slug="grace-church")
    fundraiser = FundraiserPageFactory(parent=campaign, team=team)

    html = client.get(fundraiser.url).content.decode()

    assert f'A member of the team <a href="{team.url}"><bdi>Grace Church</bdi></a>.' in html


def test_a_members_page_names_a_team_that_is_not_live_without_a_link(client, campaign):
    team = TeamPageFactory(parent=campaign, title="Grace Church", slug="grace-church")
    fundraiser = FundraiserPageFactory(parent=campaign, team=team)
    team_url = team.url
    team.unpublish()

    html = client.get(fundraiser.url).content.decode()

    assert "A member of the team <bdi>Grace Church</bdi>." in html
    assert f'href="{team_url}"' not in html
