"""The gifts list's CSV (issue 29): `?export=csv` streams what is filtered through the one
writer (`northstar.exports`): BOM, neutralised formulas, the columns and their values, times
in the organisation's zone; no query per row."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from donations.models import Donation
from donations.refunds import refund
from tests.campaigns.factories import TeamPageFactory, paid_gift

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
LIST = "/admin/donation/"


def download(client, **params):
    response = client.get(LIST, {"export": "csv", **params})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content)
    return body, list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.fixture
def gift(campaign, fundraiser, staff, no_stripe):
    team = TeamPageFactory(parent=campaign, title="Team Sunrise")
    fundraiser.team = team
    fundraiser.save()
    gift = paid_gift(
        fundraiser,
        5000,
        fee_cents=175,
        first_name="=HYPERLINK(1)",
        last_name="Ruiz",
        email="ana@example.org",
        tribute=Donation.Tribute.MEMORY,
        tribute_name="Rosa Diaz",
        payment_intent_id="pi_1Abc",
        receipt_year=2026,
        receipt_number=42,
    )
    Donation.objects.filter(pk=gift.pk).update(
        paid_at=datetime.datetime(2026, 4, 15, 4, 30, tzinfo=UTC)
    )
    refund(gift, 1000, by=staff, reason="Asked by phone")
    return gift


def test_the_export_is_a_real_csv_not_blank_lines(staff_client, gift):
    body, rows = download(staff_client)

    assert body.startswith(b"\xef\xbb\xbf")
    assert len(rows) == 1
    assert body.strip(b"\r\n\xef\xbb\xbf,") != b""


def test_the_export_has_every_column_with_the_right_values(staff_client, gift):
    _, [row] = download(staff_client)

    assert row == {
        "Gift id": str(gift.pk),
        "Gift": "50.00",
        "Fee covered": "1.75",
        "Refunded": "10.00",
        "Disputed": "0.00",
        "Net": "41.75",
        "Currency": "USD",
        "Status": "Paid",
        "Refunds and disputes": "Partly refunded",
        "Kind": "One-time",
        "Method": "Online",
        "Donor name": "'=HYPERLINK(1) Ruiz",
        "Donor email": "ana@example.org",
        "Page": "Maria's walk",
        "Team": "Team Sunrise",
        "Campaign": "Spring into Action",
        "Dedication": "In memory of Rosa Diaz",
        "Receipt number": "2026-000042",
        "Stripe checkout session": gift.checkout_session_id,
        "Stripe payment intent": "pi_1Abc",
        "Stripe invoice": "",
        "Paid at (America/New_York)": "2026-04-15 00:30:00",
    }


def test_the_export_holds_only_what_is_filtered(staff_client, gift, home_page):
    from tests.campaigns.factories import FundraisingCampaignPageFactory

    other = FundraisingCampaignPageFactory(title="Winter Coats", slug="winter-coats")
    paid_gift(other, 1000)

    _, rows = download(staff_client, campaign=gift.page.get_parent().pk)
    _, everything = download(staff_client)

    assert [row["Campaign"] for row in rows] == ["Spring into Action"]
    assert sorted(row["Campaign"] for row in everything) == ["Spring into Action", "Winter Coats"]


def test_wagtails_xlsx_export_is_not_offered_as_a_second_export(staff_client, gift):
    response = staff_client.get(LIST, {"export": "xlsx"})

    assert response["Content-Type"].startswith("text/html")


def test_the_export_reads_no_query_per_row(staff_client, campaign, gift):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            download(staff_client)
        return len(captured)

    few = queries()
    for _ in range(30):
        paid_gift(campaign, 2500)

    assert queries() == few
