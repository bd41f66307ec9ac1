import pytest

from tests.campaigns.factories import (
    ApprovalWorkflowFactory,
    FundraiserPageFactory,
    FundraisingCampaignPageFactory,
)
from tests.site.factories import UserFactory


@pytest.fixture
def campaign(home_page):
    return FundraisingCampaignPageFactory(title="Spring into Action", slug="spring-into-action")


@pytest.fixture
def maria(db):
    """Maria Lopez, a supporter with a fundraiser page to come (maria.lopez@example.org)."""
    return UserFactory(email="maria.lopez@example.org", first_name="Maria", last_name="Lopez")


@pytest.fixture
def owner(maria):
    """The owner of the page under test: Maria Lopez."""
    return maria


@pytest.fixture
def fundraiser(campaign, owner):
    """Maria's live page in the campaign, "Maria's walk", goal $500."""
    return FundraiserPageFactory(
        parent=campaign, title="Maria's walk", slug="marias-walk", supporter=owner
    )


@pytest.fixture
def signed_in(client, owner):
    """The test client, logged in as the page's owner."""
    client.force_login(owner)
    return client


@pytest.fixture
def approval_needed(campaign):
    """The campaign's new pages and edits wait for staff approval."""
    campaign.approval_workflow = ApprovalWorkflowFactory()
    campaign.save()
    return campaign.approval_workflow
