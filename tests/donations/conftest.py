import pytest

from tests.campaigns.factories import FundraisingCampaignPageFactory


@pytest.fixture
def campaign(home_page):
    return FundraisingCampaignPageFactory(title="Spring into Action", slug="spring-into-action")


@pytest.fixture
def no_stripe(settings):
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_PUBLISHABLE_KEY = ""
    settings.STRIPE_WEBHOOK_SECRET = ""
    return settings


@pytest.fixture
def stripe_keys(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_northstar"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_northstar"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_northstar_test"
    return settings
