"""Signing and confirming: the rules, in one place, each a transaction.

A new signature is one INSERT, committed on its own. Its confirmation email
is queued by a worker (`queue_due_confirmations`), which finds every pending
signature still without one; the signing request only wakes that worker, at
most once a second per web process, so a viral petition costs a Celery publish
a second per process rather than one per signer. Beat runs the same sweep
every minute, should a wake-up be lost.
"""

import time
from dataclasses import dataclass
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from northstar import rows
from northstar.emails import absolute_url, send_email
from northstar.ratelimit import HOUR, allow

from .models import Signature, SignatureCount

CONFIRMATION_SALT = "petitions.confirm-signature"
CONFIRMATION_RESEND_AFTER = timedelta(hours=1)  # at most one email about a signature an hour
CONFIRMATION_WAKE_UP_EVERY = 1  # second
_last_wake_up = float("-inf")  # when this process last woke the worker (time.monotonic)
CONFIRMATION_BATCH = 500


@dataclass
class SigningResult:
    signature: Signature
    created: bool


def confirmation_token(signature):
    return signing.dumps(str(signature.uuid), salt=CONFIRMATION_SALT, compress=True)


def signature_for_token(token):
    """The signature a confirmation link names, or None if the link is bad or has expired."""
    max_age = timedelta(days=settings.PETITION_CONFIRMATION_MAX_AGE_DAYS)
    try:
        signature_uuid = signing.loads(token, salt=CONFIRMATION_SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    return (
        Signature.objects.select_related("petition", "target").filter(uuid=signature_uuid).first()
    )


def confirmation_context(signature):
    """What the emails about a pending signature say: names, the petition, the link (a dict)."""
    return {
        "first_name": signature.first_name,
        "petition_title": signature.petition.title,
        "target_line": target_line(signature),
        "confirm_url": absolute_url(
            reverse("petitions:confirm", args=[confirmation_token(signature)])
        ),
        "max_age_days": settings.PETITION_CONFIRMATION_MAX_AGE_DAYS,
    }


def queue_confirmation_email(signature):
    """Queue the confirmation email (sent by a worker once the transaction commits)."""
    send_email("petitions/confirm_signature", signature.email, confirmation_context(signature))


def target_line(signature):
    """Whom the signature goes to, in the words of `Target.addressed_as`."""
    return signature.office.addressed_as()


def record_signature(petition, data, target=None):
    """Sign `petition` with the cleaned form `data`; signing twice changes nothing.

    A new signer costs one INSERT: with confirmation on, the email follows
    from a worker within a couple of seconds; with it off, the signature is
    counted in the same transaction. A second signing with the same email
    breaks the unique constraint, which rolls back whatever this call wrote,
    and returns the first signature (`created` false).
    """
    signature = Signature(
        petition=petition,
        target=target,
        first_name=data["first_name"],
        last_name=data["last_name"],
        email=data["email"],
        zip_code=data["zip_code"],
        state=data["state"],
        comment=data.get("comment", ""),
        show_publicly=data.get("show_publicly", False),
        opt_in_updates=data.get("opt_in_updates", False),
        share_email_with_target=data.get("share_email_with_target", False),
    )
    try:
        if petition.require_confirmation:
            insert_on_its_own(signature)
            request_confirmation_emails()
            return SigningResult(signature, created=True)
        with transaction.atomic():
            signature.save(force_insert=True)
            confirm_signature(signature)
        return SigningResult(signature, created=True)
    except IntegrityError:
        # This email has signed already (perhaps in a concurrent request).
        signature = Signature.objects.filter(petition=petition, email=data["email"]).first()
        if signature is None:
            raise
        return SigningResult(signature, created=False)


def take_signature(petition, data, target=None):
    """Sign `petition` with the cleaned form `data`, telling the caller nothing about the address.

    A new address is signed as `record_signature` does. An address that has
    signed already changes nothing here: its owner is told by email instead,
    by a worker (`notify_signed_again`), so that this request does about the
    work of a new signature (one INSERT, refused, one indexed SELECT and a task
    published) and renders no email. Returns None on purpose: the visitor gets
    the same answer whether the address never signed, is pending or confirmed.
    """
    result = record_signature(petition, data, target=target)
    if not result.created:
        notify_signed_again.delay_on_commit(result.signature.pk)


def insert_on_its_own(signature):
    """INSERT `signature` as one statement (`northstar.rows.insert`): its own transaction,
    or a savepoint inside one."""
    if transaction.get_connection().in_atomic_block:
        with transaction.atomic():
            rows.insert(signature)
    else:
        rows.insert(signature)


def request_confirmation_emails():
    """Have a worker queue the confirmation emails due; each process asks at most once a second.

    The task is enqueued once the current transaction commits and runs two
    seconds later, so it finds every signature this process committed in the
    second after asking.
    """
    global _last_wake_up
    now = time.monotonic()
    if now - _last_wake_up >= CONFIRMATION_WAKE_UP_EVERY:
        _last_wake_up = now
        queue_due_confirmations.apply_async_on_commit(countdown=2 * CONFIRMATION_WAKE_UP_EVERY)


@shared_task(name="petitions.tasks.queue_due_confirmations")
def queue_due_confirmations() -> int:
    """Queue the confirmation email of every pending signature that has none yet; how many.

    A task (woken by signing, and by beat every minute), and callable in-process.
    """
    queued = 0
    while True:
        with transaction.atomic():
            batch = list(
                Signature.objects.awaiting_confirmation_email()
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("petition", "target")[:CONFIRMATION_BATCH]
            )
            for signature in batch:
                queue_confirmation_email(signature)
            Signature.objects.filter(pk__in=[s.pk for s in batch]).update(
                confirmation_sent_at=timezone.now()
            )
        queued += len(batch)
        if len(batch) < CONFIRMATION_BATCH:
            return queued


@shared_task(name="petitions.tasks.notify_signed_again")
def notify_signed_again(signature_id: int) -> bool:
    """Email the owner of signature `signature_id` that their address was used to sign again.

    A pending signature's email carries the confirmation link again; a
    confirmed one's says there is nothing more to do. At most one email about
    a signature goes out an hour (`confirmation_sent_at` records the last,
    confirmation included); a pending one whose confirmation is not queued yet
    gets that confirmation from `queue_due_confirmations` instead. The per-email
    limit (`PETITION_SIGNS_PER_EMAIL_PER_HOUR` signings again) skips the email
    silently: the visitor's answer never depended on it. True if an email was
    queued; False if none was due, the limit was reached, or the signature is gone.
    """
    signature = Signature.objects.filter(pk=signature_id).only("email").first()
    if signature is None:
        return False
    if not allow(
        "petition-sign-email", signature.email, settings.PETITION_SIGNS_PER_EMAIL_PER_HOUR, HOUR
    ):
        return False
    with transaction.atomic():
        signature = (
            Signature.objects.select_for_update(of=("self",))
            .select_related("petition", "target")
            .filter(pk=signature_id)
            .first()
        )
        if signature is None:
            return False
        pending = signature.status == Signature.Status.PENDING
        last_sent = signature.confirmation_sent_at
        if last_sent is None:
            due = not pending  # a pending one's confirmation is on its way
        else:
            due = last_sent < timezone.now() - CONFIRMATION_RESEND_AFTER
        if not due:
            return False
        if pending:
            context = {**confirmation_context(signature), "confirmed": False}
        else:
            context = {
                "first_name": signature.first_name,
                "petition_title": signature.petition.title,
                "target_line": target_line(signature),
                "confirmed": True,
            }
        send_email("petitions/signed_again", signature.email, context)
        signature.confirmation_sent_at = timezone.now()
        signature.save(update_fields=["confirmation_sent_at"])
    return True


def confirm_signature(signature):
    """Count a pending signature; True if this call confirmed it, False if it already was."""
    with transaction.atomic():
        confirmed = Signature.objects.filter(
            pk=signature.pk, status=Signature.Status.PENDING
        ).update(status=Signature.Status.CONFIRMED, confirmed_at=timezone.now())
        if confirmed:
            SignatureCount.objects.add(signature.petition_id, signature.state, count=1)
    if confirmed:
        signature.refresh_from_db(fields=["status", "confirmed_at"])
    return bool(confirmed)


@shared_task(name="petitions.tasks.purge_unconfirmed_signatures")
def purge_unconfirmed_signatures(older_than_days: int | None = None) -> int:
    """Delete signatures never confirmed within the link's lifetime; return how many.

    A task (beat runs it hourly), and callable in-process.
    """
    days = older_than_days or settings.PETITION_CONFIRMATION_MAX_AGE_DAYS
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _ = Signature.objects.filter(
        status=Signature.Status.PENDING, created_at__lt=cutoff
    ).delete()
    return deleted
