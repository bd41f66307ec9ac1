"""The PDF receipt of a gift, downloaded from the donor's giving page."""

import pytest

from donations.giving import giving_token
from donations.models import Donation
from donations.receipt_pdf import receipt_pdf
from tests.donations.giving_kit import ZOE, paid_gift, refund
from tests.support.pdf import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation(site_settings):
    site_settings.legal_name = "Harbor Light Coalition, Inc."
    site_settings.ein = "12-3456789"
    site_settings.postal_address = "100 Harbor Way\nPortland, ME 04101"
    site_settings.save()
    return site_settings


def pdf_path(gift, email=ZOE):
    return f"/donations/giving/{giving_token(email)}/receipts/{gift.uuid}.pdf"


def test_the_receipt_pdf_says_what_every_receipt_says(campaign, organisation):
    gift = paid_gift(
        campaign,
        amount_cents=5000,
        fee_cents=175,
        receipt_year=2026,
        receipt_number=42,
        tribute=Donation.Tribute.MEMORY,
        tribute_name="Rosa Diaz",
    )
    refund(gift, 1000)

    pdf = receipt_pdf(gift)

    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    for expected in (
        "Harbor Light Coalition, Inc.",
        "100 Harbor Way",
        "Portland, ME 04101",
        "EIN 12-3456789",
        "2026-000042",
        "Zoë Nguyễn",
        "Spring into Action",
        "$50.00",
        "$1.75",
        "-$10.00",
        "$41.75",
        "In memory of Rosa Diaz",
        "No goods or services were provided in exchange for this contribution.",
    ):
        assert expected in text, expected


def test_the_donor_downloads_the_pdf_of_their_gift(client, campaign, organisation):
    gift = paid_gift(campaign, amount_cents=2500, receipt_year=2026, receipt_number=7)

    response = client.get(pdf_path(gift))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="receipt-2026-000007.pdf"'
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    text = pdf_text(response.content)
    assert "2026-000007" in text
    assert "$25.00" in text


def test_a_gift_not_yet_numbered_is_named_by_its_reference(client, campaign, organisation):
    gift = paid_gift(campaign)
    reference = str(gift.uuid).split("-")[0].upper()

    response = client.get(pdf_path(gift))

    assert response["Content-Disposition"] == f'attachment; filename="receipt-{reference}.pdf"'
    assert reference in pdf_text(response.content)


def test_another_addresss_gift_is_not_found(client, campaign):
    theirs = paid_gift(campaign, email="someone.else@example.org")
    paid_gift(campaign)

    response = client.get(pdf_path(theirs))

    assert response.status_code == 404


def test_a_pending_gift_has_no_receipt(client, campaign):
    gift = paid_gift(campaign)
    Donation.objects.filter(pk=gift.pk).update(status=Donation.Status.PENDING)

    assert client.get(pdf_path(gift)).status_code == 404


def test_a_tampered_link_downloads_nothing(client, campaign):
    gift = paid_gift(campaign)
    token = giving_token(ZOE)

    response = client.get(f"/donations/giving/{token}x/receipts/{gift.uuid}.pdf")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
