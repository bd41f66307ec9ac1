"""Issue 29's journey in Chromium, with the real worker, on the demo campaign:

- on a phone (390 px), a donor gives $50 to Spring into Action in memory of Rosa Diaz,
  covering the fee (the box unticked until they tick it; its label names the fee the server
  charges) and asking us to tell Carlos Diaz; pays at the local test checkout (no Stripe
  keys); reads the receipt the worker numbered and sent, and Carlos reads the card; the
  receipt's link opens "all my giving", whose PDF receipt downloads;
- on a phone, a fundraiser page's owner reports a $40 cash gift from their dashboard: it
  awaits confirmation and the page's total does not move; at a desktop's width (1280 px)
  staff confirm it on the admin's Offline gifts screen, through the confirm step, and the
  page's and the campaign's thermometers move by exactly $40;
- staff filter the Donations list to the campaign, read the count and the net total there,
  and download the CSV: a BOM, the donor's gift with its fee apart, the offline gift marked
  offline.

Screenshots: docs/screenshots/giving-*.png. axe finds no violation on the donor's and the
owner's pages.
"""

import csv
import io
import re
from urllib.parse import urlparse

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from campaigns.demo import DEMO_SUPPORTER_EMAIL
from campaigns.models import FundraiserPage, FundraisingCampaignPage
from donations.fees import fee_rule, fee_to_cover
from donations.models import Donation
from donations.money import amount_cents, format_money
from donations.receipts import receipt_details
from northstar.days import organisation_today
from northstar.models import User
from tests.browser.accessibility import axe_violations, describe
from tests.browser.screenshots import DESKTOP, MOBILE, SCREENSHOT_DIR
from tests.site.factories import StaffUserFactory
from tests.support.demo import load_demo_data
from tests.support.outbox import text_body

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Addresses of this journey only: the worker's captured mail is shared by the session.
DONOR_EMAIL = "noor.haddad.journey@example.org"
TOLD_EMAIL = "carlos.diaz.journey@example.org"
REMEMBERED = "Rosa Diaz"
OWNERS_PAGE = "Jordan's spring 10K for survivors"  # the demo supporter's page
GIVING_LINK = re.compile(r"https?://\S+/donations/giving/[^/\s]+/")
RECEIPT_NUMBER = re.compile(r"\b\d{4}-\d{6}\b")


@pytest.fixture
def demo(db, settings):
    settings.STRIPE_SECRET_KEY = ""  # the local test checkout
    load_demo_data()
    return FundraisingCampaignPage.objects.get(slug="spring-into-action")


