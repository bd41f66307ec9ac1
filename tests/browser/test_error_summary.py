"""In Chromium at a phone's and a desk's width: a donor's mistaken amount is announced and focused.

A donate form sent back with a mistake starts with its error summary (GOV.UK's pattern,
templates/includes/form_errors.html), which takes focus with JavaScript (error-summary.js)
and without it (`autofocus`); its link moves focus to the amount box. The Quick exit button
sits in a bar that the page starts below, so it never covers the page's progress text.
"""

import pytest
from playwright.sync_api import expect

from donations.models import Donation
from tests.browser.screenshots import DESKTOP, MOBILE, SCREENSHOT_DIR
from tests.campaigns.factories import FundraiserPageFactory, FundraisingCampaignPageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DONOR_EMAIL = "sam.okafor@example.org"  # each browser test its own address: the outbox is shared
SIZES = {"mobile": MOBILE, "desktop": DESKTOP}


@pytest.fixture
def fundraiser(home_page, settings):
    settings.STRIPE_SECRET_KEY = ""  # the embedded default: the local test checkout
    campaign = FundraisingCampaignPageFactory(title="Spring into Action")
    return FundraiserPageFactory(parent=campaign, title="Maria's walk for survivors")


def open_tab(browser, size, javascript=True):
    context = browser.new_context(
        viewport=SIZES[size], is_mobile=size == "mobile", java_script_enabled=javascript
    )
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    return tab


def give(tab, amount):
    """Fill in the donate form with `amount` typed in "Your amount", and send it."""
    if tab.get_by_label("Your amount (US dollars)").is_hidden():
        tab.get_by_text("Other amount", exact=True).click()
    tab.get_by_label("Your amount (US dollars)").fill(amount)
    tab.get_by_label("First name", exact=True).fill("Sam")
    tab.get_by_label("Last name", exact=True).fill("Okafor")
    tab.get_by_label("Email", exact=True).fill(DONOR_EMAIL)
    tab.get_by_role("button", name="Continue to payment").click()


def within_viewport(tab, locator):
    box = locator.bounding_box()
    height = tab.viewport_size["height"]
    return box is not None and box["y"] >= 0 and box["y"] + min(box["height"], 40) <= height


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
@pytest.mark.parametrize("size", ["mobile", "desktop"])
def test_a_mistaken_amount_is_announced_focused_and_linked_to_the_amount_box(
    browser, live_server, fundraiser, size, javascript
):
    tab = open_tab(browser, size, javascript)
    for amount in ("30000", "0.49", "ten"):  # over the most, under the least, not a sum
        tab.goto(f"{live_server.url}{fundraiser.url}")
        give(tab, amount)

        summary = tab.get_by_role("alert").filter(has_text="There is a problem")
        expect(summary).to_be_visible()
        expect(summary).to_be_focused()
        assert within_viewport(tab, summary), amount
        link = summary.get_by_role("link")
        expect(link).to_have_count(1)
        message = link.inner_text()
        expect(tab.locator("#id_other_amount_error")).to_have_text(message)
        if amount == "30000":
            tab.screenshot(
                path=SCREENSHOT_DIR
                / f"donate-error-summary{'' if javascript else '-without-javascript'}-{size}.png"
            )

        link.click()
        typed = tab.get_by_label("Your amount (US dollars)")
        expect(typed).to_be_focused()
        expect(typed).to_have_value(amount)
        assert within_viewport(tab, typed), amount
    tab.context.close()
    assert not Donation.objects.filter(email=DONOR_EMAIL).exists()


@pytest.mark.parametrize("size", ["mobile", "desktop"])
def test_the_quick_exit_button_never_covers_the_progress_text(
    browser, live_server, fundraiser, size
):
    tab = open_tab(browser, size)
    tab.goto(f"{live_server.url}{fundraiser.url}")
    button = tab.get_by_role("link", name="Quick exit")
    # The progress card's line (the phone's first screen repeats it above, hidden on a desk).
    progress = tab.locator(".count__label").filter(has_text="raised of $500").first
    viewport = tab.viewport_size
    for scroll in ("to the bar's edge", "into view"):
        bar = tab.locator(".quick-exit-bar").bounding_box()
        if scroll == "into view":
            progress.scroll_into_view_if_needed()
        else:  # the text's top just under the bar: where the old button covered it
            tab.evaluate(
                "([selector, offset]) => { const el = document.querySelector(selector);"
                " window.scrollBy(0, el.getBoundingClientRect().top - offset); }",
                [".count__label", bar["height"] + 1],
            )
        text = progress.bounding_box()
        box = button.bounding_box()
        overlaps = (
            text["x"] < box["x"] + box["width"]
            and box["x"] < text["x"] + text["width"]
            and text["y"] < box["y"] + box["height"]
            and box["y"] < text["y"] + text["height"]
        )
        assert not overlaps, scroll
        # The button stays inside its bar, which spans the window: nothing beside it to cover.
        assert box["y"] + box["height"] <= bar["y"] + bar["height"]
        assert (bar["x"], bar["width"]) == (0, viewport["width"])
    tab.screenshot(path=SCREENSHOT_DIR / f"quick-exit-bar-fundraiser-scrolled-{size}.png")
    tab.context.close()
