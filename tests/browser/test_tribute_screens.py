"""The donate form's "in honour or in memory" section on a phone (390 px): opens without a
script, reads well, passes axe, and hides while "Monthly" is chosen."""

import pytest
from playwright.sync_api import expect

from tests.browser.accessibility import assert_no_axe_violations
from tests.browser.screenshots import MOBILE, SCREENSHOT_DIR

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=MOBILE, device_scale_factor=2, is_mobile=True)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


def test_the_tribute_section_opens_on_a_phone_and_hides_for_a_monthly_gift(
    phone, live_server, campaign
):
    phone.goto(live_server.url + campaign.url)
    form = phone.locator("form.donate-form")
    section = form.locator("details.tribute")
    expect(form.get_by_label("Their name", exact=True)).to_be_hidden()

    section.locator("summary").click()
    form.get_by_label("In memory of").check()
    form.get_by_label("Their name", exact=True).fill("Rosa Diaz")
    form.get_by_label("Name of the person to tell").fill("Carlos Diaz")
    form.get_by_label("Their email").fill("carlos@example.org")
    form.get_by_label("Your message to them").fill("Rosa loved this work.")
    expect(form.get_by_label("Tell them the amount of my gift")).not_to_be_checked()
    assert_no_axe_violations(phone, "the donate form with the tribute section open")
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    section.scroll_into_view_if_needed()
    section.screenshot(path=SCREENSHOT_DIR / "donate-tribute-390.png", animations="disabled")
    box = section.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= MOBILE["width"]

    form.get_by_text("Monthly", exact=True).click()
    expect(section).to_be_hidden()
    form.get_by_text("One time", exact=True).click()
    expect(section).to_be_visible()
