import pytest

from tests.campaigns.factories import FundraisingCampaignPageFactory
from tests.site.factories import UserFactory


@pytest.fixture
def campaign(home_page):
    return FundraisingCampaignPageFactory(title="Spring into Action", slug="spring-into-action")


@pytest.fixture
def maria(db):
    """Maria Lopez, a supporter with a fundraiser page to come (maria.lopez@example.org)."""
    return UserFactory(email="maria.lopez@example.org", first_name="Maria", last_name="Lopez")
