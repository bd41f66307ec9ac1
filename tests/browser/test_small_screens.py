"""In Chromium at a phone's width (375 px): the hotline, the EIN, the login and error pages."""

import pytest
from django.db import transaction
from playwright.sync_api import expect

from donations.models import Donation
from petitions.models import Signature
from tests.browser.screenshots import SCREENSHOT_DIR
from tests.campaigns.factories import (
    FundraiserPageFactory,
    FundraisingCampaignPageFactory,
    paid_gift,
)
from tests.petitions.factories import PetitionPageFactory, TargetFactory
from tests.support.demo import load_demo_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


@pytest.fixture
def demo_site(db):
    load_demo_data()


def lines(locator):
    """How many lines the browser broke an inline element into."""
    return locator.evaluate("element => element.getClientRects().length")


def assert_header_links_clear_of_the_quick_exit(page):
    """No link in the header lies under the Quick exit button, which floats over the page."""
    button = page.get_by_role("link", name="Quick exit").bounding_box()
    for link in page.locator(".site-header a").all():
        box = link.bounding_box()
        overlap_x = (
            box["x"] < button["x"] + button["width"] and button["x"] < box["x"] + box["width"]
        )
        overlap_y = (
            box["y"] < button["y"] + button["height"] and button["y"] < box["y"] + box["height"]
        )
        assert not (overlap_x and overlap_y), link.inner_text()


def test_the_hotline_number_and_the_ein_never_break_at_their_hyphens(phone, live_server, demo_site):
    phone.goto(live_server.url)
    footer = phone.get_by_role("contentinfo")
    for name in ("1-888-373-7888", "233733"):
        link = footer.get_by_role("link", name=name)
        expect(link).to_be_visible()
        assert lines(link) == 1, name
    ein = footer.get_by_text("EIN 12-3456789")
    expect(ein).to_be_visible()
    assert lines(ein) == 1
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=SCREENSHOT_DIR / "home-375-header.png")
    footer.screenshot(path=SCREENSHOT_DIR / "home-375-footer.png")


def test_the_login_page_offers_one_way_to_reset_a_password(phone, live_server, demo_site):
    phone.goto(f"{live_server.url}/admin/")
    expect(phone.get_by_role("heading", name="Log in")).to_be_visible()
    expect(phone.get_by_role("link", name="Forgot your password?")).to_have_count(1)
    expect(phone.get_by_text("Forgotten")).to_have_count(0)
    phone.screenshot(path=SCREENSHOT_DIR / "login-375.png", full_page=True)


def test_a_missing_page_on_a_phone_has_the_quick_exit_and_the_hotline(
    phone, live_server, demo_site
):
    response = phone.goto(f"{live_server.url}/no-such-page/")
    assert response.status == 404
    expect(phone.get_by_role("link", name="Quick exit")).to_be_visible()
    expect(
        phone.get_by_role("contentinfo").get_by_role("link", name="1-888-373-7888")
    ).to_be_visible()
    assert_header_links_clear_of_the_quick_exit(phone)
    phone.screenshot(path=SCREENSHOT_DIR / "error-404-375.png", full_page=True)


def test_a_sign_form_gone_stale_says_to_reload_and_try_again(phone, live_server, home_page):
    TargetFactory(jurisdiction="TX")
    petition = PetitionPageFactory(title="Stop human traffickers in Texas")
    phone.goto(f"{live_server.url}{petition.url}")
    phone.get_by_label("First name", exact=True).fill("Jordan")
    phone.get_by_label("Last name", exact=True).fill("Taylor")
    phone.get_by_label("Email", exact=True).fill("stale@example.org")
    phone.get_by_label("ZIP code", exact=True).fill("78701")
    # The form stayed open while the browser dropped its cookies (a long pause, a new session).
    phone.context.clear_cookies()
    phone.get_by_role("button", name="Sign the petition").click()

    expect(
        phone.get_by_role("heading", name="Please reload the page and try again")
    ).to_be_visible()
    expect(phone.get_by_text("Your details were not saved.")).to_be_visible()
    expect(phone.get_by_role("link", name="Quick exit")).to_be_visible()
    assert_header_links_clear_of_the_quick_exit(phone)
    phone.screenshot(path=SCREENSHOT_DIR / "error-csrf-375.png", full_page=True)
    assert not Signature.objects.exists()

    phone.get_by_role("link", name="Go back to the form").click()
    expect(phone.get_by_role("button", name="Sign the petition")).to_be_visible()


def test_a_long_word_typed_by_a_donor_or_an_owner_does_not_widen_the_page(
    phone, live_server, home_page
):
    campaign = FundraisingCampaignPageFactory(title="Spring into Action")
    long_word = "https://example.org/" + "ü" * 400
    fundraiser = FundraiserPageFactory(parent=campaign, title="Walk" + "k" * 200, story=long_word)
    with transaction.atomic():  # as fulfilment pays a gift
        paid_gift(fundraiser, 5_000, name_shown=Donation.NameShown.PUBLIC, message=long_word)

    for url in (fundraiser.url, campaign.url):
        phone.goto(f"{live_server.url}{url}")
        expect(phone.get_by_text("Recent donors")).to_be_visible()
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], url
    phone.screenshot(path=SCREENSHOT_DIR / "fundraiser-long-words-375.png", full_page=True)
