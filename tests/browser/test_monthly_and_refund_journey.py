"""In Chromium, with the real worker, on the demo campaign:

- on a phone (390 px), a donor gives $25 a month on a fundraiser page through the local test
  checkout, gets the receipt the worker sends and follows its manage link; the next month is
  billed (`manage.py bill_monthly_gifts --now`) and counted; the donor cancels from the link
  and no month is billed after that;
- at a desktop's width (1280 px), staff refund $10 of another gift from its screen in the
  admin, through the confirm step, and the page's, team's and campaign's thermometers each
  drop by exactly $10.

Screenshots: monthly-donate-form, monthly-manage, monthly-cancelled (390 px),
refund-confirm-step and refund-thermometers-after (1280 px). axe finds no violation on the
donor's pages.
"""

import re
from io import StringIO
from urllib.parse import urlparse

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from campaigns.models import FundraiserPage, FundraisingCampaignPage
from donations.models import Donation, DonationTotal, RecurringGift
from donations.money import amount_cents
from tests.browser.accessibility import axe_violations, describe
from tests.browser.screenshots import DESKTOP, MOBILE, SCREENSHOT_DIR
from tests.site.factories import StaffUserFactory
from tests.support.demo import load_demo_data
from tests.support.outbox import text_body

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Addresses of this journey only: the worker's captured mail is shared by the session.
DONOR_EMAIL = "riley.monthly@example.org"
MONTHLY_PAGE = "Ben's book sale"  # no team: the monthly gift counts on it and the campaign
REFUNDED_PAGE = "Ana's birthday fundraiser"  # in the Grace Church team
REFUNDED_DONOR = ("Lucas", "Souza")  # $250 to it in the demo
MANAGE_LINK = re.compile(r"https?://\S+/donations/monthly/manage/[^/\s]+/")


@pytest.fixture
def demo(db, settings):
    settings.STRIPE_SECRET_KEY = ""  # the local test checkout and local billing
    load_demo_data()
    return FundraisingCampaignPage.objects.get(slug="spring-into-action")


def raised(tab, url):
    """The amount a page's thermometer shows raised, in cents, read afresh (past the
    one-second anonymous page cache)."""
    tab.wait_for_timeout(1100)
    tab.goto(url)
    return amount_cents(tab.locator("[data-raised]").first.inner_text())


def assert_no_violation(tab, name):
    tab.wait_for_load_state()
    found = axe_violations(tab)
    assert not found, f"{name}:\n{describe(found)}"


def bill_now():
    out = StringIO()
    call_command("bill_monthly_gifts", "--now", stdout=out)
    return out.getvalue()


