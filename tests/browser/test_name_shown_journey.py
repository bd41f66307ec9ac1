"""In Chromium, with the real worker: a donor on a supporter's fundraiser page chooses "Show
my name only to the page's owner" and completes the test checkout; the public pages show no
name ("Anonymous" in the campaign's latest gifts) while the worker's "someone gave" email
names the donor to the page's owner. Screenshots (donate-name-choice-*.png) of the choice, at
1280 and 390 pixels wide."""

import pytest
from playwright.sync_api import expect

from tests.browser.screenshots import DESKTOP, MOBILE, SCREENSHOT_DIR
from tests.campaigns.factories import FundraiserPageFactory, FundraisingCampaignPageFactory
from tests.site.factories import UserFactory
from tests.support.outbox import html_body, text_body
from tests.support.waiting import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# An address of this journey only: the worker's captured mail is shared by the session.
OWNER_EMAIL = "farah.nasser@example.org"
PAGE_TITLE = "Farah's bake sale for survivors"


@pytest.fixture
def fundraiser(home_page, settings):
    settings.STRIPE_SECRET_KEY = ""  # the local test checkout
    settings.GIFT_NOTICE_DELAY_SECONDS = 1  # read in the live server when the gift is paid
    campaign = FundraisingCampaignPageFactory(title="Spring into Action")
    owner = UserFactory(email=OWNER_EMAIL, first_name="Farah", last_name="Nasser")
    return FundraiserPageFactory(parent=campaign, supporter=owner, title=PAGE_TITLE)


def screenshot_the_choice(tab, panel):
    """The donate panel with the choice in view, at desktop and phone widths."""
    for label, viewport in (("desktop", DESKTOP), ("mobile", MOBILE)):
        tab.set_viewport_size(viewport)
        choice = panel.get_by_role("group", name="Who sees your name?")
        choice.scroll_into_view_if_needed()
        expect(choice).to_be_visible()
        panel.screenshot(path=SCREENSHOT_DIR / f"donate-name-choice-{label}.png")
    tab.set_viewport_size(DESKTOP)


@pytest.mark.parametrize("viewport", [MOBILE, DESKTOP], ids=["390px", "1280px"])
def test_a_donor_shown_only_to_the_owner_is_anonymous_in_public_and_named_in_the_owners_email(
    browser, live_server, fundraiser, worker_outbox, viewport
):
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    first_name = "Amina" if viewport is MOBILE else "Beatriz"
    donor = browser.new_context(viewport=viewport).new_page()
    donor.set_default_timeout(15_000)
    page_url = f"{live_server.url}{fundraiser.url}"
    donor.goto(page_url)
    panel = donor.get_by_role("complementary", name=f"Give to {PAGE_TITLE}")

    choice = panel.get_by_role("group", name="Who sees your name?")
    expect(choice.get_by_role("radio", name="Anonymous to everyone")).to_be_checked()
    expect(choice.get_by_role("radio")).to_have_count(3)
    panel.get_by_text("$25", exact=True).click()
    panel.get_by_label("First name", exact=True).fill(first_name)
    panel.get_by_label("Last name", exact=True).fill("Okoro")
    panel.get_by_label("Email", exact=True).fill(f"{first_name.lower()}@example.net")
    choice.get_by_role("radio", name="Show my name only to the page's owner").check()
    panel.get_by_label("Message (optional)", exact=True).fill(f"{first_name} cheering you on!")
    if viewport is DESKTOP:
        screenshot_the_choice(donor, panel)
    donor.set_viewport_size(viewport)
    panel.get_by_role("button", name="Continue to payment").click()
    expect(donor.get_by_role("heading", level=1)).to_have_text("Complete your gift of $25")
    donor.get_by_role("button", name="Complete test payment").click()
    expect(donor.get_by_role("heading", level=1)).to_contain_text("is confirmed")

    # The public: no name and no message on the fundraiser page; "Anonymous" on the campaign's.
    visitor = browser.new_context(viewport=viewport).new_page()
    visitor.goto(page_url)
    expect(visitor.get_by_role("heading", level=1)).to_have_text(PAGE_TITLE)
    expect(visitor.locator("main")).not_to_contain_text(first_name)
    visitor.goto(f"{live_server.url}{fundraiser.get_parent().url}")
    gift = visitor.locator(".signer-list li").filter(has_text=PAGE_TITLE)
    expect(gift.locator("strong")).to_have_text("Anonymous")
    expect(visitor.locator("main")).not_to_contain_text(first_name)

    # The page's owner: the worker's "someone gave" email names the donor, with the message.
    def someone_gave():
        return [
            message
            for message in worker_outbox.to(OWNER_EMAIL)
            if f"{first_name} O." in text_body(message)
        ]

    [notice] = wait_until(someone_gave, timeout=30, message="the 'someone gave' email")
    assert f'- {first_name} O.: $25\n  "{first_name} cheering you on!"' in text_body(notice)
    assert f"{first_name} O." in html_body(notice)
    assert f"{first_name.lower()}@example.net" not in text_body(notice)
