"""Delivering confirmed signatures to their decision makers, each exactly once: the services.

A delivery is claimed in one transaction: the `Delivery` row is written and
the signatures it carries are marked with it, before anything is sent. Then a
task moves it on: a postal delivery becomes `ready` for staff to print and
mark posted; an email delivery goes `sending` -> `sent` (or `failed` once
retries run out). A worker killed at any point leaves the delivery pending or
sending; the task runs again (acks_late, or the sweeper) and sends it with
the same idempotency key. State changes are `Delivery`'s own methods (they
check, change and log); the email leaves through the site's one send function,
`northstar.emails.deliver`. The window left is the provider call itself: a
worker killed after SendGrid accepted the message and before the row says
`sent` sends it again, with the same Message-ID and X-Delivery-Key headers.

The packet's files (PDF and CSV) are made in the claim's transaction and kept
in Django's default storage (S3 in production): the email attaches them, and
staff download them ever after, byte for byte, whatever the settings or the
letter say later. A delivery claimed before files were kept gets them made,
once, on its first download.

The tasks that run these services in a worker stand at the end of this module
(`process_delivery`, `deliver_petition`, and beat's `deliver_due_petitions_now` and
`resume_stalled_deliveries`), each under the name it was first queued by.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from celery import shared_task
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone
from wagtail.log_actions import log

from northstar import emails, failures
from northstar.emails import Attachment, Message, render_email
from northstar.log_actions import DELIVERY_STARTED
from northstar.models import SiteSettings

from ..models import Delivery, DeliverySchedule, PetitionPage, Signature, Target
from .letter import delivery_letter
from .packets import delivery_filename, delivery_packet

MAX_SIGNATURES_PER_DELIVERY = 5000
STALLED_AFTER = timedelta(minutes=10)
SCHEDULE_INTERVALS = {
    DeliverySchedule.DAILY: timedelta(days=1),
    DeliverySchedule.WEEKLY: timedelta(days=7),
}


def awaiting_delivery(petition):
    return Signature.objects.filter(
        petition=petition, status__in=Signature.COUNTED_STATES, delivery__isnull=True
    )


def assign_missing_targets(petition):
    """Give a target to confirmed signatures signed before their state's target existed."""
    for state in (
        awaiting_delivery(petition).filter(target__isnull=True).values_list("state", flat=True)
    ).distinct():
        target = Target.for_state(petition.target_group, state)
        if target is not None:
            awaiting_delivery(petition).filter(target__isnull=True, state=state).update(
                target=target
            )


def waiting_by_target(petition):
    """{target_id: number of confirmed signatures not yet in any delivery}."""
    rows = (
        awaiting_delivery(petition)
        .filter(target__isnull=False)
        .values("target")
        .annotate(waiting=Count("pk"))
        .order_by()
    )
    return {row["target"]: row["waiting"] for row in rows}


def waiting_signatures(petition):
    """({target_id: waiting}, waiting with no decision maker) for confirmed, undelivered signatures.

    A waiting signature without a target (signed before its state's target
    existed) counts for the target that the next delivery will give it; if its
    state has no active target, it counts as having no decision maker.
    """
    waiting = waiting_by_target(petition)
    untargeted = dict(
        awaiting_delivery(petition)
        .filter(target__isnull=True)
        .values_list("state")
        .annotate(total=Count("pk"))
        .order_by()
    )
    routes = dict(
        Target.objects.filter(
            group=petition.target_group, active=True, jurisdiction__in=list(untargeted)
        ).values_list("jurisdiction", "pk")
    )
    unrouted = 0
    for state, total in untargeted.items():
        if state in routes:
            waiting[routes[state]] = waiting.get(routes[state], 0) + total
        else:
            unrouted += total
    return waiting, unrouted


def is_due(petition, target_id, waiting, now):
    schedule = petition.delivery_schedule
    if schedule == DeliverySchedule.THRESHOLD:
        return waiting >= petition.delivery_threshold
    if schedule in SCHEDULE_INTERVALS:
        last = petition.deliveries.filter(target_id=target_id).aggregate(last=Max("created_at"))
        return last["last"] is None or last["last"] <= now - SCHEDULE_INTERVALS[schedule]
    return False


def claim_delivery(petition, target, channel=None):
    """Write one delivery with up to MAX_SIGNATURES_PER_DELIVERY waiting signatures; None if none.

    `channel` is the target's own (`Target.delivery_channel`) unless given:
    `Delivery.Channel.POST` makes a packet for staff to post or hand over even
    to an office that takes email. The claim marks only signatures that no
    delivery holds: a concurrent claim waits for this one's row locks, then
    finds those signatures taken.
    """
    channel = channel or target.delivery_channel
    with transaction.atomic():
        delivery = Delivery.objects.create(
            petition=petition,
            target=target,
            channel=channel,
            recipient_email=target.email if channel == Delivery.Channel.EMAIL else "",
            include_emails=petition.share_signer_emails,
        )
        batch = awaiting_delivery(petition).filter(target=target).order_by("pk").values("pk")
        claimed = Signature.objects.filter(
            pk__in=batch[:MAX_SIGNATURES_PER_DELIVERY], delivery__isnull=True
        ).update(delivery=delivery)
        if not claimed:
            delivery.delete()
            return None
        delivery.signature_count = claimed
        delivery.save(update_fields=["signature_count"])
        store_packet(delivery)
        process_delivery.delay_on_commit(delivery.pk)
    return delivery


