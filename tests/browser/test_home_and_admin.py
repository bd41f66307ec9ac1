"""In Chromium: the home page as a visitor sees it, and staff editing it in Wagtail."""

import re

import pytest
from playwright.sync_api import expect

from northstar.demo import DEMO_STAFF_EMAIL, DEMO_STAFF_PASSWORD
from northstar.models import HomePage
from tests.browser.screenshots import save_screenshots
from tests.support.demo import load_demo_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_site(db):
    load_demo_data()
    return HomePage.objects.get()


def test_the_home_page_shows_the_hotline_in_its_footer(page, live_server, demo_site):
    page.goto(live_server.url)
    expect(page.get_by_role("heading", level=1)).to_have_text(demo_site.headline)
    footer = page.get_by_role("contentinfo")
    expect(footer).to_contain_text("National Human Trafficking Hotline")
    expect(footer.get_by_role("link", name="1-888-373-7888")).to_be_visible()
    expect(footer.get_by_role("link", name="233733")).to_be_visible()
    save_screenshots(page, "home")


def test_quick_exit_leaves_and_back_does_not_return(page, live_server, demo_site):
    from northstar.models import SiteSettings

    org = SiteSettings.objects.get()
    org.quick_exit_url = f"{live_server.url}/healthz"
    org.save()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name=re.compile("Quick exit")).click()
    page.wait_for_url("**/healthz")
    page.go_back()
    assert "/accounts/login/" not in page.url


def test_staff_publish_an_edit_of_the_home_page_that_the_public_then_sees(
    page, live_server, demo_site
):
    # The admin sends staff to the site's one (rate-limited) login, and back.
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Email").fill(DEMO_STAFF_EMAIL)
    page.get_by_label("Password").fill(DEMO_STAFF_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/admin/")

    page.goto(f"{live_server.url}/admin/pages/{demo_site.pk}/edit/")
    page.locator("#id_headline").fill("Every survivor deserves a safe place to sleep.")
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".messages")).to_contain_text("published")

    page.goto(live_server.url)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Every survivor deserves a safe place to sleep."
    )
