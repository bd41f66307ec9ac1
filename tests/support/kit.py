"""The suite's shared kit: the people, pages and settings most tests start from.

Registered for every test by tests/conftest.py (`pytest_plugins`). A module that needs a
variant defines a fixture of the same name beside its tests, which wins there; a module
that signs in someone other than Maria overrides `owner`.

- `maria`, `owner`: Maria Lopez (maria.lopez@example.org), a supporter; `owner` is the
  owner of the page under test, Maria unless a module says otherwise;
- `signed_in`: the test client, logged in as `owner`;
- `staff`, `staff_client`: Robin Okafor (admin@northstar.test), a superuser, and the test
  client logged in as them;
- `texas_ag`, `petition`: the Attorney General of Texas, and a live petition under the home
  page whose Texan signers are routed to them;
- `campaign`, `fundraiser`: "Spring into Action" under the home page ($10,000 goal, 30 days
  left), and Maria's live page in it, "Maria's walk" ($500 goal);
- `stripe_keys`, `no_stripe`: the settings with Stripe's test keys, or with none (the local
  test checkout).
"""

import pytest

from tests.campaigns.factories import FundraiserPageFactory, FundraisingCampaignPageFactory
from tests.petitions.factories import PetitionPageFactory, TargetFactory
from tests.site.factories import StaffUserFactory, UserFactory


@pytest.fixture
def maria(db):
    """Maria Lopez, a supporter with a fundraiser page to come (maria.lopez@example.org)."""
    return UserFactory(email="maria.lopez@example.org", first_name="Maria", last_name="Lopez")


@pytest.fixture
def owner(maria):
    """The owner of the page under test: Maria Lopez."""
    return maria


@pytest.fixture
def signed_in(client, owner):
    """The test client, logged in as the page's owner."""
    client.force_login(owner)
    return client


@pytest.fixture
def staff(db):
    """Robin Okafor (admin@northstar.test), a member of staff with every permission."""
    return StaffUserFactory(email="admin@northstar.test", first_name="Robin", last_name="Okafor")


@pytest.fixture
def staff_client(client, staff):
    """The test client, logged in as `staff`."""
    client.force_login(staff)
    return client


@pytest.fixture
def texas_ag(db):
    return TargetFactory(jurisdiction="TX", name="Ken Paxton")


@pytest.fixture
def petition(home_page, texas_ag):
    return PetitionPageFactory(title="State Attorneys General: Stop human traffickers")


@pytest.fixture
def campaign(home_page):
    return FundraisingCampaignPageFactory(title="Spring into Action", slug="spring-into-action")


@pytest.fixture
def fundraiser(campaign, owner):
    """Maria's live page in the campaign, "Maria's walk", goal $500."""
    return FundraiserPageFactory(
        parent=campaign, title="Maria's walk", slug="marias-walk", supporter=owner
    )


@pytest.fixture
def stripe_keys(settings):
    """Stripe's test keys set: gifts go to Stripe Checkout (mock its API)."""
    settings.STRIPE_SECRET_KEY = "sk_test_northstar"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_northstar"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_northstar_test"
    return settings


@pytest.fixture
def no_stripe(settings):
    """No Stripe keys: gifts go to the local test checkout."""
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_PUBLISHABLE_KEY = ""
    settings.STRIPE_WEBHOOK_SECRET = ""
    return settings
