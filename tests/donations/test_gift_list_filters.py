"""The staff gifts list (issue 29): filters by campaign (its whole subtree), state, kind and
the organisation's days, a search by donor or dedication, the count and net total at the
top in one query, the chart per campaign, and a page of gifts in a fixed number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from donations import gift_reports
from donations.gift_admin import donation_list_queryset
from donations.models import Donation
from donations.refunds import refund
from tests.campaigns.factories import FundraisingCampaignPageFactory, paid_gift
from tests.donations.factories import DonationFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
LIST = "/admin/donation/"


@pytest.fixture
def other_campaign(home_page):
    return FundraisingCampaignPageFactory(title="Winter Coats", slug="winter-coats")


def shown(html, *names):
    return {name for name in names if f"{name} Donor" in html}


def test_filtering_by_campaign_keeps_a_fundraiser_pages_gift_and_drops_another_campaigns(
    staff_client, campaign, fundraiser, other_campaign
):
    paid_gift(campaign, 5000, first_name="Direct", last_name="Donor")
    paid_gift(fundraiser, 2500, first_name="Walker", last_name="Donor")
    paid_gift(other_campaign, 1000, first_name="Coats", last_name="Donor")

    html = staff_client.get(LIST, {"campaign": campaign.pk}).content.decode()

    assert shown(html, "Direct", "Walker", "Coats") == {"Direct", "Walker"}


def test_the_total_at_the_top_is_net_of_a_partial_refund_and_the_fee(
    staff_client, campaign, staff, no_stripe
):
    gift = paid_gift(campaign, 5000, fee_cents=175)
    paid_gift(campaign, 2000)
    DonationFactory(page=campaign, amount_cents=9900)  # pending: raises nothing
    refund(gift, 1000, by=staff, reason="Asked by phone")

    totals = gift_reports.gift_totals(donation_list_queryset())
    html = staff_client.get(LIST).content.decode()

    assert totals.count == 3
    [usd] = totals.currencies
    assert (usd.paid_count, usd.gift_cents, usd.fee_cents, usd.refunded_cents) == (
        2,
        7000,
        175,
        1000,
    )
    assert usd.net_cents == 6175
    assert "Raised, net: <strong>$61.75</strong> from 2 paid gifts" in html


def test_the_totals_are_one_query(campaign, staff, no_stripe):
    gift = paid_gift(campaign, 5000)
    refund(gift, 1000, by=staff, reason="x")

    with CaptureQueriesContext(connection) as captured:
        gift_reports.gift_totals(donation_list_queryset())

    assert len(captured) == 1


def test_a_gift_paid_at_0430_utc_is_on_the_previous_new_york_day(staff_client, campaign):
    late = paid_gift(campaign, 5000, first_name="Late", last_name="Donor")
    Donation.objects.filter(pk=late.pk).update(
        paid_at=datetime.datetime(2026, 4, 15, 4, 30, tzinfo=UTC)  # 00:30 EDT, April 15
    )
    night = paid_gift(campaign, 5000, first_name="Night", last_name="Donor")
    Donation.objects.filter(pk=night.pk).update(
        paid_at=datetime.datetime(2026, 4, 15, 3, 59, tzinfo=UTC)  # 23:59 EDT, April 14
    )

    april_14 = staff_client.get(LIST, {"date_from": "2026-04-14", "date_to": "2026-04-14"})
    april_15 = staff_client.get(LIST, {"date_from": "2026-04-15", "date_to": "2026-04-15"})

    assert shown(april_14.content.decode(), "Late", "Night") == {"Night"}
    assert shown(april_15.content.decode(), "Late", "Night") == {"Late"}


def test_the_list_shows_times_in_the_organisations_zone_and_says_which(staff_client, campaign):
    gift = paid_gift(campaign, 5000)
    Donation.objects.filter(pk=gift.pk).update(
        paid_at=datetime.datetime(2026, 1, 15, 18, 26, tzinfo=UTC)
    )

    list_html = staff_client.get(LIST).content.decode()
    screen_html = staff_client.get(f"/admin/donation/inspect/{gift.pk}/").content.decode()

    assert "Paid or started (America/New_York time)" in list_html
    assert "Jan. 15, 2026, 1:26 p.m. EST" in list_html
    assert "Jan. 15, 2026, 1:26 p.m. EST" in screen_html
    assert "6:26 p.m." not in list_html + screen_html


def test_each_row_links_to_the_gifts_screen(staff_client, campaign):
    gift = paid_gift(campaign, 5000)

    html = staff_client.get(LIST).content.decode()

    assert f'href="/admin/donation/inspect/{gift.pk}/"' in html


@pytest.mark.parametrize(
    "kind, expected",
    [("one_time", {"Card"}), ("monthly", {"Plan"}), ("offline", {"Cheque"})],
)
def test_the_list_filters_by_kind(staff_client, campaign, kind, expected):
    from tests.donations.monthly_support import RecurringGiftFactory

    paid_gift(campaign, 5000, first_name="Card", last_name="Donor")
    plan = RecurringGiftFactory(page=campaign)
    paid_gift(campaign, 2500, first_name="Plan", last_name="Donor", recurring_gift=plan)
    paid_gift(campaign, 4000, first_name="Cheque", last_name="Donor", method=Donation.Method.CHEQUE)

    html = staff_client.get(LIST, {"kind": kind}).content.decode()

    assert shown(html, "Card", "Plan", "Cheque") == expected


@pytest.mark.parametrize(
    "state, expected",
    [
        ("paid", {"Whole"}),
        ("partly_refunded", {"Part"}),
        ("pending", {"Waiting"}),
        ("awaiting", {"Reported"}),
    ],
)
def test_the_list_filters_by_state(staff_client, campaign, staff, no_stripe, state, expected):
    paid_gift(campaign, 5000, first_name="Whole", last_name="Donor")
    part = paid_gift(campaign, 5000, first_name="Part", last_name="Donor")
    refund(part, 1000, by=staff, reason="x")
    DonationFactory(page=campaign, first_name="Waiting", last_name="Donor")
    DonationFactory(
        page=campaign,
        first_name="Reported",
        last_name="Donor",
        method=Donation.Method.CASH,
        status=Donation.Status.AWAITING_CONFIRMATION,
    )

    html = staff_client.get(LIST, {"state": state}).content.decode()

    assert shown(html, "Whole", "Part", "Waiting", "Reported") == expected


@pytest.mark.parametrize("query", ["ana ruiz", "ANA@EXAMPLE", "Rosa Diaz"])
def test_the_search_finds_a_gift_by_donor_name_email_or_dedication(staff_client, campaign, query):
    paid_gift(
        campaign,
        5000,
        first_name="Ana",
        last_name="Ruiz",
        email="ana@example.org",
        tribute=Donation.Tribute.MEMORY,
        tribute_name="Rosa Diaz",
    )
    paid_gift(campaign, 5000, first_name="Other", last_name="Donor")

    html = staff_client.get(LIST, {"q": query}).content.decode()

    assert "Ana Ruiz" in html
    assert "Other Donor" not in html
    assert "In memory of Rosa Diaz" in html


def test_the_chart_counts_a_refund_on_the_day_it_was_made(campaign, staff, no_stripe):
    gift = paid_gift(campaign, 5000)
    Donation.objects.filter(pk=gift.pk).update(
        paid_at=datetime.datetime(2026, 4, 10, 15, 0, tzinfo=UTC)
    )
    refund(gift, 2000, by=staff, reason="x")
    gift.refunds.update(created=datetime.datetime(2026, 4, 12, 3, 0, tzinfo=UTC))  # Apr 11 NY

    charts, more = gift_reports.raised_per_day_by_campaign(
        donation_list_queryset(), datetime.date(2026, 4, 9), datetime.date(2026, 4, 12)
    )

    [chart] = charts
    assert chart.title == "Spring into Action"
    assert [bar.count for bar in chart.chart.bars] == [0, 5000, -2000, 0]
    assert more == 0


def test_a_page_of_the_list_takes_the_same_queries_for_5_or_50_gifts(
    staff_client, campaign, fundraiser, staff, no_stripe, django_assert_max_num_queries
):
    def gifts(count):
        for n in range(count):
            gift = paid_gift(fundraiser if n % 2 else campaign, 5000)
            if n % 3 == 0:
                refund(gift, 1000, by=staff, reason="x")

    gifts(5)
    with CaptureQueriesContext(connection) as few:
        staff_client.get(LIST, {"campaign": campaign.pk, "q": "jordan"})
    gifts(45)

    with django_assert_max_num_queries(len(few)):
        response = staff_client.get(LIST, {"campaign": campaign.pk, "q": "jordan"})
    assert response.status_code == 200


def test_the_total_at_the_top_leaves_out_a_disputed_gift_as_the_thermometer_does(
    staff_client, campaign, no_stripe
):
    from donations.disputes import dispute_changed
    from donations.models import DonationTotal
    from tests.support.stripe_events import stripe_object

    paid_gift(campaign, 5000, fee_cents=144)
    disputed = paid_gift(campaign, 7500, payment_intent_id="pi_3Disputed")
    dispute_changed(
        stripe_object(
            "dispute",
            id="dp_1Disputed",
            amount=7500,
            currency="usd",
            charge="ch_1Disputed",
            payment_intent=disputed.payment_intent_id,
            status="needs_response",
        )
    )

    [usd] = gift_reports.gift_totals(donation_list_queryset()).currencies
    html = staff_client.get(LIST).content.decode()

    assert usd.net_cents == 5144 == DonationTotal.objects.total(page=campaign.pk).amount_cents
    assert "Raised, net: <strong>$51.44</strong>" in html
    assert "$75 in disputes open or lost" in html


def test_a_gift_refunded_all_but_its_fee_is_partly_refunded(campaign, staff, no_stripe):
    gift = paid_gift(campaign, 5000, fee_cents=144)
    refund(gift, 5000, by=staff, reason="Kept the fee by mistake")

    partly = gift_reports.filter_state(donation_list_queryset(), gift_reports.PARTLY_REFUNDED)

    assert list(partly) == [gift]
