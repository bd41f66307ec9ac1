"""The receipt for a paid gift, sent by the real worker."""

import pytest

from donations.services import fulfil_checkout_session
from tests.donations.factories import DonationFactory
from tests.support.outbox import html_body, text_body

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_the_worker_sends_one_receipt_for_a_paid_gift(campaign, site_settings, worker_outbox):
    site_settings.legal_name = "Harbor Light Coalition, Inc."
    site_settings.ein = "12-3456789"
    site_settings.receipt_wording = "No goods or services were provided in exchange for this gift."
    site_settings.save()
    donation = DonationFactory(page=campaign, email="receipt.reader@example.org")

    fulfil_checkout_session(donation.checkout_session_id, "pi_1", 5000, "usd")
    fulfil_checkout_session(donation.checkout_session_id, "pi_1", 5000, "usd")

    [receipt] = worker_outbox.wait_for("receipt.reader@example.org")
    assert receipt["Subject"] == "Your receipt: $50 to Spring into Action"
    text = text_body(receipt)
    assert "Amount: $50" in text
    assert "Harbor Light Coalition, Inc. (EIN 12-3456789)" in text
    assert "No goods or services were provided" in text
    assert "TEST RECEIPT" not in text
    assert "Spring into Action" in html_body(receipt)