def signed_in(browser, live_server, user, viewport):
    """A browser context signed in as `user` through a session the test client made (the
    login form is not tested here)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport=viewport, is_mobile=viewport == MOBILE)
    session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    return context


def new_tab(context):
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    return tab


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


def shot(tab, name, full_page=True):
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=SCREENSHOT_DIR / f"{name}.png", full_page=full_page, animations="disabled")


def admin_shot(tab, name, height=1000):
    """The admin scrolls inside its own layout: a tall window shows the whole screen."""
    tab.set_viewport_size({"width": DESKTOP["width"], "height": height})
    shot(tab, name)
    tab.set_viewport_size(DESKTOP)


def give_in_memory_with_the_fee_covered(tab, live_server, campaign):
    """Part 1: the donate form on a phone, the test checkout, the thank-you page."""
    fee = fee_to_cover(5000, fee_rule("usd"))
    tab.goto(f"{live_server.url}{campaign.url}")
    panel = tab.get_by_role("complementary", name=f"Give to {campaign.title}")
    panel.locator("label", has_text=re.compile(r"^\$50$")).click()
    cover = panel.get_by_role("checkbox", name=re.compile("reaches the cause"))
    expect(cover).not_to_be_checked()
    expect(cover).to_have_accessible_name(
        f"Add {format_money(fee, 'usd')} so that all of my $50 reaches the cause"
    )
    cover.check()

    panel.get_by_label("First name", exact=True).fill("Noor")
    panel.get_by_label("Last name", exact=True).fill("Haddad")
    panel.get_by_label("Email", exact=True).fill(DONOR_EMAIL)
    panel.get_by_label("Show my name publicly").check()
    form = panel.locator("form.donate-form")
    tribute = form.locator("details.tribute")
    tribute.locator("summary").click()
    form.get_by_label("In memory of").check()
    form.get_by_label("Their name", exact=True).fill(REMEMBERED)
    form.get_by_label("Name of the person to tell").fill("Carlos Diaz")
    form.get_by_label("Their email").fill(TOLD_EMAIL)
    form.get_by_label("Your message to them").fill("Rosa volunteered at the shelter for years.")
    expect(form.get_by_label("Tell them the amount of my gift")).not_to_be_checked()
    assert_no_violation(tab, "the donate form, fee covered, tribute open")
    shot(tab, "giving-donate-form-fee-and-tribute-mobile")
    panel.get_by_role("button", name="Continue to payment").click()

    expect(tab.get_by_role("note")).to_contain_text("Test checkout — no card is charged")
    shot(tab, "giving-test-checkout-with-fee-mobile")
    assert_no_violation(tab, "the test checkout with a fee")
    tab.get_by_role("button", name="Complete test payment").click()
    expect(tab.get_by_role("heading", level=1)).to_contain_text("is confirmed")
    expect(tab.locator("main")).to_contain_text(format_money(fee, "usd"))
    shot(tab, "giving-thank-you-fee-covered-mobile")
    assert_no_violation(tab, "the thank-you page")

    gift = Donation.objects.get(email=DONOR_EMAIL)
    assert (gift.status, gift.amount_cents, gift.fee_cents) == (Donation.Status.PAID, 5000, fee)
    assert (gift.tribute, gift.tribute_name) == (Donation.Tribute.MEMORY, REMEMBERED)
    return gift


def read_the_card_and_the_receipt(worker_outbox, gift):
    """Part 2: what the real worker sent: the card to the person told, the receipt."""
    [card] = worker_outbox.wait_for(TOLD_EMAIL)
    card_text = text_body(card)
    assert f"A gift in memory of {REMEMBERED}" in str(card["Subject"])
    assert f'Noor H. has given a gift to "Spring into Action" in memory of {REMEMBERED}.' in (
        card_text
    )
    assert "Rosa volunteered at the shelter for years." in card_text
    assert "$" not in card_text  # the donor did not allow the amount
    assert DONOR_EMAIL not in card_text

    [receipt] = worker_outbox.wait_for(DONOR_EMAIL)
    body = text_body(receipt)
    gift.refresh_from_db()
    number = receipt_details(gift)["number"]
    assert RECEIPT_NUMBER.fullmatch(number), number
    assert f"Receipt number: {number}" in body
    assert "Amount: $50.00" in body.splitlines()
    assert f"Fee you covered: {format_money(gift.fee_cents, 'usd', exact=True)}" in body
    assert f"Dedication: In memory of {REMEMBERED}" in body
    assert "No goods or services were provided in exchange for this contribution." in body
    assert TOLD_EMAIL not in body
    return number, urlparse(GIVING_LINK.search(body).group(0)).path


def open_all_my_giving(tab, live_server, giving_path, number):
    """Part 3: the page of all my giving, and its PDF receipt."""
    tab.goto(f"{live_server.url}{giving_path}")
    expect(tab.get_by_role("heading", name="Thank you for your gifts")).to_be_visible()
    gifts = tab.locator("[data-gift]")
    expect(gifts).to_have_count(1)
    expect(gifts.first).to_contain_text(number)
    expect(gifts.first).to_contain_text(f"In memory of {REMEMBERED}")
    shot(tab, "giving-all-my-giving-from-the-receipt-mobile")
    assert_no_violation(tab, "all my giving")

    href = gifts.first.get_by_role("link", name="Download the receipt").get_attribute("href")
    pdf = tab.context.request.get(f"{live_server.url}{href}")
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    assert number in pdf.headers.get("content-disposition", "")


def owner_reports_forty_dollars_in_cash(browser, live_server, page, visitor):
    """Part 4, the owner's half: reported on the dashboard, awaiting, counted nowhere."""
    page_url = f"{live_server.url}{page.url}"
    before = raised(visitor, page_url)
    owner = User.objects.get(email=DEMO_SUPPORTER_EMAIL)
    context = signed_in(browser, live_server, owner, MOBILE)
    tab = new_tab(context)
    tab.goto(f"{live_server.url}{reverse('dashboard:home')}")
    tab.get_by_role("link", name="Report a gift given offline").click()
    expect(tab.get_by_role("heading", level=1)).to_have_text("Report a gift given offline")
    tab.get_by_label("Amount").fill("40")
    expect(tab.get_by_label("Cash")).to_be_checked()
    tab.get_by_label("Date you received it").fill(organisation_today().isoformat())
    tab.get_by_label("Who gave it").fill("Aunt May")
    tab.get_by_label("A note for our staff").fill("Given at the bake sale")
    assert_no_violation(tab, "the owner's report form")
    shot(tab, "giving-owner-reports-cash-gift-mobile")
    tab.get_by_role("button", name="Report this gift").click()

    reported = tab.get_by_role("region", name="Gifts given offline that you reported")
    expect(reported).to_contain_text("Aunt May")
    expect(reported).to_contain_text("$40")
    expect(reported).to_contain_text("Awaiting confirmation: not counted yet")
    reported.scroll_into_view_if_needed()
    shot(tab, "giving-owner-dashboard-awaiting-mobile")
    assert_no_violation(tab, "the owner's dashboard with a reported gift")
    assert raised(visitor, page_url) == before
    context.close()
    return before


