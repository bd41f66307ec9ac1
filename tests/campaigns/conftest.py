import pytest

from tests.campaigns.factories import FundraisingCampaignPageFactory


@pytest.fixture
def campaign(home_page):
    return FundraisingCampaignPageFactory(title="Spring into Action", slug="spring-into-action")
