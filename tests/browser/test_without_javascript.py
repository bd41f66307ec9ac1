"""In Chromium with JavaScript turned off: giving an amount of your own, and signing, both work.

The donate form's rule (donations/forms.py): an amount typed in "Your amount" is the amount
given, whichever preset is chosen. Without JavaScript, $50 stays chosen while the donor types
1000 in the box; the checkout must ask for $1,000, not $50.
"""

import pytest
from playwright.sync_api import expect

from campaigns.models import FundraisingCampaignPage
from donations.models import Donation
from petitions.models import PetitionPage, Signature
from tests.browser.screenshots import save_screenshots
from tests.support.demo import load_demo_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DONOR_EMAIL = "lee.morgan@example.org"  # each browser test its own address: the outbox is shared
SIGNER_EMAIL = "ana.silva@example.org"


@pytest.fixture
def demo_site(db, settings):
    settings.STRIPE_SECRET_KEY = ""  # the embedded default: the local test checkout
    load_demo_data()


@pytest.fixture
def page_without_javascript(browser):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, java_script_enabled=False
    )
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


def test_an_amount_typed_with_a_preset_chosen_is_the_amount_given_without_javascript(
    page_without_javascript, live_server, demo_site
):
    page = page_without_javascript
    campaign = FundraisingCampaignPage.objects.get(slug="spring-into-action")
    page.goto(f"{live_server.url}{campaign.url}")
    panel = page.get_by_role("complementary", name="Give to Spring into Action")
    expect(panel.get_by_label("$50", exact=True)).to_be_checked()
    expect(panel.get_by_text("whichever amount is chosen above")).to_be_visible()

    panel.get_by_label("Your amount (US dollars)").fill("1000")
    panel.get_by_label("First name", exact=True).fill("Lee")
    panel.get_by_label("Last name", exact=True).fill("Morgan")
    panel.get_by_label("Email", exact=True).fill(DONOR_EMAIL)
    expect(panel.get_by_label("$50", exact=True)).to_be_checked()
    save_screenshots(page, "donate-form-without-javascript")
    panel.get_by_role("button", name="Continue to payment").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Complete your gift of $1,000")
    expect(page.locator(".checkout-summary")).to_contain_text("$1,000 USD")
    save_screenshots(page, "donation-test-checkout-without-javascript")
    page.get_by_role("button", name="Complete test payment").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Thank you — your gift of $1,000 to Spring into Action is confirmed"
    )
    donation = Donation.objects.get(email=DONOR_EMAIL)
    assert (donation.amount_cents, donation.status) == (100_000, Donation.Status.PAID)


def test_a_bad_typed_amount_is_explained_without_javascript_and_nothing_is_started(
    page_without_javascript, live_server, demo_site
):
    page = page_without_javascript
    campaign = FundraisingCampaignPage.objects.get(slug="spring-into-action")
    page.goto(f"{live_server.url}{campaign.url}")
    panel = page.get_by_role("complementary", name="Give to Spring into Action")

    panel.get_by_label("Your amount (US dollars)").fill("१०००")
    panel.get_by_label("First name", exact=True).fill("Lee")
    panel.get_by_label("Last name", exact=True).fill("Morgan")
    panel.get_by_label("Email", exact=True).fill(DONOR_EMAIL)
    panel.get_by_role("button", name="Continue to payment").click()

    expect(panel).to_contain_text("Please type the amount with the digits 0 to 9")
    expect(panel.get_by_label("Your amount (US dollars)")).to_have_value("१०००")
    assert not Donation.objects.filter(email=DONOR_EMAIL).exists()


def test_a_supporter_signs_a_petition_without_javascript(
    page_without_javascript, live_server, demo_site
):
    page = page_without_javascript
    petition = PetitionPage.objects.get(slug="stop-human-traffickers")
    page.goto(f"{live_server.url}{petition.url}")

    page.get_by_label("First name", exact=True).fill("Ana")
    page.get_by_label("Last name", exact=True).fill("Silva")
    page.get_by_label("Email", exact=True).fill(SIGNER_EMAIL)
    page.get_by_label("ZIP code", exact=True).fill("78701")
    page.get_by_role("button", name="Sign the petition").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("One more step: check your email")
    save_screenshots(page, "petition-thank-you-without-javascript")
    assert Signature.objects.filter(email=SIGNER_EMAIL, petition=petition).count() == 1
