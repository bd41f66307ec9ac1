"""In Chromium: a supporter signs, is asked to give, gives $50 at the test checkout, and the
campaign's total rises; the donate form's script follows the form's rule; a gift still being
confirmed is checked a limited number of times, never by reloading the page."""

import re

import pytest
from django.conf import settings as django_settings
from django.test import Client
from playwright.sync_api import expect

from campaigns.models import FundraisingCampaignPage
from donations.models import Donation
from donations.services import fulfil_checkout_session
from petitions.models import PetitionPage
from tests.browser.screenshots import SCREENSHOT_DIR, save_screenshots
from tests.donations.factories import DonationFactory
from tests.site.factories import StaffUserFactory
from tests.support.demo import load_demo_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DONOR_EMAIL = "sam.rivera@example.org"  # not the petition journey's: the outbox is shared


@pytest.fixture
def petition_without_confirmation(db, settings):
    settings.STRIPE_SECRET_KEY = ""  # the embedded default: the local test checkout
    load_demo_data()
    petition = PetitionPage.objects.get(slug="stop-human-traffickers")
    petition.require_confirmation = False
    petition.save_revision().publish()
    return petition


def test_a_supporter_signs_gives_fifty_dollars_and_the_total_rises(
    page, live_server, petition_without_confirmation
):
    page.goto(f"{live_server.url}{petition_without_confirmation.url}")
    page.get_by_label("First name", exact=True).fill("Sam")
    page.get_by_label("Last name", exact=True).fill("Rivera")
    page.get_by_label("Email", exact=True).fill(DONOR_EMAIL)
    page.get_by_label("ZIP code", exact=True).fill("78701")
    page.get_by_role("button", name="Sign the petition").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your signature has been added")

    ask = page.get_by_role("region", name="Help survivors find safety: give to Spring into Action")
    expect(ask).to_contain_text("$6,581.44 raised of $10,000")
    expect(ask).to_contain_text("Ends April 15")
    save_screenshots(page, "petition-thank-you-ask")
    ask.get_by_role("link", name="Give to Spring into Action").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Spring into Action")
    panel = page.get_by_role("complementary", name="Give to Spring into Action")
    expect(panel).to_contain_text("$6,581.44 raised of $10,000")  # its own gifts and its pages'
    expect(panel).to_contain_text("53 gifts")
    save_screenshots(page, "campaign")

    panel.locator("label", has_text=re.compile(r"^\$50$")).click()
    panel.get_by_label("First name", exact=True).fill("Sam")
    panel.get_by_label("Last name", exact=True).fill("Rivera")
    panel.get_by_label("Email", exact=True).fill(DONOR_EMAIL)
    panel.get_by_label("Show my name publicly").check()
    panel.get_by_label("Message (optional)", exact=True).fill("For a safe month this spring.")
    panel.get_by_role("button", name="Continue to payment").click()

    expect(page.get_by_role("note")).to_contain_text("Test checkout — no card is charged")
    expect(page.get_by_role("heading", level=1)).to_have_text("Complete your gift of $50")
    save_screenshots(page, "donation-test-checkout")
    page.get_by_role("button", name="Complete test payment").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Thank you — your gift of $50 to Spring into Action is confirmed"
    )
    save_screenshots(page, "donation-thank-you")
    assert Donation.objects.get(email=DONOR_EMAIL).status == Donation.Status.PAID

    page.get_by_role("link", name=re.compile("Back to Spring into Action")).click()
    expect(panel).to_contain_text("$6,631.44 raised of $10,000")
    expect(panel).to_contain_text("54 gifts")
    recent = page.get_by_role("region", name="Recent donors")
    expect(recent).to_contain_text("Sam R.")
    expect(recent).to_contain_text("For a safe month this spring.")
    expect(page.locator("body")).not_to_contain_text(DONOR_EMAIL)


@pytest.fixture
def campaign_without_stripe(db, settings):
    settings.STRIPE_SECRET_KEY = ""
    load_demo_data()
    return FundraisingCampaignPage.objects.get(slug="spring-into-action")