def staff_confirm_it(staff, live_server):
    """Part 4, the staff's half: the admin's Offline gifts screen and its confirm step."""
    staff.goto(f"{live_server.url}/admin/offline-gifts/")
    row = staff.get_by_role("row").filter(has_text="Aunt May")
    expect(row).to_contain_text("$40")
    expect(row).to_contain_text(OWNERS_PAGE)
    admin_shot(staff, "giving-staff-offline-gifts-awaiting-desktop", 800)
    row.get_by_role("button", name="Confirm…").click()

    warning = staff.locator(".help-warning")
    expect(warning).to_contain_text("$40")
    expect(warning).to_contain_text(OWNERS_PAGE)
    admin_shot(staff, "giving-staff-confirm-offline-gift-desktop", 700)
    staff.get_by_role("button", name="Confirm 1 gift").click()
    expect(staff.get_by_text("Confirmed 1 gift: they count now.")).to_be_visible()


def staff_filter_and_export(staff, live_server, campaign):
    """Part 5: the Donations list filtered to the campaign, its count and net total, the
    CSV of what is filtered."""
    staff.goto(f"{live_server.url}/admin/donation/")
    staff.get_by_role("button", name="Show filters").click()
    staff.get_by_role("button", name="Campaign").click()
    staff.get_by_label("Campaign").select_option(label=campaign.title)
    count = Donation.objects.filter(page__path__startswith=campaign.path).count()
    expect(staff.locator("#gift-totals")).to_have_text(f"{count:,} gifts match these filters")
    staff.keyboard.press("Escape")
    summary = staff.locator(".gift-summary")
    admin_shot(staff, "giving-staff-donations-list-filtered-desktop", 1400)

    with staff.expect_download() as download:
        staff.get_by_role("link", name=re.compile("Download these gifts")).click()
    data = download.value.path().read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == count
    [given] = [row for row in rows if row["Donor email"] == DONOR_EMAIL]
    fee = Donation.objects.get(email=DONOR_EMAIL).fee_cents
    assert (given["Gift"], given["Fee covered"], given["Net"]) == (
        "50.00",
        f"{fee / 100:.2f}",
        f"{(5000 + fee) / 100:.2f}",
    )
    assert given["Dedication"] == f"In memory of {REMEMBERED}"
    [cash] = [row for row in rows if row["Donor name"] == "Aunt May"]
    assert (cash["Gift"], cash["Kind"], cash["Method"], cash["Status"]) == (
        "40.00",
        "Offline",
        "Cash",
        "Paid",
    )
    counted = {"Paid", "Refunded"}
    net = sum(amount_cents(row["Net"]) for row in rows if row["Status"] in counted)
    expect(summary).to_contain_text(f"Raised, net: {format_money(net, 'usd')} from")


def test_a_donor_gives_in_memory_with_the_fee_covered_and_finance_confirm_and_export(
    browser, live_server, demo, worker_outbox, receipt_task_after_commit
):
    phone = new_tab(browser.new_context(viewport=MOBILE, is_mobile=True))
    gift = give_in_memory_with_the_fee_covered(phone, live_server, demo)
    number, giving_path = read_the_card_and_the_receipt(worker_outbox, gift)
    open_all_my_giving(phone, live_server, giving_path, number)
    phone.context.close()

    visitor = new_tab(browser.new_context(viewport=DESKTOP))
    page = FundraiserPage.objects.get(title=OWNERS_PAGE)
    urls = {"page": f"{live_server.url}{page.url}", "campaign": f"{live_server.url}{demo.url}"}
    before = owner_reports_forty_dollars_in_cash(browser, live_server, page, visitor)
    campaign_before = raised(visitor, urls["campaign"])

    staff = new_tab(signed_in(browser, live_server, StaffUserFactory(), DESKTOP))
    staff_confirm_it(staff, live_server)
    assert raised(visitor, urls["page"]) == before + 4000
    shot(visitor, "giving-page-thermometer-after-cash-gift-desktop", full_page=False)
    assert raised(visitor, urls["campaign"]) == campaign_before + 4000

    staff_filter_and_export(staff, live_server, demo)
