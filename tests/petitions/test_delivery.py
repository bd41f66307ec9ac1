"""Delivering confirmed signatures to each signer's Attorney General, exactly once."""

import re
from datetime import date, timedelta

import pytest
import time_machine
from django.db import DatabaseError, transaction
from django.utils import timezone

from petitions.delivery.packets import delivery_filename
from petitions.delivery.services import (
    deliver_due_petitions,
    deliver_signatures,
    mark_posted,
    process_delivery,
    resend,
)
from petitions.models import Delivery, DeliverySchedule, PetitionPage, Signature
from tests.petitions.factories import PetitionPageFactory, SignatureFactory, TargetFactory
from tests.site.factories import StaffUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def targets(db):
    return {
        "TX": TargetFactory(jurisdiction="TX", name="Ken Paxton", email=""),
        "AK": TargetFactory(
            jurisdiction="AK", name="Stephen Cox", email="attorney.general@alaska.gov"
        ),
    }


@pytest.fixture
def petition(home_page, targets):
    return PetitionPageFactory(delivery_schedule=DeliverySchedule.OFF)


def add_signers(petition, state, count, start=0):
    zip_code = {"TX": "78701", "AK": "99501"}[state]
    for i in range(start, start + count):
        SignatureFactory(
            petition=petition,
            email=f"{state.lower()}{i}@example.org",
            state=state,
            zip_code=zip_code,
            confirmed=True,
        )


def test_delivering_puts_each_waiting_signature_in_one_delivery_for_its_target(petition):
    add_signers(petition, "TX", 3)
    add_signers(petition, "AK", 2)

    deliveries = deliver_signatures(petition, force=True)

    by_state = {d.target.jurisdiction: d for d in deliveries}
    assert by_state["TX"].signature_count == 3
    assert by_state["AK"].signature_count == 2
    assert not Signature.objects.filter(delivery__isnull=True).exists()


def test_delivering_again_claims_nothing_already_delivered(petition):
    add_signers(petition, "TX", 3)
    deliver_signatures(petition, force=True)
    assert deliver_signatures(petition, force=True) == []
    assert Delivery.objects.count() == 1


def test_unconfirmed_signatures_are_not_delivered(petition, targets):
    SignatureFactory(petition=petition, email="pending@example.org", target=targets["TX"])
    assert deliver_signatures(petition, force=True) == []


def test_the_database_refuses_to_move_a_delivered_signature(petition):
    add_signers(petition, "TX", 1)
    add_signers(petition, "AK", 1)
    tx, ak = sorted(deliver_signatures(petition, force=True), key=lambda d: d.target.jurisdiction)
    signature = ak.signatures.get()
    with pytest.raises(DatabaseError), transaction.atomic():
        Signature.objects.filter(pk=signature.pk).update(delivery=tx)


def test_a_target_without_email_gets_a_postal_packet_ready_to_post(petition, mailoutbox):
    add_signers(petition, "TX", 2)
    [delivery] = deliver_signatures(petition, force=True)

    process_delivery.apply(args=[delivery.pk])

    delivery.refresh_from_db()
    assert delivery.channel == Delivery.Channel.POST
    assert delivery.status == Delivery.Status.READY
    assert mailoutbox == []


def test_an_email_delivery_goes_to_the_office_with_the_pdf_and_csv(petition, mailoutbox):
    add_signers(petition, "AK", 2)
    [delivery] = deliver_signatures(petition, force=True)

    process_delivery.apply(args=[delivery.pk])

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    [message] = mailoutbox
    assert message.to == ["attorney.general@alaska.gov"]
    assert message.extra_headers["X-Delivery-Key"] == str(delivery.key)
    assert "Dear Attorney General Cox" in message.body
    assert sorted(name.rsplit(".", 1)[1] for name, _, _ in message.attachments) == ["csv", "pdf"]


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_claiming_a_delivery_keeps_its_pdf_and_csv_in_the_default_storage(petition, media_root):
    add_signers(petition, "TX", 2)

    [delivery] = deliver_signatures(petition, force=True)

    delivery.refresh_from_db()
    pdf = (media_root / delivery.packet_pdf.name).read_bytes()
    csv = (media_root / delivery.packet_csv.name).read_text(encoding="utf-8")
    assert pdf.startswith(b"%PDF-")
    assert csv.count("\n") == 3  # the header and two signatures
    assert delivery.packet_pdf.name.endswith(f"/{delivery_filename(delivery)}.pdf")


def test_kept_packets_are_filed_under_a_folder_nobody_can_guess(petition, media_root):
    add_signers(petition, "TX", 1)
    add_signers(petition, "AK", 1)

    folders = {
        delivery.packet_pdf.name.split("/")[-2]
        for delivery in deliver_signatures(petition, force=True)
    }

    assert len(folders) == 2
    assert all(re.fullmatch(r"[0-9a-f]{32}", folder) for folder in folders)


def test_the_email_to_an_office_attaches_the_files_kept_at_claim_time(
    petition, mailoutbox, media_root, site_settings
):
    add_signers(petition, "AK", 2)
    [delivery] = deliver_signatures(petition, force=True)
    delivery.refresh_from_db()
    site_settings.organisation_name = "Renamed Since The Claim"
    site_settings.save()

    process_delivery.apply(args=[delivery.pk])

    [message] = mailoutbox
    attached = {name.rsplit(".", 1)[1]: content for name, content, _ in message.attachments}
    assert attached["pdf"] == (media_root / delivery.packet_pdf.name).read_bytes()
    assert attached["csv"] == (media_root / delivery.packet_csv.name).read_bytes().decode()


