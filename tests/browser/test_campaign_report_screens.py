"""The staff campaign report in Chromium, on the demo campaign: under the CSP, its chart drawn,
its CSV downloadable; screenshots in docs/screenshots/."""

import csv
import io

import pytest
from playwright.sync_api import expect

from campaigns.models import FundraiserPage, FundraisingCampaignPage
from northstar.demo import DEMO_STAFF_EMAIL, DEMO_STAFF_PASSWORD
from tests.browser.screenshots import DESKTOP, SCREENSHOT_DIR
from tests.browser.test_csp import RECORD_VIOLATIONS
from tests.support.demo import load_demo_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(db, settings):
    settings.STRIPE_SECRET_KEY = ""
    load_demo_data()


def log_in_as_staff(page, live_server):
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Email").fill(DEMO_STAFF_EMAIL)
    page.get_by_label("Password").fill(DEMO_STAFF_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/admin/")


def test_staff_open_the_campaign_report_from_the_campaign_and_download_its_csv(
    page, live_server, demo
):
    campaign = FundraisingCampaignPage.objects.get(slug="spring-into-action")
    page.add_init_script(RECORD_VIOLATIONS)
    log_in_as_staff(page, live_server)
    page.goto(f"{live_server.url}/admin/pages/{campaign.pk}/edit/")

    page.get_by_role("button", name="Actions", exact=True).click()
    page.get_by_role("link", name="Campaign report").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Campaign report")
    expect(page.get_by_role("img", name="Raised per day")).to_be_visible()
    expect(page.locator("section:has(#report-top-pages) tbody tr")).not_to_have_count(0)
    assert page.evaluate("window.__cspViolations") == []
    # The admin scrolls inside its own layout, so a tall window shows the whole report.
    page.set_viewport_size({"width": 1280, "height": 2800})
    page.screenshot(path=SCREENSHOT_DIR / "staff-campaign-report-desktop.png", full_page=True)
    page.set_viewport_size(DESKTOP)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
    assert len(rows) == FundraiserPage.objects.child_of(campaign).count() > 0
    assert {"title", "owner_email", "raised_dollars", "state"} <= set(rows[0])
