"""In Chromium: a donor's page of all their giving (gifts by year, a refunded one net, an
offline cheque, a gift in memory of someone, a monthly gift), and an expired link; screenshots
at desktop and mobile widths, and axe finds nothing."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from donations.giving import giving_path, giving_token
from donations.models import Donation, Refund
from tests.browser.accessibility import assert_no_axe_violations
from tests.browser.screenshots import save_screenshots
from tests.campaigns.factories import FundraiserPageFactory, FundraisingCampaignPageFactory
from tests.donations.factories import DonationFactory
from tests.donations.monthly_support import RecurringGiftFactory
from tests.site.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ZOE = "zoe.nguyen@example.org"


def gift(page, cents, days_ago, **fields):
    return DonationFactory(
        page=page,
        email=ZOE,
        first_name="Zoë",
        last_name="Nguyễn",
        amount_cents=cents,
        status=Donation.Status.PAID,
        paid_at=timezone.now() - timedelta(days=days_ago),
        **fields,
    )


@pytest.fixture
def donor(home_page, site_settings):
    site_settings.legal_name = "Harbor Light Coalition, Inc."
    site_settings.ein = "12-3456789"
    site_settings.contact_email = "giving@harborlight.example.org"
    site_settings.save()
    campaign = FundraisingCampaignPageFactory(title="Spring into Action", slug="spring-into-action")
    walk = FundraiserPageFactory(
        parent=campaign, title="María's spring walk for survivors", supporter=UserFactory()
    )
    plan = RecurringGiftFactory(
        page=campaign, email=ZOE, status="active", amount_cents=2500, installments_paid=2
    )
    gift(campaign, 2500, 3, recurring_gift=plan, receipt_year=2026, receipt_number=118)
    gift(walk, 5000, 10, fee_cents=175, tribute="memory", tribute_name="Rosa Díaz")
    refunded = gift(campaign, 10000, 20, receipt_year=2026, receipt_number=64)
    Refund.objects.create(donation=refunded, amount_cents=4000, status="succeeded")
    gift(campaign, 4000, 30, method=Donation.Method.CHEQUE, checkout_session_id=None)
    gift(campaign, 2500, 400, receipt_year=2025, receipt_number=911)
    return plan


def test_a_donor_sees_all_their_giving_and_downloads_a_receipt(page, live_server, donor):
    page.goto(f"{live_server.url}{giving_path(giving_token(ZOE))}")

    expect(page.get_by_role("heading", name="Thank you for your gifts")).to_be_visible()
    expect(page.get_by_text("$25 a month")).to_be_visible()
    expect(page.locator("[data-gift]")).to_have_count(5)
    expect(page.get_by_text("In memory of Rosa Díaz")).to_be_visible()
    assert_no_axe_violations(page, "the giving page")
    save_screenshots(page, "giving-page")

    with page.expect_download() as download:
        page.locator("[data-gift]").first.get_by_role("link", name="Download the receipt").click()
    assert download.value.suggested_filename.startswith("receipt-")


def test_an_expired_link_says_so_and_offers_a_new_one(page, live_server, donor):
    with time_machine.travel(timezone.now() - timedelta(days=91), tick=False):
        token = giving_token(ZOE)
    page.goto(f"{live_server.url}{giving_path(token)}")

    expect(page.get_by_role("heading", name="This link has expired")).to_be_visible()
    expect(page.get_by_label("Your email")).to_be_visible()
    assert_no_axe_violations(page, "the expired giving link")
    save_screenshots(page, "giving-link-expired")
