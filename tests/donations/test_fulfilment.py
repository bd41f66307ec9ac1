"""Marking a paid checkout's gift paid: once, with its total and its receipt."""

import pytest
from django.core.management import call_command

from donations.models import Donation, DonationTotal
from donations.services import fulfil_checkout_session
from northstar.emails import render_email
from northstar.models import OutboundEmail
from tests.donations.factories import DonationFactory

pytestmark = pytest.mark.django_db


def fulfil(donation, **overrides):
    arguments = {
        "session_id": donation.checkout_session_id,
        "payment_intent_id": "pi_123",
        "amount_total": donation.amount_cents,
        "currency": donation.currency,
    }
    arguments.update(overrides)
    return fulfil_checkout_session(**arguments)


def test_fulfilling_a_checkout_marks_its_gift_paid_and_adds_it_to_the_total(campaign):
    donation = DonationFactory(page=campaign, amount_cents=12345)

    assert fulfil(donation) is True

    donation.refresh_from_db()
    assert donation.status == Donation.Status.PAID
    assert donation.payment_intent_id == "pi_123"
    assert campaign.totals() == (12345, 1)


def test_fulfilling_twice_counts_once(campaign):
    donation = DonationFactory(page=campaign)

    assert fulfil(donation) is True
    assert fulfil(donation) is False

    assert campaign.totals() == (5000, 1)


def test_a_receipt_is_queued_once_per_paid_gift(campaign):
    donation = DonationFactory(page=campaign, email="giver@example.org")
    fulfil(donation)
    fulfil(donation)

    [receipt] = OutboundEmail.objects.filter(template="donation_receipt")
    assert receipt.to == "giver@example.org"
    assert (receipt.context["amount_cents"], receipt.context["currency"]) == (5000, "usd")
    assert receipt.context["page_title"] == "Spring into Action"


def test_a_checkout_paying_another_amount_or_currency_is_held_for_review(campaign):
    donation = DonationFactory(page=campaign)

    assert fulfil(donation, amount_total=100) is False
    assert fulfil(donation, currency="eur") is False

    donation.refresh_from_db()
    assert donation.status == Donation.Status.NEEDS_REVIEW
    assert donation.collected_amount_cents == 100  # the first payment's; the second changes nothing
    assert campaign.totals() == (0, 0)


def test_an_unknown_checkout_changes_nothing(campaign):
    DonationFactory(page=campaign)
    assert fulfil_checkout_session("cs_unknown", "pi_1", 5000, "usd") is False
    assert campaign.totals() == (0, 0)


def ours(donation, **overrides):
    """The session metadata `create_checkout_session` writes for `donation`."""
    return {"donation_id": str(donation.pk), "page_id": str(donation.page_id), **overrides}


def test_a_checkout_whose_id_was_not_saved_yet_is_found_by_its_metadata(campaign):
    """Stripe's event can overtake the request that saves the session id."""
    donation = DonationFactory(page=campaign, checkout_session_id=None)

    assert fulfil_checkout_session("cs_early", "pi_1", 5000, "usd", metadata=ours(donation))

    donation.refresh_from_db()
    assert donation.status == Donation.Status.PAID
    assert donation.checkout_session_id == "cs_early"


def test_a_donation_id_in_other_scripts_digits_finds_no_gift(campaign):
    donation = DonationFactory(page=campaign, checkout_session_id=None)
    other_digits = str(donation.pk).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))

    metadata = ours(donation, donation_id=other_digits)
    assert not fulfil_checkout_session("cs_early", "pi_1", 5000, "usd", metadata=metadata)

    donation.refresh_from_db()
    assert donation.status == Donation.Status.PENDING


def test_a_failed_gift_that_is_paid_after_all_is_counted(campaign):
    donation = DonationFactory(page=campaign, status=Donation.Status.FAILED)
    assert fulfil(donation) is True
    assert campaign.totals() == (5000, 1)


def test_recount_finds_and_fixes_drift_in_a_total(campaign, capsys):
    for amount in (5000, 2500):
        fulfil(DonationFactory(page=campaign, amount_cents=amount))
    DonationTotal.objects.filter(page=campaign).update(amount_cents=1, donation_count=9)

    call_command("recount")

    out = capsys.readouterr().out
    assert "Spring into Action" in out
    assert "paid gifts $75 from 2: corrected" in out
    assert campaign.totals() == (7500, 2)


def test_recount_of_matching_totals_changes_nothing(campaign, capsys):
    fulfil(DonationFactory(page=campaign))
    call_command("recount")
    assert "All counters match the rows they count." in capsys.readouterr().out
    assert campaign.totals() == (5000, 1)


def test_a_gift_made_at_the_test_checkout_gets_a_receipt_marked_test(campaign, site_settings):
    donation = DonationFactory(page=campaign, checkout_session_id="cs_local_0123")
    fulfil(donation)

    receipt = OutboundEmail.objects.get(template="donation_receipt")
    subject, text, html = render_email(receipt.template, receipt.context)
    assert subject == "Your receipt: $50 to Spring into Action"
    assert "THIS IS A TEST RECEIPT" in text
    assert "This is a test receipt" in html