def test_a_sent_delivery_is_not_sent_again(petition, mailoutbox):
    add_signers(petition, "AK", 1)
    [delivery] = deliver_signatures(petition, force=True)
    process_delivery.apply(args=[delivery.pk])
    process_delivery.apply(args=[delivery.pk])
    assert len(mailoutbox) == 1


def test_resending_a_failed_delivery_carries_the_same_signatures_and_key(petition, mailoutbox):
    add_signers(petition, "AK", 2)
    [delivery] = deliver_signatures(petition, force=True)
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.FAILED)
    signature_ids = set(delivery.signatures.values_list("pk", flat=True))

    assert resend(delivery)
    process_delivery.apply(args=[delivery.pk])

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert set(delivery.signatures.values_list("pk", flat=True)) == signature_ids
    assert mailoutbox[0].extra_headers["X-Delivery-Key"] == str(delivery.key)


def test_staff_mark_a_ready_packet_posted_with_a_date_and_note(petition):
    add_signers(petition, "TX", 1)
    [delivery] = deliver_signatures(petition, force=True)
    process_delivery.apply(args=[delivery.pk])
    staff = StaffUserFactory()

    assert mark_posted(delivery, staff, date(2026, 11, 20), "First-class, tracking 123")

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.POSTED
    assert delivery.posted_on == date(2026, 11, 20)
    assert delivery.posted_note == "First-class, tracking 123"
    assert delivery.posted_by == staff


def test_a_weekly_schedule_waits_a_week_after_the_last_delivery(home_page, targets):
    petition = PetitionPageFactory(delivery_schedule=DeliverySchedule.WEEKLY)
    add_signers(petition, "TX", 2)
    assert len(deliver_signatures(petition)) == 1
    add_signers(petition, "TX", 2, start=10)
    assert deliver_signatures(petition) == []
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert len(deliver_signatures(petition)) == 1


def test_a_threshold_schedule_delivers_once_enough_signatures_wait(home_page, targets):
    petition = PetitionPageFactory(
        delivery_schedule=DeliverySchedule.THRESHOLD, delivery_threshold=3
    )
    add_signers(petition, "TX", 2)
    assert deliver_signatures(petition) == []
    add_signers(petition, "TX", 1, start=5)
    [delivery] = deliver_signatures(petition)
    assert delivery.signature_count == 3


def test_a_closed_petition_gets_a_final_delivery_of_everything_waiting(home_page, targets):
    petition = PetitionPageFactory(delivery_schedule=DeliverySchedule.OFF)
    add_signers(petition, "TX", 2)
    add_signers(petition, "AK", 1)
    petition.status = PetitionPage.Status.CLOSED
    petition.save_revision().publish()

    deliver_due_petitions()

    assert not Signature.objects.filter(delivery__isnull=True).exists()
    assert Delivery.objects.count() == 2


# Delivery's state changes: each checks the state it starts from, changes it, and logs it.


def ready_packet(petition):
    add_signers(petition, "TX", 1)
    [delivery] = deliver_signatures(petition, force=True)
    process_delivery.apply(args=[delivery.pk])
    return Delivery.objects.get(pk=delivery.pk)


def test_a_packet_marked_posted_twice_keeps_the_first_date_and_poster(petition):
    delivery = ready_packet(petition)
    first, second = StaffUserFactory(), StaffUserFactory()
    stale = Delivery.objects.get(pk=delivery.pk)

    assert delivery.mark_posted(by=first, posted_on=date(2026, 11, 20))
    assert not stale.mark_posted(by=second, posted_on=date(2026, 11, 21), by_hand=True)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.posted_on, delivery.posted_by) == (
        Delivery.Status.POSTED,
        date(2026, 11, 20),
        first,
    )
    assert stale.status == Delivery.Status.READY  # the stale copy was not changed either


def test_an_email_delivery_is_never_made_ready_to_post(petition):
    add_signers(petition, "AK", 1)
    [delivery] = deliver_signatures(petition, force=True)

    assert not delivery.mark_ready()
    assert Delivery.objects.get(pk=delivery.pk).status == Delivery.Status.PENDING


def test_a_sent_delivery_cannot_be_marked_failed_afterwards(petition):
    add_signers(petition, "AK", 1)
    [delivery] = deliver_signatures(petition, force=True)
    assert delivery.start_sending()
    assert delivery.mark_sent()

    assert not delivery.mark_failed("a late error")

    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_error, delivery.attempts) == (
        Delivery.Status.SENT,
        "",
        1,
    )


def test_a_failed_delivery_keeps_the_reason_and_can_be_queued_again_once(petition):
    add_signers(petition, "AK", 1)
    [delivery] = deliver_signatures(petition, force=True)
    delivery.start_sending()
    assert delivery.mark_failed(ValueError("550 mailbox unavailable"))
    assert Delivery.objects.get(pk=delivery.pk).last_error == "550 mailbox unavailable"

    assert delivery.mark_for_resend()
    assert not delivery.mark_for_resend()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_error) == (Delivery.Status.PENDING, "")


def test_each_state_change_of_a_delivery_is_logged(petition, caplog):
    add_signers(petition, "AK", 1)
    [delivery] = deliver_signatures(petition, force=True)

    with caplog.at_level("INFO", logger="petitions.delivery"):
        delivery.start_sending()
        delivery.mark_sent()

    assert [record.getMessage() for record in caplog.records] == [
        f"Delivery {delivery.pk} (email): pending -> sending",
        f"Delivery {delivery.pk} (email): sending -> sent",
    ]
