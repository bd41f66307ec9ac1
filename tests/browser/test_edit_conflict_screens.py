"""In Chromium: Maria edits her page in two tabs. The first saves goal $750; the second,
still at $500, saves a new story: it is shown again with what she typed, the page as it is
now, and "This page was changed since you opened it"; saving it again is her choice."""

import re

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from campaigns.models import FundraiserPage
from tests.browser.screenshots import save_screenshots
from tests.campaigns.factories import FundraiserPageFactory, FundraisingCampaignPageFactory
from tests.site.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


@pytest.fixture
def fundraiser(home_page):
    campaign = FundraisingCampaignPageFactory(title="Spring into Action", slug="spring-into-action")
    maria = UserFactory(email="maria.lopez@example.org", first_name="Maria", last_name="Lopez")
    EmailAddress.objects.create(user=maria, email=maria.email, verified=True, primary=True)
    return FundraiserPageFactory(
        parent=campaign, supporter=maria, title="Maria's spring walk", goal_cents=50_000
    )


def test_a_second_tab_saving_over_a_newer_goal_is_shown_again_with_the_page_now(
    page, live_server, fundraiser
):
    edit = f"{live_server.url}/dashboard/pages/{fundraiser.pk}/edit/"
    page.goto(edit)
    page.get_by_label("Email").fill("maria.lopez@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    laptop = page.context.new_page()  # the same session, as a second tab
    laptop.goto(edit)

    page.get_by_label(re.compile("Your goal")).fill("750")
    page.get_by_role("button", name="Save my changes").click()
    expect(page.get_by_text("Your changes are live.")).to_be_visible()
    laptop.get_by_label("Your story").fill("I walk every Sunday now.\n\nCome with me.")
    laptop.get_by_role("button", name="Save my changes").click()

    expect(laptop.get_by_role("alert")).to_contain_text("This page was changed since you opened it")
    expect(laptop.get_by_role("heading", name="Your page now")).to_be_visible()
    expect(laptop.get_by_label(re.compile("Your goal"))).to_have_value("500.00")
    expect(laptop.get_by_label("Your story")).to_have_value(
        "I walk every Sunday now.\n\nCome with me."
    )
    assert FundraiserPage.objects.get(pk=fundraiser.pk).goal_cents == 75_000
    save_screenshots(laptop, "dashboard-edit-conflict")

    laptop.get_by_label(re.compile("Your goal")).fill("750")
    laptop.get_by_role("button", name="Save my changes").click()

    expect(laptop.get_by_text("Your changes are live.")).to_be_visible()
    saved = FundraiserPage.objects.get(pk=fundraiser.pk)
    assert (saved.goal_cents, saved.story) == (75_000, "I walk every Sunday now.\n\nCome with me.")