def test_choosing_a_preset_after_typing_an_amount_empties_the_box_and_gives_the_preset(
    page, live_server, campaign_without_stripe
):
    page.goto(f"{live_server.url}{campaign_without_stripe.url}")
    panel = page.get_by_role("complementary", name="Give to Spring into Action")
    typed = panel.get_by_label("Your amount (US dollars)")
    expect(typed).to_be_hidden()

    panel.get_by_text("Other amount", exact=True).click()
    typed.fill("1000")
    panel.get_by_text("$100", exact=True).click()

    expect(typed).to_be_hidden()
    expect(typed).to_have_value("")
    panel.get_by_label("First name", exact=True).fill("Kim")
    panel.get_by_label("Last name", exact=True).fill("Lee")
    panel.get_by_label("Email", exact=True).fill("kim.lee@example.org")
    panel.get_by_role("button", name="Continue to payment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Complete your gift of $100")


def pending_gift(campaign):
    return DonationFactory(
        page=campaign, checkout_session_id="cs_local_waiting", email="pat.kim@example.org"
    )


def test_the_pending_thank_you_page_shows_the_gift_confirmed_without_reloading(
    page, live_server, campaign_without_stripe
):
    donation = pending_gift(campaign_without_stripe)
    page.goto(f"{live_server.url}/donations/thank-you/{donation.checkout_token}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("We are confirming your payment")
    page.evaluate("window.notReloaded = true")

    fulfil_checkout_session(donation.checkout_session_id, "pi_local_1", 5000, "usd")

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Thank you — your gift of $50 to Spring into Action is confirmed", timeout=10_000
    )
    assert page.evaluate("window.notReloaded") is True


def test_the_pending_thank_you_page_asks_twenty_times_then_stops_and_says_what_to_do(
    page, live_server, campaign_without_stripe
):
    donation = pending_gift(campaign_without_stripe)
    asked = []
    page.on("request", lambda request: "/status/" in request.url and asked.append(request.url))
    page.clock.install()
    page.goto(f"{live_server.url}/donations/thank-you/{donation.checkout_token}/")
    still_waiting = page.get_by_text("Still waiting for confirmation from the payment provider.")
    expect(still_waiting).to_be_hidden()

    for _ in range(300):  # a minute of the page's time, a second at a time
        if still_waiting.is_visible():
            break
        page.clock.run_for(1000)
        page.wait_for_timeout(30)  # real time, for the page's requests to be answered
    page.clock.run_for(120_000)
    page.wait_for_timeout(200)

    expect(still_waiting).to_be_visible()
    expect(page.get_by_role("link", name="give again here")).to_have_attribute(
        "href", campaign_without_stripe.url
    )
    assert len(asked) == 20
    save_screenshots(page, "donation-still-waiting")


def log_in_as_staff(page, live_server):
    """Staff signed in through a session made by the test client (the login form is not tested)."""
    client = Client()
    client.force_login(StaffUserFactory())
    session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )


def test_staff_type_a_goal_in_dollars_and_the_campaign_page_shows_it(
    page, live_server, campaign_without_stripe
):
    campaign = campaign_without_stripe
    log_in_as_staff(page, live_server)
    page.goto(f"{live_server.url}/admin/pages/{campaign.pk}/edit/")
    goal = page.get_by_label("Goal (USD)")
    expect(goal).to_have_value("10,000.00")

    goal.fill("25000")
    goal.scroll_into_view_if_needed()
    page.screenshot(path=SCREENSHOT_DIR / "staff-campaign-goal-desktop.png")
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".messages")).to_contain_text("published")

    page.goto(f"{live_server.url}{campaign.url}")
    panel = page.get_by_role("complementary", name="Give to Spring into Action")
    expect(panel).to_contain_text("$6,581.44 raised of $25,000")
    assert FundraisingCampaignPage.objects.get(pk=campaign.pk).goal_cents == 2_500_000
