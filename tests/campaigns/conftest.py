import pytest

from tests.campaigns.factories import ApprovalWorkflowFactory

# campaign, fundraiser, maria, owner and signed_in: the suite's kit (tests/support/kit.py).


@pytest.fixture
def approval_needed(campaign):
    """The campaign's new pages and edits wait for staff approval."""
    campaign.approval_workflow = ApprovalWorkflowFactory()
    campaign.save()
    return campaign.approval_workflow
