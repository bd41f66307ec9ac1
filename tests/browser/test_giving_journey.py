"""In Chromium: a supporter signs, is asked to give, gives $50 at the test checkout, and the
campaign's total rises."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from donations.models import Donation
from petitions.models import PetitionPage
from tests.browser.screenshots import save_screenshots

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DONOR_EMAIL = "sam.rivera@example.org"  # not the petition journey's: the outbox is shared


@pytest.fixture
def petition_without_confirmation(db, settings):
    settings.STRIPE_SECRET_KEY = ""  # the embedded default: the local test checkout
    call_command("load_demo_data")
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
    expect(ask).to_contain_text("$3,450 raised of $10,000")
    expect(ask).to_contain_text("Ends April 15")
    save_screenshots(page, "petition-thank-you-ask")
    ask.get_by_role("link", name="Give to Spring into Action").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Spring into Action")
    panel = page.get_by_role("complementary", name="Give to Spring into Action")
    expect(panel).to_contain_text("$3,450 raised of $10,000")
    expect(panel).to_contain_text("15 gifts")
    save_screenshots(page, "campaign")

    panel.get_by_text("$50", exact=True).click()
    panel.get_by_label("First name", exact=True).fill("Sam")
    panel.get_by_label("Last name", exact=True).fill("Rivera")
    panel.get_by_label("Email", exact=True).fill(DONOR_EMAIL)
    panel.get_by_label("Show my first name and last initial on this page").check()
    panel.get_by_label("Message").fill("For a safe month this spring.")
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
    expect(panel).to_contain_text("$3,500 raised of $10,000")
    expect(panel).to_contain_text("16 gifts")
    recent = page.get_by_role("region", name="Recent donors")
    expect(recent).to_contain_text("Sam R.")
    expect(recent).to_contain_text("For a safe month this spring.")
    expect(page.locator("body")).not_to_contain_text(DONOR_EMAIL)
