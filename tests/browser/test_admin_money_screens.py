"""In Chromium, staff see what happened to gifts (screenshots in docs/screenshots/): the
Donations list with "Partly refunded", "Refunded" and "Disputed" beside the status; a gift's
screen with its refunds and disputes; a payment held for review refunded from its screen; the
monthly plans list and a plan's screen."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.db import transaction
from playwright.sync_api import expect

from donations.models import Dispute, Donation, RecurringGift
from donations.recurring import bill_installment, complete_local_checkout
from donations.refunds import refund
from tests.browser.screenshots import SCREENSHOT_DIR
from tests.campaigns.factories import (
    FundraiserPageFactory,
    FundraisingCampaignPageFactory,
    paid_gift,
)
from tests.donations.factories import DonationFactory
from tests.donations.monthly_support import RecurringGiftFactory
from tests.site.factories import StaffUserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
EMAIL = "robin@northstar.test"


@pytest.fixture
def gifts(home_page, settings):
    """Gifts to Maria's walk in Spring into Action: paid, partly refunded, refunded, disputed,
    one held for review, and a monthly plan with two installments."""
    settings.STRIPE_SECRET_KEY = ""
    staff = StaffUserFactory(email=EMAIL, first_name="Robin", last_name="Okafor")
    EmailAddress.objects.create(user=staff, email=EMAIL, verified=True, primary=True)
    campaign = FundraisingCampaignPageFactory(title="Spring into Action")
    walk = FundraiserPageFactory(parent=campaign, title="Maria's walk")
    made = {}
    with transaction.atomic():
        for first, last, cents in [
            ("Ana", "Silva", 5000),
            ("Sam", "Ortiz", 2500),
            ("Grace", "Kim", 10000),
            ("Lee", "Chen", 7500),
        ]:
            made[first] = paid_gift(walk, cents, first_name=first, last_name=last)
    refund(made["Ana"], 1000, by=staff, reason="Gave $10 too much, asked by phone")
    refund(made["Sam"], 2500, by=staff, reason="Given twice by mistake")
    Dispute.objects.create(
        donation=made["Grace"],
        stripe_dispute_id="dp_1GraceKim",
        amount_cents=10000,
        status="needs_response",
        reason="fraudulent",
        evidence_due_by=datetime.datetime(2026, 5, 1, 3, 59, tzinfo=datetime.UTC),
        fee_cents=1500,
    )
    held = DonationFactory(page=walk, first_name="Jordan", last_name="Taylor")
    held.hold_for_review(
        Donation.ReviewReason.AMOUNT_DIFFERS,
        "Stripe collected $45 for a gift of $50.",
        amount_cents=4500,
        currency="usd",
        payment_intent_id="pi_3Held",
    )
    plan = RecurringGiftFactory(page=walk, first_name="Maya", last_name="Patel")
    complete_local_checkout(plan)
    bill_installment(RecurringGift.objects.get(pk=plan.pk), datetime.date(2026, 7, 3))
    return {"held": held, "ana": made["Ana"], "grace": made["Grace"], "plan": plan}


def log_in(page, live_server):
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/admin/")


def shot(page, name, height=1400):
    """The admin scrolls inside its own layout: a tall window shows the whole screen."""
    page.set_viewport_size({"width": 1280, "height": height})
    page.screenshot(path=SCREENSHOT_DIR / f"{name}-desktop.png", full_page=True)


def test_staff_see_what_happened_to_gifts_and_refund_a_held_payment(page, live_server, gifts):
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    log_in(page, live_server)

    page.goto(f"{live_server.url}/admin/donation/")
    expect(page.locator("td .w-status", has_text="Partly refunded")).to_be_visible()
    shot(page, "staff-donations-list", 1000)

    page.goto(f"{live_server.url}/admin/donation/inspect/{gifts['ana'].pk}/")
    expect(page.get_by_role("heading", name="Refunds")).to_be_visible()
    shot(page, "staff-gift-refunds-and-disputes")
    page.goto(f"{live_server.url}/admin/donation/inspect/{gifts['grace'].pk}/")
    expect(page.get_by_role("link", name="Open in Stripe's dashboard")).to_be_visible()
    shot(page, "staff-gift-disputed")

    page.goto(f"{live_server.url}/admin/donation/inspect/{gifts['held'].pk}/")
    shot(page, "staff-gift-held-for-review", 1000)
    page.get_by_role("link", name="Refund…").click()
    expect(page.get_by_text("No total changes")).to_be_visible()
    page.get_by_label("Reason").fill("The donor was charged tax by mistake")
    shot(page, "staff-refund-held-payment", 1000)
    page.get_by_role("button", name="Refund $45.00 to Jordan Taylor").click()
    expect(page.get_by_text("Refunded $45.00 to Jordan Taylor")).to_be_visible()
    gifts["held"].refresh_from_db()
    assert gifts["held"].status == Donation.Status.REFUNDED

    page.goto(f"{live_server.url}/admin/monthly-gifts/")
    expect(page.get_by_text("Maya Patel")).to_be_visible()
    shot(page, "staff-monthly-gifts-list", 900)
    page.goto(f"{live_server.url}/admin/monthly-gifts/inspect/{gifts['plan'].pk}/")
    expect(page.get_by_role("heading", name="Installments")).to_be_visible()
    shot(page, "staff-monthly-gift")