def store_packet(delivery: Delivery) -> None:
    """Render the delivery's PDF and CSV now and keep them in the default storage.

    Each file is saved under a random folder (`Delivery.PACKET_DIRECTORY`/<32 hex>/),
    so that no one can guess its address on a storage that serves files; staff
    get them only through the admin's download views. Call it in the
    transaction that holds the delivery's row (a rolled-back claim leaves the
    two files behind, unreferenced). Storage errors (OSError, boto's) propagate.
    """
    packet = delivery_packet(delivery)
    folder = secrets.token_hex(16)
    name = delivery_filename(delivery)
    delivery.packet_pdf.save(f"{folder}/{name}.pdf", ContentFile(packet.pdf), save=False)
    delivery.packet_csv.save(f"{folder}/{name}.csv", ContentFile(packet.csv), save=False)
    delivery.undrawn_names = packet.undrawn_names
    delivery.save(update_fields=["packet_pdf", "packet_csv", "undrawn_names"])


def stored_packet(delivery: Delivery) -> Delivery:
    """The delivery with its kept files, made now (once, under its row lock) if it has none.

    Deliveries claimed before packets were kept have no files: the first
    download renders them with that day's settings and keeps them.
    """
    if delivery.packet_pdf and delivery.packet_csv:
        return delivery
    with transaction.atomic():
        locked = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("petition", "target")
            .get(pk=delivery.pk)
        )
        if not (locked.packet_pdf and locked.packet_csv):
            store_packet(locked)
    return locked


def read_file(field) -> bytes:
    with field.open("rb") as file:
        return file.read()


def stored_pdf(delivery: Delivery) -> bytes:
    """The delivery's kept PDF packet (see `stored_packet`)."""
    return read_file(stored_packet(delivery).packet_pdf)


def stored_csv(delivery: Delivery) -> bytes:
    """The delivery's kept CSV of signatures, UTF-8 (see `stored_packet`)."""
    return read_file(stored_packet(delivery).packet_csv)


def deliver_signatures(petition, force=False):
    """Claim deliveries for every target whose signatures are due; return them.

    `force` delivers everything waiting now ("Deliver now", and the final
    delivery when a petition closes).
    """
    assign_missing_targets(petition)
    now = timezone.now()
    deliveries = []
    waiting = waiting_by_target(petition)
    targets = Target.objects.in_bulk(list(waiting))
    for target_id, count in waiting.items():
        if not (force or is_due(petition, target_id, count, now)):
            continue
        while delivery := claim_delivery(petition, targets[target_id]):
            deliveries.append(delivery)
    return deliveries


def deliver_due_petitions():
    """For beat: scheduled deliveries of live petitions, final deliveries of closed ones."""
    claimed = []
    for petition in PetitionPage.objects.live().closed():
        claimed += deliver_signatures(petition, force=True)
    scheduled = PetitionPage.objects.live().open().exclude(delivery_schedule=DeliverySchedule.OFF)
    for petition in scheduled:
        claimed += deliver_signatures(petition)
    return claimed


def start_sending(delivery_id):
    """Lock the delivery and record an attempt (`Delivery.start_sending`).

    Returns the delivery, or None if it is not an email still waiting to go.
    """
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("petition", "target")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or not delivery.start_sending():
            return None
    return delivery


def mark_ready(delivery_id):
    """A postal delivery's packet can be printed (`Delivery.mark_ready`); True if it changed."""
    delivery = Delivery.objects.filter(pk=delivery_id, channel=Delivery.Channel.POST).first()
    return delivery is not None and delivery.mark_ready()


def mark_posted(delivery, user, posted_on, note="", by_hand=False):
    """Staff posted (or handed over) a ready packet (`Delivery.mark_posted`, which writes its
    history as `user`, None for a command); True if it changed."""
    return delivery.mark_posted(by=user, posted_on=posted_on, note=note, by_hand=by_hand)


def resend(delivery, by=None):
    """Send a failed delivery again: same signatures, same idempotency key; True if it will.

    `Delivery.mark_for_resend` writes its history as `by` (None for a command).
    """
    with transaction.atomic():
        changed = delivery.mark_for_resend(by=by)
        if changed:
            process_delivery.delay_on_commit(delivery.pk)
    return changed


