"""In Chromium, at a phone's and a desktop's size: a donor gives on a team page itself (the
demo's Grace Church), through the test checkout, and the gift moves the team's and the
campaign's thermometers by its amount; the thank-you page names the team and its captain and
opens "Start your own fundraiser" with the team chosen. axe finds no violation on the team
page, its donate form sent back with a mistake, or the thank-you page."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from campaigns.models import FundraisingCampaignPage, TeamPage
from donations.models import Donation
from donations.money import amount_cents
from tests.browser.accessibility import axe_violations, describe
from tests.browser.screenshots import DESKTOP, MOBILE, SCREENSHOT_DIR
from tests.support.demo import load_demo_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"mobile": MOBILE, "desktop": DESKTOP}
TEAM = "Grace Church"


@pytest.fixture
def demo(db, settings):
    settings.STRIPE_SECRET_KEY = ""  # the local test checkout
    load_demo_data()


def raised(tab, url):
    """The amount a page's thermometer shows raised, in cents ("$1,095" is 109500), read
    afresh (past the one-second anonymous page cache)."""
    tab.wait_for_timeout(1100)
    tab.goto(url)
    return amount_cents(tab.locator("[data-raised]").first.inner_text())


def assert_no_violation(tab, name):
    tab.wait_for_load_state()
    found = axe_violations(tab)
    assert not found, f"{name}:\n{describe(found)}"


@pytest.mark.parametrize("size", SIZES)
def test_a_team_page_takes_a_gift_that_moves_the_team_and_campaign_thermometers(
    browser, live_server, demo, size
):
    context = browser.new_context(viewport=SIZES[size], is_mobile=size == "mobile")
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    team = TeamPage.objects.get(title=TEAM)
    campaign = FundraisingCampaignPage.objects.get()
    team_url, campaign_url = f"{live_server.url}{team.url}", f"{live_server.url}{campaign.url}"
    campaign_before = raised(tab, campaign_url)
    team_before = raised(tab, team_url)
    assert_no_violation(tab, "team page")

    card = tab.locator("[data-team-progress]")
    card.get_by_role("link", name="Give", exact=True).click()
    panel = tab.get_by_role("complementary", name=f"Give to {TEAM}")
    expect(panel.get_by_role("heading", name=f"Give to {TEAM}")).to_be_in_viewport()
    expect(panel.get_by_text("Show my name only to the page's owner")).to_have_count(0)
    panel.get_by_text("Other amount", exact=True).click()
    panel.get_by_label("Your amount (US dollars)").fill("ten")
    panel.get_by_label("First name", exact=True).fill("Ruth")
    panel.get_by_label("Last name", exact=True).fill("Okafor")
    panel.get_by_label("Email", exact=True).fill(f"ruth.okafor.{size}@example.org")
    panel.get_by_label("Show my name publicly").check()
    panel.get_by_role("button", name="Continue to payment").click()
    expect(tab.get_by_role("alert").filter(has_text="There is a problem")).to_be_focused()
    assert_no_violation(tab, "team donate form with an error")

    panel.get_by_label("Your amount (US dollars)").fill("40")
    panel.get_by_role("button", name="Continue to payment").click()
    expect(tab.get_by_role("heading", level=1)).to_have_text("Complete your gift of $40")
    tab.get_by_role("button", name="Complete test payment").click()

    expect(tab.get_by_role("heading", level=1)).to_have_text(
        f"Thank you — your gift of $40 to {TEAM} is confirmed"
    )
    donation = Donation.objects.get(email=f"ruth.okafor.{size}@example.org")
    assert (donation.page_id, donation.status) == (team.pk, Donation.Status.PAID)
    captain = team.captain_public_name
    expect(tab.get_by_text(f"Your gift to {TEAM}, the team {captain} captains")).to_be_visible()
    share = tab.get_by_role("region", name="Share the team: your friends can give too")
    expect(share.get_by_role("button", name="Copy link")).to_be_visible()
    start = tab.get_by_role("link", name="Start your own fundraiser")
    start_url = reverse("campaigns:start-fundraiser", args=[campaign.pk])
    expect(start).to_have_attribute("href", f"{start_url}?team={team.pk}")
    tab.screenshot(
        path=SCREENSHOT_DIR / f"team-gift-thank-you-{size}.png",
        full_page=True,
        animations="disabled",
    )
    assert_no_violation(tab, "thank-you for a team gift")

    assert raised(tab, team_url) == team_before + 4000
    expect(tab.get_by_role("complementary", name=f"Give to {TEAM}")).to_contain_text("Ruth O.")
    tab.screenshot(
        path=SCREENSHOT_DIR / f"team-gift-page-{size}.png", full_page=True, animations="disabled"
    )
    assert raised(tab, campaign_url) == campaign_before + 4000
    context.close()
