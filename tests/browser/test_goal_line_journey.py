"""In Chromium: staff change the demo campaign's goal to $12,000 and its deadline fifteen days
later in the Wagtail editor and publish; then, at a phone's and a desktop's size, every sentence
that repeats them (the home page's card, the campaign's hero, a supporter's page) says the new
figures, because each is composed from the fields (`FundraisingCampaignPage.goal_line`)."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from campaigns.models import FundraiserPage, FundraisingCampaignPage, day_as_read
from northstar.demo import DEMO_STAFF_EMAIL, DEMO_STAFF_PASSWORD
from tests.browser.screenshots import DESKTOP, MOBILE, SCREENSHOT_DIR
from tests.support.demo import load_demo_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"mobile": MOBILE, "desktop": DESKTOP}
JORDANS_PAGE = "Jordan's spring 10K for survivors"


@pytest.fixture
def demo(db, settings):
    settings.STRIPE_SECRET_KEY = ""
    load_demo_data()


def publish_new_goal(staff, live_server, campaign, goal, deadline):
    """Staff log in to Wagtail, type the goal and deadline in the campaign's editor, publish."""
    staff.goto(f"{live_server.url}/admin/")
    staff.get_by_label("Email").fill(DEMO_STAFF_EMAIL)
    staff.get_by_label("Password").fill(DEMO_STAFF_PASSWORD)
    staff.get_by_role("button", name="Log in").click()
    staff.wait_for_url(f"{live_server.url}/admin/")
    staff.goto(f"{live_server.url}/admin/pages/{campaign.pk}/edit/")
    staff.locator("#id_goal_cents").fill(goal)
    staff.locator("#id_deadline").fill(deadline.isoformat())
    staff.keyboard.press("Escape")  # close the date picker
    staff.get_by_role("button", name="More actions").click()
    staff.get_by_role("button", name="Publish", exact=True).click()
    expect(staff.locator(".messages")).to_contain_text("has been published")


def test_changing_the_goal_and_deadline_changes_every_sentence_that_repeats_them(
    browser, live_server, demo
):
    campaign = FundraisingCampaignPage.objects.get()
    fundraiser = FundraiserPage.objects.get(title=JORDANS_PAGE)
    new_deadline = campaign.deadline + timedelta(days=15)
    staff = browser.new_context(viewport=DESKTOP).new_page()
    staff.set_default_timeout(15_000)

    publish_new_goal(staff, live_server, campaign, "12,000", new_deadline)

    campaign.refresh_from_db()
    assert (campaign.goal_cents, campaign.deadline) == (1_200_000, new_deadline)
    sentence = f"Raise $12,000 by {day_as_read(new_deadline)}"
    staff.wait_for_timeout(1100)  # past the one-second anonymous page cache
    for size, viewport in SIZES.items():
        context = browser.new_context(viewport=viewport, is_mobile=size == "mobile")
        visitor = context.new_page()
        for name, url in (
            ("home", "/"),
            ("campaign", campaign.url),
            ("fundraiser", fundraiser.url),
        ):
            visitor.goto(f"{live_server.url}{url}")
            line = visitor.locator(".goal-line")
            expect(line).to_have_text(sentence)
            expect(visitor.locator("body")).not_to_contain_text("Raise $10,000")
            line.scroll_into_view_if_needed()
            visitor.screenshot(path=SCREENSHOT_DIR / f"goal-line-{name}-{size}.png")
        context.close()
