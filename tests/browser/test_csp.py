"""In Chromium, under the Content Security Policy: no page, public or staff, breaks a directive,
and the scripts supporters use (the sign form's ZIP look-up, the donate form's amounts) work."""

import pytest
from playwright.sync_api import expect

from campaigns.models import FundraisingCampaignPage
from northstar.demo import DEMO_STAFF_EMAIL, DEMO_STAFF_PASSWORD
from northstar.models import HomePage
from petitions.models import PetitionPage
from tests.support.demo import load_demo_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Runs before any of the page's own scripts; the policy does not apply to it.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " blocked " + (event.blockedURI || "inline")
    + " at " + event.sourceFile + ":" + event.lineNumber);
});
"""


@pytest.fixture
def demo(db, settings):
    settings.STRIPE_SECRET_KEY = ""  # the local test checkout
    load_demo_data()


@pytest.fixture
def watched(page):
    """The page, with every CSP violation it reports (console and event) collected in a list."""
    reports = []
    page.add_init_script(RECORD_VIOLATIONS)
    page.on(
        "console",
        lambda message: (
            reports.append(f"console: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )

    def violations():
        """The violations reported since the last call (events: since the page loaded)."""
        events = page.evaluate("window.__cspViolations || []")
        found = reports + [f"event: {event}" for event in events]
        reports.clear()
        return found

    page.violations = violations
    return page


def visit(page, url):
    """Open `url`, let its scripts run, and return the violations reported so far."""
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return page.violations()


def test_the_public_pages_break_no_directive(watched, live_server, demo):
    open_petition = PetitionPage.objects.get(slug="stop-human-traffickers")
    closed_petition = PetitionPage.objects.get(slug="train-hotel-staff")
    campaign = FundraisingCampaignPage.objects.get(slug="spring-into-action")
    urls = [
        "/",
        open_petition.url,
        closed_petition.url,
        campaign.url,
        "/accounts/login/",
        "/accounts/signup/",
        "/no-such-page/",
    ]

    found = {url: visit(watched, f"{live_server.url}{url}") for url in urls}

    assert found == dict.fromkeys(urls, [])


def test_the_sign_forms_zip_look_up_works_under_the_policy(watched, live_server, demo):
    petition = PetitionPage.objects.get(slug="stop-human-traffickers")
    visit(watched, f"{live_server.url}{petition.url}")

    watched.get_by_label("ZIP code", exact=True).fill("78701")

    # The first look-up loads the ZIP table in the server: allow it time on a busy machine.
    expect(watched.locator("[data-recipient]")).to_contain_text("Texas", timeout=30_000)
    watched.get_by_label("ZIP code", exact=True).fill("42223")
    expect(watched.get_by_label("State or territory")).to_be_visible()
    assert watched.violations() == []


def test_the_donate_forms_amount_script_and_the_test_checkout_work_under_the_policy(
    watched, live_server, demo
):
    campaign = FundraisingCampaignPage.objects.get(slug="spring-into-action")
    visit(watched, f"{live_server.url}{campaign.url}")
    panel = watched.get_by_role("complementary", name="Give to Spring into Action")
    typed = panel.get_by_label("Your amount (US dollars)")
    expect(typed).to_be_hidden()  # the script hides the box until "Other amount"

    panel.get_by_text("Other amount", exact=True).click()
    expect(typed).to_be_visible()
    typed.fill("35")
    panel.get_by_label("First name", exact=True).fill("Kim")
    panel.get_by_label("Last name", exact=True).fill("Lee")
    panel.get_by_label("Email", exact=True).fill("kim.lee@example.org")
    panel.get_by_role("button", name="Continue to payment").click()
    expect(watched.get_by_role("heading", level=1)).to_have_text("Complete your gift of $35")
    watched.get_by_role("button", name="Complete test payment").click()

    expect(watched.get_by_role("heading", level=1)).to_contain_text("Thank you")
    assert watched.violations() == []


def test_the_admin_dashboard_and_page_editor_break_no_directive(watched, live_server, demo):
    petition = PetitionPage.objects.get(slug="stop-human-traffickers")
    home = HomePage.objects.get()
    watched.goto(f"{live_server.url}/admin/")
    watched.get_by_label("Email").fill(DEMO_STAFF_EMAIL)
    watched.get_by_label("Password").fill(DEMO_STAFF_PASSWORD)
    watched.get_by_role("button", name="Log in").click()
    watched.wait_for_url(f"{live_server.url}/admin/")

    urls = [
        "/admin/",
        f"/admin/pages/{home.pk}/edit/",
        f"/admin/pages/{petition.pk}/edit/",
        "/admin/reports/site-history/",
        f"/admin/petitions/{petition.pk}/report/",
        f"/admin/petitions/{petition.pk}/deliveries/",
    ]
    found = {url: visit(watched, f"{live_server.url}{url}") for url in urls}

    assert found == dict.fromkeys(urls, [])
    # The deliveries page's styles come from its own stylesheet, not an inline <style>.
    figures = watched.locator(".petition-deliveries .figures").first
    assert figures.evaluate("element => getComputedStyle(element).display") == "flex"
    # The editor's own scripts run: its action menu opens.
    watched.goto(f"{live_server.url}/admin/pages/{petition.pk}/edit/")
    watched.get_by_role("button", name="More actions").click()
    expect(watched.get_by_role("button", name="Publish")).to_be_visible()
    assert watched.violations() == []


def test_staff_see_a_public_page_with_wagtails_user_bar_and_break_no_directive(
    watched, live_server, demo, settings
):
    settings.WAGTAILADMIN_BASE_URL = live_server.url  # the user bar's scripts come from here
    petition = PetitionPage.objects.get(slug="stop-human-traffickers")
    watched.goto(f"{live_server.url}/accounts/login/")
    watched.get_by_label("Email").fill(DEMO_STAFF_EMAIL)
    watched.get_by_label("Password").fill(DEMO_STAFF_PASSWORD)
    watched.get_by_role("button", name="Log in").click()
    watched.wait_for_url(f"{live_server.url}/")

    found = visit(watched, f"{live_server.url}{petition.url}")

    assert found == []
    expect(watched.locator("wagtail-userbar")).to_have_count(1)