def test_a_donor_gives_monthly_gets_the_manage_link_and_cancels_after_the_second_month(
    browser, live_server, demo, worker_outbox
):
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=MOBILE, is_mobile=True)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    page = FundraiserPage.objects.get(title=MONTHLY_PAGE)
    page_url = f"{live_server.url}{page.url}"
    before = raised(tab, page_url)

    panel = tab.get_by_role("complementary", name=f"Give to {MONTHLY_PAGE}")
    panel.get_by_text("Monthly", exact=True).click()
    panel.get_by_text("$25", exact=True).click()
    panel.get_by_label("First name", exact=True).fill("Riley")
    panel.get_by_label("Last name", exact=True).fill("Moreno")
    panel.get_by_label("Email", exact=True).fill(DONOR_EMAIL)
    panel.get_by_role("group", name="How often?").scroll_into_view_if_needed()
    tab.screenshot(path=SCREENSHOT_DIR / "monthly-donate-form-mobile.png", animations="disabled")
    assert_no_violation(tab, "fundraiser page, monthly chosen")
    panel.get_by_role("button", name="Continue to payment").click()

    expect(tab.get_by_role("heading", level=1)).to_have_text("Start your monthly gift of $25")
    assert_no_violation(tab, "monthly test checkout")
    tab.get_by_role("button", name="Start test monthly gift").click()
    expect(tab.get_by_role("heading", level=1)).to_have_text("Thank you, Riley")
    expect(
        tab.get_by_text(f"Your monthly gift of $25 to {MONTHLY_PAGE} is set up.")
    ).to_be_visible()
    assert_no_violation(tab, "monthly thank-you")
    assert raised(tab, page_url) == before + 2500

    [receipt] = worker_outbox.wait_for(DONOR_EMAIL)
    body = text_body(receipt)
    assert "This is installment 1 of your monthly gift." in body
    manage_path = urlparse(MANAGE_LINK.search(body).group(0)).path
    tab.goto(f"{live_server.url}{manage_path}")
    expect(tab.get_by_role("heading", level=1)).to_have_text(f"$25 a month to {MONTHLY_PAGE}")
    expect(tab.locator("[data-plan-status]")).to_have_text("Active")
    tab.screenshot(
        path=SCREENSHOT_DIR / "monthly-manage-mobile.png", full_page=True, animations="disabled"
    )
    assert_no_violation(tab, "manage page")

    assert "$25 from Riley M." in bill_now()
    plan = RecurringGift.objects.get(email=DONOR_EMAIL)
    assert plan.installments_paid == 2
    assert worker_outbox.wait_for(DONOR_EMAIL, count=2)
    assert "This is installment 2 of your monthly gift." in text_body(
        worker_outbox.to(DONOR_EMAIL)[-1]
    )
    assert raised(tab, page_url) == before + 5000
    assert DonationTotal.objects.rebuild() == {}  # recount: no drift

    tab.goto(f"{live_server.url}{manage_path}")
    tab.get_by_role("button", name="Cancel my monthly gift").click()
    expect(tab.locator("[data-plan-status]")).to_have_text("Canceled")
    expect(tab.get_by_text("This monthly gift has ended")).to_be_visible()
    payments = tab.get_by_role("region", name="Your payments").get_by_role("listitem")
    expect(payments).to_have_count(2)
    expect(payments.first).to_contain_text("Month 2: $25, paid")
    tab.screenshot(
        path=SCREENSHOT_DIR / "monthly-cancelled-mobile.png", full_page=True, animations="disabled"
    )
    assert_no_violation(tab, "manage page, cancelled")

    assert "Riley" not in bill_now()  # the demo's own monthly donors are billed on
    assert RecurringGift.objects.get(pk=plan.pk).installments_paid == 2
    assert plan.installments.filter(status=Donation.Status.PAID).count() == 2
    assert raised(tab, page_url) == before + 5000
    context.close()


def log_in_as_staff(context, live_server):
    """Staff signed in through a session made by the test client (the login form is not
    tested here)."""
    client = Client()
    client.force_login(StaffUserFactory())
    session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )


def test_staff_refund_ten_dollars_and_every_thermometer_drops_by_exactly_ten(
    browser, live_server, demo
):
    context = browser.new_context(viewport=DESKTOP)
    log_in_as_staff(context, live_server)
    staff = context.new_page()
    staff.set_default_timeout(15_000)
    visitor = browser.new_context(viewport=DESKTOP).new_page()
    visitor.set_default_timeout(15_000)
    page = FundraiserPage.objects.get(title=REFUNDED_PAGE)
    gift = Donation.objects.get(
        page=page, first_name=REFUNDED_DONOR[0], last_name=REFUNDED_DONOR[1]
    )
    urls = {
        "page": f"{live_server.url}{page.url}",
        "team": f"{live_server.url}{page.team.url}",
        "campaign": f"{live_server.url}{demo.url}",
    }
    before = {level: raised(visitor, url) for level, url in urls.items()}

    staff.goto(f"{live_server.url}{reverse('donation:inspect', args=[gift.pk])}")
    staff.get_by_role("link", name="Refund").click()
    staff.get_by_label("Amount to refund").fill("10")
    staff.get_by_label("Reason").fill("Asked by phone to give $240, not $250.")
    staff.get_by_role("button", name="Continue").click()
    warning = staff.locator(".help-warning")
    expect(warning).to_contain_text("This will refund $10.00 to Lucas Souza")
    expect(warning).to_contain_text(REFUNDED_PAGE)
    expect(warning).to_contain_text("Grace Church")
    expect(warning).to_contain_text("Spring into Action")
    expect(warning).to_contain_text("Test mode: this site has no payment provider set up")
    staff.screenshot(
        path=SCREENSHOT_DIR / "refund-confirm-step-desktop.png",
        full_page=True,
        animations="disabled",
    )
    staff.get_by_role("button", name="Refund $10.00 to Lucas Souza").click()
    expect(staff.get_by_text("Refunded $10.00 to Lucas Souza")).to_be_visible()

    after = {level: raised(visitor, url) for level, url in urls.items()}
    assert after == {level: cents - 1000 for level, cents in before.items()}
    visitor.goto(urls["page"])
    visitor.screenshot(
        path=SCREENSHOT_DIR / "refund-thermometers-after-desktop.png",
        full_page=True,
        animations="disabled",
    )
    context.close()
