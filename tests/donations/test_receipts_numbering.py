"""Receipt numbers: per year of the organisation, 1, 2, 3... without a gap or a repeat, taken
by the receipt task after the gift's transaction commits, never for a gift not counted."""

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from threading import Barrier
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction

from donations.models import Donation, ReceiptSequence
from donations.receipts import (
    NoReceipt,
    queue_receipt,
    receipt_context,
    send_receipt,
    send_receipt_task,
)
from donations.services import fulfil_checkout_session
from northstar.emails import render_email
from northstar.models import OutboundEmail
from tests.donations.factories import DonationFactory
from tests.support.services import require_postgresql

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")


def paid(page, when=None, **fields):
    fields = {"status": Donation.Status.PAID, **fields}
    return DonationFactory(
        page=page, paid_at=when or datetime(2026, 5, 1, 12, tzinfo=NEW_YORK), **fields
    )


def receipts():
    return OutboundEmail.objects.filter(template="donation_receipt").order_by("pk")


def numbers():
    return list(
        Donation.objects.exclude(receipt_number=None)
        .order_by("receipt_number")
        .values_list("receipt_year", "receipt_number")
    )


def test_gifts_paid_in_turn_get_the_next_numbers_of_their_year(campaign):
    gifts = [paid(campaign) for _ in range(3)]
    for gift in gifts:
        send_receipt(gift.pk)

    assert numbers() == [(2026, 1), (2026, 2), (2026, 3)]
    assert [m.context["receipt"]["number"] for m in receipts()] == [
        "2026-000001",
        "2026-000002",
        "2026-000003",
    ]


def test_a_gift_paid_late_on_new_years_eve_in_the_organisations_zone_is_of_that_year(campaign):
    gift = paid(campaign, datetime(2025, 12, 31, 23, 30, tzinfo=NEW_YORK))  # 2026 in UTC

    send_receipt(gift.pk)

    gift.refresh_from_db()
    assert (gift.receipt_year, gift.receipt_number) == (2025, 1)
    assert ReceiptSequence.objects.get(year=2025).last_number == 1


def test_a_task_delivered_twice_sends_one_receipt_with_one_number(campaign):
    gift = paid(campaign)

    send_receipt_task.apply(args=[gift.pk, {}])
    send_receipt_task.apply(args=[gift.pk, {}])

    assert numbers() == [(2026, 1)]
    assert receipts().count() == 1


@pytest.mark.parametrize(
    "status",
    [
        Donation.Status.PENDING,
        Donation.Status.FAILED,
        Donation.Status.AWAITING_CONFIRMATION,
        Donation.Status.VOIDED,
        Donation.Status.NEEDS_REVIEW,
    ],
)
def test_a_gift_not_counted_gets_no_number_and_no_receipt(campaign, status):
    gift = paid(campaign, status=status)

    with pytest.raises(NoReceipt):
        send_receipt(gift.pk)
    send_receipt_task.apply(args=[gift.pk, {}])  # the task logs it and stops

    assert numbers() == []
    assert not receipts().exists()


def test_the_webhooks_transaction_only_enqueues_the_receipt_task_after_commit(
    campaign, receipt_task_after_commit, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr(send_receipt_task, "delay", lambda *args: queued.append(args))
    gift = DonationFactory(page=campaign)

    with django_capture_on_commit_callbacks(execute=True):
        assert fulfil_checkout_session(gift.checkout_session_id, "pi_1", 5000, "usd")
        assert not receipts().exists()  # nothing written in the gift's transaction
        assert queued == []

    assert queued == [(gift.pk, {})]
    gift.refresh_from_db()
    assert gift.receipt_number is None  # numbered by the task, not by the webhook


def test_a_receipt_says_its_number_the_organisation_the_fee_and_the_net_after_refunds(
    campaign, site_settings
):
    site_settings.legal_name = "Harbor Light Coalition, Inc."
    site_settings.ein = "12-3456789"
    site_settings.postal_address = "PO Box 1200\nAustin, TX 78767"
    site_settings.save()
    gift = paid(
        campaign, amount_cents=5000, fee_cents=175, tribute="memory", tribute_name="Rosa Diaz"
    )
    gift.refunds.create(amount_cents=1000, status="succeeded")

    send_receipt(gift.pk)

    message = receipts().get()
    _subject, text, html = render_email(message.template, message.context)
    assert "Receipt number: 2026-000001" in text
    assert "Amount: $50" in text
    assert "Fee you covered: $1.75" in text
    assert "Refunded: $10" in text
    assert "Net amount (after refunds): $41.75" in text
    assert "Dedication: In memory of Rosa Diaz" in text
    assert "Harbor Light Coalition, Inc. (EIN 12-3456789)\nPO Box 1200\nAustin, TX 78767" in text
    assert "No goods or services were provided in exchange for this contribution." in text
    assert "2026-000001" in html


def test_an_offline_gift_says_how_it_was_given(campaign):
    gift = paid(campaign, method=Donation.Method.CHEQUE)

    _subject, text, _html = render_email("donation_receipt", receipt_context(gift))

    assert "Method: Cheque" in text


def test_a_gift_that_rolls_back_takes_no_number(campaign):
    gift = paid(campaign)

    with pytest.raises(RuntimeError), transaction.atomic():
        send_receipt(gift.pk)
        raise RuntimeError("the database blinked")
    send_receipt(paid(campaign).pk)

    assert numbers() == [(2026, 1)]


def test_queue_receipt_is_what_every_counting_path_calls(campaign):
    gift = paid(campaign)
    queue_receipt(gift, monthly=True, installment_number=2, manage_url="https://x.test/m")

    assert receipts().get().context["installment_number"] == 2


GIFTS = 1_000
THREADS = 16


@pytest.mark.django_db(transaction=True)
def test_a_thousand_gifts_receipted_at_once_are_numbered_1_to_1000_without_gap_or_repeat(
    campaign,
):
    require_postgresql()
    when = datetime(2026, 5, 1, 12, tzinfo=NEW_YORK)
    Donation.objects.bulk_create(
        DonationFactory.build(
            page=campaign, status=Donation.Status.PAID, paid_at=when, checkout_session_id=None
        )
        for _ in range(GIFTS)
    )
    ids = list(Donation.objects.values_list("pk", flat=True))
    start = Barrier(THREADS)

    def receipt_share(share):
        try:
            start.wait()
            for pk in ids[share::THREADS]:
                send_receipt_task.apply(args=[pk, {}], throw=True)
        finally:
            connection.close()

    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(receipt_share, range(THREADS)))

    assert [n for _, n in numbers()] == list(range(1, GIFTS + 1))
    assert ReceiptSequence.objects.get(year=2026).last_number == GIFTS
    assert receipts().count() == GIFTS
    assert len(set(receipts().values_list("to", flat=True))) == GIFTS


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_real_worker_numbers_the_receipt_after_the_gifts_transaction_commits(
    campaign, site_settings, worker_outbox, receipt_task_after_commit
):
    from tests.support.outbox import text_body

    donation = DonationFactory(page=campaign, email="numbered.reader@example.org")

    fulfil_checkout_session(donation.checkout_session_id, "pi_1", 5000, "usd")

    [receipt] = worker_outbox.wait_for("numbered.reader@example.org")
    donation.refresh_from_db()
    number = f"{donation.receipt_year}-{donation.receipt_number:06d}"
    assert donation.receipt_number == 1
    assert f"Receipt number: {number}" in text_body(receipt)
