"""In Chromium, at a phone's and a desktop's size: a fundraiser page's and a team page's first
screen show the owner's (or team's) progress, their name and a Give button before any
scrolling; a gift on a fundraiser page ends on a thank-you page that shares in the donor's
voice, with Copy link and "Start your own fundraiser"."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from campaigns.models import FundraiserPage, TeamPage
from donations.models import Donation
from donations.services import fulfil_checkout_session
from northstar.emails import public_url
from tests.browser.screenshots import DESKTOP, MOBILE, SCREENSHOT_DIR
from tests.donations.factories import DonationFactory
from tests.support.demo import load_demo_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JORDANS_PAGE = "Jordan's spring 10K for survivors"
SIZES = {"mobile": MOBILE, "desktop": DESKTOP}


@pytest.fixture
def demo(db, settings):
    settings.STRIPE_SECRET_KEY = ""  # the local test checkout
    load_demo_data()


def assert_on_first_screen(page, locator, viewport):
    """`locator` is shown whole within the viewport with the page scrolled to the top."""
    box = locator.bounding_box()
    assert box is not None, locator
    # A pixel's leeway: an anchor scrolls its target to a fraction of a pixel above the top.
    assert box["y"] >= -1 and box["y"] + box["height"] <= viewport["height"], (locator, box)
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], (locator, box)
    return box


@pytest.mark.parametrize("size", SIZES)
def test_the_first_screen_of_a_fundraiser_page_shows_the_owners_progress_name_and_give(
    page, live_server, demo, size
):
    viewport = SIZES[size]
    page.set_viewport_size(viewport)
    fundraiser = FundraiserPage.objects.get(title=JORDANS_PAGE)
    page.goto(f"{live_server.url}{fundraiser.url}")
    assert page.evaluate("window.scrollY") == 0

    hero = page.locator(".hero")
    panel = page.get_by_role("complementary", name=f"Give to {JORDANS_PAGE}")
    assert_on_first_screen(page, page.get_by_role("heading", level=1, name=JORDANS_PAGE), viewport)
    assert_on_first_screen(page, hero.get_by_text("Jordan E.", exact=True), viewport)
    campaign_total = hero.get_by_text("Part of Spring into Action:")
    if size == "mobile":  # the owner's progress and Give in the hero, before the story
        progress = hero.locator("[data-owner-progress]")
        expect(progress).to_have_text("$420 raised of $500")
        assert_on_first_screen(page, progress, viewport)
        give = hero.get_by_role("link", name="Give", exact=True)
        give_box = assert_on_first_screen(page, give, viewport)
        assert campaign_total.bounding_box()["y"] > give_box["y"]  # the campaign's total after
        page.screenshot(path=SCREENSHOT_DIR / "fundraiser-first-screen-mobile.png")
        give.click()
        assert_on_first_screen(
            page, panel.get_by_role("heading", name=f"Give to {JORDANS_PAGE}"), viewport
        )
    else:  # the give panel beside the story: its progress and the form, said once
        expect(hero.locator("[data-owner-progress]")).to_be_hidden()
        progress = panel.get_by_text("$420 raised of $500")
        assert_on_first_screen(page, progress, viewport)
        assert_on_first_screen(
            page, panel.get_by_role("heading", name=f"Give to {JORDANS_PAGE}"), viewport
        )
        page.screenshot(path=SCREENSHOT_DIR / "fundraiser-first-screen-desktop.png")


@pytest.mark.parametrize("size", SIZES)
def test_the_first_screen_of_a_team_page_shows_its_progress_captain_and_give(
    page, live_server, demo, size
):
    viewport = SIZES[size]
    page.set_viewport_size(viewport)
    team = TeamPage.objects.get(title="Grace Church")
    page.goto(f"{live_server.url}{team.url}")

    hero = page.locator(".hero")
    assert_on_first_screen(
        page, page.get_by_role("heading", level=1, name="Grace Church"), viewport
    )
    assert_on_first_screen(page, hero.get_by_text("Team captain:"), viewport)
    card = page.locator("[data-team-progress]")
    expect(card).to_contain_text("$1,195 raised of $2,500")
    assert_on_first_screen(page, card.get_by_text("$1,195 raised of $2,500"), viewport)
    assert_on_first_screen(page, card.get_by_role("link", name="Give", exact=True), viewport)
    if size == "mobile":
        page.screenshot(path=SCREENSHOT_DIR / "team-first-screen-mobile.png")


@pytest.mark.parametrize("size", SIZES)
def test_a_gift_on_a_fundraiser_page_ends_on_a_thank_you_that_shares_in_the_donors_voice(
    page, live_server, demo, size
):
    email = f"lee.park.{size}@example.org"
    page.set_viewport_size(SIZES[size])
    fundraiser = FundraiserPage.objects.get(title=JORDANS_PAGE)
    page.goto(f"{live_server.url}{fundraiser.url}")
    visitor_whatsapp = page.get_by_role("link", name="WhatsApp").get_attribute("href")
    assert parse_qs(urlsplit(visitor_whatsapp).query)["text"][0].startswith(
        "Help Jordan raise $500 for Spring into Action "
    )

    if size == "mobile":
        page.locator(".hero").get_by_role("link", name="Give", exact=True).click()
    panel = page.get_by_role("complementary", name=f"Give to {JORDANS_PAGE}")
    panel.locator("label", has_text=re.compile(r"^\$50$")).click()
    panel.get_by_label("First name", exact=True).fill("Lee")
    panel.get_by_label("Last name", exact=True).fill("Park")
    panel.get_by_label("Email", exact=True).fill(email)
    panel.get_by_role("button", name="Continue to payment").click()
    page.get_by_role("button", name="Complete test payment").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Thank you — your gift of $50 to {JORDANS_PAGE} is confirmed"
    )
    assert Donation.objects.get(email=email).status == Donation.Status.PAID
    expect(page.get_by_text(f"Your gift to {JORDANS_PAGE}, Jordan E.'s page")).to_be_visible()
    expect(page.get_by_text("Jordan E. will not see your name")).to_be_visible()
    share = page.get_by_role("region", name="Share the page: your friends can give too")
    whatsapp = share.get_by_role("link", name="WhatsApp").get_attribute("href")
    assert parse_qs(urlsplit(whatsapp).query)["text"][0] == (
        f"I just gave to {JORDANS_PAGE} {public_url(fundraiser)}"
    )
    for label in ("Email", "Facebook", "X"):
        expect(share.get_by_role("link", name=label, exact=True)).to_be_visible()
    expect(share.get_by_label("Or copy the link")).to_have_value(public_url(fundraiser))
    expect(share.get_by_role("button", name="Copy link")).to_be_visible()  # shown by its script
    expect(page.get_by_role("link", name="Start your own fundraiser")).to_be_visible()
    page.screenshot(
        path=SCREENSHOT_DIR / f"thank-you-share-{size}.png", full_page=True, animations="disabled"
    )


def test_a_gift_confirmed_while_its_thank_you_page_is_open_gets_share_links_and_copy_link(
    page, live_server, demo
):
    fundraiser = FundraiserPage.objects.get(title=JORDANS_PAGE)
    donation = DonationFactory(
        page=fundraiser, checkout_session_id="cs_local_share", email="pat.kim@example.org"
    )
    page.goto(f"{live_server.url}/donations/thank-you/{donation.checkout_token}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("We are confirming your payment")

    fulfil_checkout_session(donation.checkout_session_id, "pi_local_share", 5000, "usd")

    share = page.get_by_role("region", name="Share the page: your friends can give too")
    expect(share.get_by_role("button", name="Copy link")).to_be_visible(timeout=10_000)
    expect(share.get_by_role("link", name="WhatsApp")).to_have_attribute(
        "href", re.compile(r"text=I\+just\+gave\+to\+Jordan%27s\+spring\+10K")
    )


def test_without_javascript_the_link_is_there_to_select_and_no_dead_copy_button_shows(
    browser, live_server, demo
):
    context = browser.new_context(viewport=MOBILE, java_script_enabled=False)
    tab = context.new_page()
    fundraiser = FundraiserPage.objects.get(title=JORDANS_PAGE)
    tab.goto(f"{live_server.url}{fundraiser.url}")

    share = tab.get_by_role("region", name="Share this page")
    expect(share.get_by_label("Or copy the link")).to_have_value(public_url(fundraiser))
    expect(share.get_by_label("Or copy the link")).to_be_visible()
    expect(share.locator("[data-copy]")).to_be_hidden()
    expect(share.get_by_role("link", name="WhatsApp")).to_be_visible()
    context.close()
