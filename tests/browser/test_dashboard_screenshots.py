"""In Chromium: a supporter logs in and sees their dashboard (screenshots, desktop and mobile);
the "Copy" button, from a static script under the CSP, copies their page's link."""

import pytest
from allauth.account.models import EmailAddress
from django.db import transaction
from playwright.sync_api import expect
from wagtail.models import WorkflowState

from campaigns.services import open_fundraiser
from donations.models import Donation
from tests.browser.screenshots import save_screenshots
from tests.campaigns.factories import (
    ApprovalWorkflowFactory,
    FundraiserPageFactory,
    FundraisingCampaignPageFactory,
    paid_gift,
)
from tests.site.factories import StaffUserFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


@pytest.fixture
def campaign(home_page):
    return FundraisingCampaignPageFactory(title="Spring into Action", slug="spring-into-action")


@pytest.fixture
def maria(campaign):
    """Maria, with a live page that has gifts and a second page staff asked her to change."""
    maria = UserFactory(email="maria.lopez@example.org", first_name="Maria", last_name="Lopez")
    EmailAddress.objects.create(user=maria, email=maria.email, verified=True, primary=True)
    live = FundraiserPageFactory(
        parent=campaign, supporter=maria, title="Maria's spring walk", goal_cents=50_000
    )
    with transaction.atomic():  # as a real payment is marked paid
        paid_gift(
            live,
            5_000,
            first_name="Ana",
            last_name="Silva",
            name_shown=Donation.NameShown.PUBLIC,
            message="So proud of you, Maria!",
        )
        paid_gift(
            live,
            2_500,
            first_name="Sam",
            last_name="Ortiz",
            name_shown=Donation.NameShown.ANONYMOUS,
        )
        paid_gift(
            live, 10_000, first_name="Grace", last_name="Kim", name_shown=Donation.NameShown.PUBLIC
        )
    campaign.approval_workflow = ApprovalWorkflowFactory()
    campaign.save()
    second = open_fundraiser(
        campaign,
        maria,
        {"title": "Bake sale at Grace Church", "goal_cents": 30_000, "story": "Cakes."},
    )
    WorkflowState.objects.active().get(object_id=str(second.pk)).current_task_state.reject(
        user=StaffUserFactory(), comment="Please add a sentence about where the money goes."
    )
    return maria


def test_the_dashboard_shows_my_pages_and_copies_the_share_link(page, live_server, maria):
    page.goto(f"{live_server.url}/dashboard/")
    page.get_by_label("Email").fill("maria.lopez@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your fundraising")
    expect(page.get_by_text("Live", exact=True)).to_be_visible()
    expect(
        page.get_by_text("Changes requested: Please add a sentence about where the money goes.")
    ).to_be_visible()
    expect(page.get_by_text("Anonymous", exact=True)).to_be_visible()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    copy = page.locator("[data-copy]")  # its name changes to "Copied"
    expect(copy).to_have_text("Copy")
    copy.click()
    expect(copy).to_have_text("Copied")
    share_url = page.get_by_label("Your page's link, to share").input_value()
    assert share_url.endswith("/spring-into-action/marias-spring-walk/")
    assert page.evaluate("navigator.clipboard.readText()") == share_url
    save_screenshots(page, "dashboard")

    page.get_by_role("link", name="Edit your page").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Edit")
    save_screenshots(page, "dashboard-edit-page")