@dataclass(frozen=True)
class DeliveryStart:
    """What "Deliver now" found waiting: `signatures` for `targets` decision makers, and
    `unrouted` signatures from states with no active decision maker (which wait)."""

    signatures: int
    targets: int
    unrouted: int


def deliver_waiting_now(petition: PetitionPage, by=None) -> DeliveryStart:
    """Deliver every waiting signature of `petition` now, in the background once the
    transaction commits, and write `DELIVERY_STARTED` in its history as `by` (the staff
    user; None for a command), with how many signatures wait and for how many decision
    makers. Nothing starts, and nothing is logged, when no signature waits for a decision
    maker (`DeliveryStart.signatures` is 0)."""
    by_target, unrouted = waiting_signatures(petition)
    start = DeliveryStart(sum(by_target.values()), len(by_target), unrouted)
    if start.signatures:
        with transaction.atomic():
            deliver_petition.delay_on_commit(petition.pk, force=True)
            started = {"signatures": start.signatures, "targets": start.targets}
            log(petition, DELIVERY_STARTED, user=by, data=started)
    return start


def stalled_deliveries():
    """Deliveries whose task was lost: still pending or sending well after they were claimed."""
    return Delivery.objects.filter(
        status__in=Delivery.IN_FLIGHT_STATES, created_at__lt=timezone.now() - STALLED_AFTER
    )


def delivery_message(delivery: Delivery, org: SiteSettings | None = None) -> Message:
    """The email to the target's office (a `northstar.emails.Message`), with the letter as its
    body and the kept PDF and CSV attached.

    Its key is `delivery-<Delivery.key>`, so its Message-ID is the same on every
    attempt, and it carries the key in an `X-Delivery-Key` header for the
    provider to de-duplicate by. `org` is the organisation's `SiteSettings` (the
    default site's when None).
    """
    org = org or SiteSettings.for_default_site()
    subject, text, html = render_email(
        "petitions/delivery",
        {
            "delivery": delivery,
            "petition_title": delivery.petition.title,
            "letter": delivery_letter(delivery),
        },
        org=org,
    )
    name = delivery_filename(delivery)
    return Message(
        to=delivery.recipient_email,
        subject=subject,
        text=text,
        html=html,
        key=f"delivery-{delivery.key}",
        headers={"X-Delivery-Key": str(delivery.key)},
        attachments=(
            Attachment(f"{name}.pdf", stored_pdf(delivery), "application/pdf"),
            Attachment(f"{name}.csv", stored_csv(delivery), "text/csv"),
        ),
    )


def send_delivery(delivery: Delivery) -> None:
    """Email a delivery that `start_sending` claimed, through `northstar.emails.deliver`.

    Errors are `deliver`'s, unchanged; the task asks `northstar.failures` what they mean.
    """
    org = SiteSettings.for_default_site()
    emails.deliver(delivery_message(delivery, org), org)


# The tasks: thin, taking primary keys. Each keeps the name it was first queued under (in
# `petitions.tasks`), so messages already queued and the beat schedule still find it.


@shared_task(name="petitions.tasks.deliver_signatures")
def deliver_petition(petition_id: int, force: bool = False) -> int:
    """Claim the due deliveries of petition `petition_id` (all waiting signatures if `force`,
    as "Deliver now" asks); how many were claimed (0 for a petition gone)."""
    petition = PetitionPage.objects.filter(pk=petition_id).first()
    if petition is None:
        return 0
    return len(deliver_signatures(petition, force=force))


@shared_task(name="petitions.tasks.deliver_due_petitions")
def deliver_due_petitions_now() -> int:
    """For beat: claim every petition's due deliveries (`deliver_due_petitions`); how many."""
    return len(deliver_due_petitions())


@shared_task(name="petitions.tasks.resume_stalled_deliveries")
def resume_stalled_deliveries() -> int:
    """For beat: run again the deliveries whose task was lost (a broker that dropped it)."""
    ids = list(stalled_deliveries().values_list("pk", flat=True)[:500])
    for pk in ids:
        process_delivery.delay_on_commit(pk)
    return len(ids)


@shared_task(bind=True, name="petitions.tasks.process_delivery")
def process_delivery(self, delivery_id: int) -> None:
    """A postal delivery becomes ready to post; an email delivery is sent (idempotently).

    Failures are classified by `northstar.failures`: temporary ones (the
    provider unreachable, 429, 5xx, a locked database) are retried with
    backoff, permanent ones mark the delivery failed for staff to resend.
    """
    try:
        if mark_ready(delivery_id):
            return
        claimed = start_sending(delivery_id)
    except Exception as exc:
        failures.retry_if_temporary(self, exc)
        raise
    if claimed is None:
        return
    try:
        send_delivery(claimed)
    except Exception as exc:
        failures.retry_or_give_up(self, exc, give_up=claimed.mark_failed)
        return
    claimed.mark_sent()
