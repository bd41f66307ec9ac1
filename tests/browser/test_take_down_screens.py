"""Staff take down a demo fundraiser page in Chromium, from its Actions menu in the admin;
screenshots of the confirm screen in docs/screenshots/."""

import pytest
from playwright.sync_api import expect
from wagtail.models import PageLogEntry

from campaigns.models import FundraiserPage
from campaigns.takedown import TAKEN_DOWN
from donations.models import DonationTotal
from northstar.models import OutboundEmail
from tests.browser.screenshots import DESKTOP, SCREENSHOT_DIR
from tests.browser.test_campaign_report_screens import log_in_as_staff
from tests.browser.test_csp import RECORD_VIOLATIONS
from tests.support.demo import load_demo_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "The story asks for gifts to a personal bank account, which our rules do not allow."


@pytest.fixture
def demo(db, settings):
    settings.STRIPE_SECRET_KEY = ""
    load_demo_data()


def test_staff_take_down_a_live_fundraiser_page_with_a_reason(
    page, live_server, demo, mail_kept_queued
):
    fundraiser = (
        FundraiserPage.objects.live().filter(team__isnull=False).select_related("supporter").first()
    )
    levels = (fundraiser.pk, fundraiser.team_id, fundraiser.get_parent().pk)
    before = [DonationTotal.objects.total(page=pk) for pk in levels]
    page.add_init_script(RECORD_VIOLATIONS)
    page.set_viewport_size(DESKTOP)
    log_in_as_staff(page, live_server)
    page.goto(f"{live_server.url}/admin/pages/{fundraiser.pk}/edit/")

    page.get_by_role("navigation", name="Actions", exact=True).get_by_role("button").click()
    page.get_by_role("link", name="Take down this page").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Take down this page")
    expect(page.locator("main")).to_contain_text(
        f"This will unpublish {fundraiser.title} and email its owner "
        f"{fundraiser.supporter.first_name} the reason below."
    )
    reason = page.get_by_label("Reason (sent to the owner)")
    reason.fill(REASON)
    page.screenshot(path=SCREENSHOT_DIR / "staff-take-down-desktop.png", full_page=True)
    reason.fill("")
    page.get_by_role("button", name="Take down and email").click()
    expect(page.get_by_role("alert")).to_contain_text("Please write the reason")
    assert FundraiserPage.objects.get(pk=fundraiser.pk).live
    page.get_by_label("Reason (sent to the owner)").fill(REASON)
    page.get_by_role("button", name="Take down and email").click()

    expect(page.locator(".messages")).to_contain_text("is no longer live")
    assert page.evaluate("window.__cspViolations") == []
    fundraiser.refresh_from_db()
    assert not fundraiser.live
    email = OutboundEmail.objects.get(template="campaigns/page_taken_down")
    assert (email.to, email.context["reason"]) == (fundraiser.supporter.email, REASON)
    assert [DonationTotal.objects.total(page=pk) for pk in levels] == before
    assert PageLogEntry.objects.filter(page=fundraiser, action=TAKEN_DOWN).count() == 1

    page.goto(f"{live_server.url}/admin/pages/{fundraiser.pk}/history/")
    expect(page.locator("main")).to_contain_text(
        f"Taken down; {fundraiser.supporter.first_name} was emailed the reason: {REASON}"
    )


def log_in_as_supporter(page, live_server):
    from campaigns.demo import DEMO_SUPPORTER_EMAIL, DEMO_SUPPORTER_PASSWORD

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(DEMO_SUPPORTER_EMAIL)
    page.get_by_label("Password").fill(DEMO_SUPPORTER_PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_a_page_taken_down_while_its_edit_waits_stays_down_when_a_moderator_approves_it(
    browser, live_server, demo, mail_kept_queued
):
    from campaigns.demo import DEMO_SUPPORTER_EMAIL

    fundraiser = FundraiserPage.objects.live().get(supporter__email=DEMO_SUPPORTER_EMAIL)
    owner, moderator, staff = (browser.new_context(viewport=DESKTOP).new_page() for _ in range(3))

    log_in_as_supporter(owner, live_server)
    owner.goto(f"{live_server.url}/dashboard/pages/{fundraiser.pk}/edit/")
    owner.get_by_label("Your story").fill("My edited story, waiting for approval.")
    owner.get_by_role("button", name="Save").click()
    expect(owner.locator("main")).to_contain_text("waiting for approval")

    log_in_as_staff(moderator, live_server)
    moderator.goto(f"{live_server.url}/admin/pages/{fundraiser.pk}/edit/")
    log_in_as_staff(staff, live_server)
    staff.goto(f"{live_server.url}/admin/take-down/{fundraiser.pk}/")
    staff.get_by_label("Reason (sent to the owner)").fill(REASON)
    staff.get_by_role("button", name="Take down and email").click()
    expect(staff.locator(".messages")).to_contain_text("is no longer live")

    # The moderator's screen was opened before the take-down: its Approve still shows.
    moderator.get_by_role("button", name="More actions").last.click()
    moderator.locator("button[data-workflow-action-name='approve']").first.click()
    moderator.wait_for_load_state()

    fundraiser.refresh_from_db()
    assert not fundraiser.live
    assert fundraiser.taken_down_at is not None
    assert not OutboundEmail.objects.filter(template="campaigns/moderation_approved").exists()
    assert owner.goto(f"{live_server.url}{fundraiser.get_url_parts()[2]}").status == 404

    owner.goto(f"{live_server.url}/dashboard/")
    expect(owner.locator("main")).to_contain_text("taken down by our staff")
    owner.screenshot(path=SCREENSHOT_DIR / "dashboard-page-taken-down-desktop.png", full_page=True)
    staff.goto(f"{live_server.url}/admin/pages/{fundraiser.get_parent().pk}/")
    expect(staff.locator("main")).to_contain_text("taken down")
    staff.screenshot(path=SCREENSHOT_DIR / "staff-listing-taken-down-desktop.png", full_page=True)
    for tab in (owner, moderator, staff):
        tab.context.close()
