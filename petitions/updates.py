"""Petition updates, target responses and victories, emailed to signers who opted in.

Each recipient is sent an update at most once, across retries and worker
restarts: a batch is chosen under a lock on the update, and each recipient is
recorded (`UpdateRecipient`, unique per update and signature) in the same
transaction as the outbox email it will receive.
"""

from celery import shared_task
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.rich_text import expand_db_html

from northstar.emails import absolute_url, html_to_text, send_email

from .models import PetitionUpdate, Signature, UpdateRecipient

BATCH_SIZE = 500
EMAILED_ACTION = "petitions.email_update"  # in the update's history: to how many, in which states
UNSUBSCRIBE_SALT = "petitions.unsubscribe"


def email_update(update, by=None):
    """Start emailing `update` to its recipients, once, and write `EMAILED_ACTION` in the
    update's history as `by` (the staff user; None for a command or a signal).

    False, and nothing recorded, if it had been started already or if no one
    would receive it (no confirmed, opted-in signer in its states): the one
    send is never spent on an empty audience.
    """
    reach = update.recipients().count()
    if not reach:
        return False
    with transaction.atomic():
        started = PetitionUpdate.objects.filter(pk=update.pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        if started:
            log(
                update,
                EMAILED_ACTION,
                user=by,
                data={"recipients": reach, "states": update.recipient_states()},
            )
            send_update_batch.delay_on_commit(update.pk)
    return bool(started)


@shared_task(bind=True, name="petitions.tasks.send_update_batch")
def send_update_batch(self, update_id: int) -> None:
    """Queue one batch of an update's emails, then the next batch, until all are queued."""
    if queue_update_batch(update_id) == BATCH_SIZE:
        send_update_batch.delay_on_commit(update_id)


def queue_update_batch(update_id, size=BATCH_SIZE):
    """Queue the update's email for up to `size` signers not yet sent it; return how many."""
    with transaction.atomic():
        update = (
            PetitionUpdate.objects.select_for_update(of=("self",))
            .select_related("petition", "target")
            .get(pk=update_id)
        )
        already = UpdateRecipient.objects.filter(update=update).values("signature_id")
        batch = list(update.recipients().exclude(pk__in=already).order_by("pk")[:size])
        content = update_content(update)
        UpdateRecipient.objects.bulk_create(
            UpdateRecipient(
                update=update,
                signature=signature,
                outbound_email=send_email(
                    "petitions/update", signature.email, update_context(update, signature, content)
                ),
            )
            for signature in batch
        )
    return len(batch)


def update_content(update):
    """What an update's email says to every recipient (a dict for `email/petitions/update`):
    its heading, its body as HTML and as plain text (`html_to_text`), the petition's title
    and address. Read once for a batch of recipients."""
    body = expand_db_html(update.body)
    return {
        "heading": update.heading,
        "body_html": body,
        "body_text": html_to_text(body),
        "petition_title": update.petition.title,
        "petition_url": absolute_url(update.petition.url),
    }


def update_context(update, signature, content=None):
    """The update's email to one signer: `content` (`update_content`, read now if None), their
    first name and their own unsubscribe link."""
    return {
        **(content or update_content(update)),
        "first_name": signature.first_name,
        "unsubscribe_url": absolute_url(
            reverse("petitions:unsubscribe", args=[unsubscribe_token(signature)])
        ),
    }


def unsubscribe_token(signature):
    return signing.dumps(str(signature.uuid), salt=UNSUBSCRIBE_SALT, compress=True)


def signature_for_unsubscribe_token(token):
    try:
        signature_uuid = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return Signature.objects.filter(uuid=signature_uuid).first()


def unsubscribe(signature):
    """Stop updates to this email address, from every petition it signed."""
    return Signature.objects.filter(email=signature.email, opt_in_updates=True).update(
        opt_in_updates=False
    )


def is_unsubscribed(signature):
    """Whether no signature of this email address is still opted in to updates."""
    return not Signature.objects.filter(email=signature.email, opt_in_updates=True).exists()


def announce_victory(petition):
    """Email the petition's opted-in signers about its victory, once ever."""
    try:
        with transaction.atomic():
            update, created = PetitionUpdate.objects.get_or_create(
                petition=petition,
                kind=PetitionUpdate.Kind.VICTORY,
                defaults={
                    "title": f"Victory: {petition.title}",
                    "body": petition.victory_text or "<p>We won. Thank you for signing.</p>",
                    "show_on_page": False,
                    "email_signers": True,
                },
            )
    except IntegrityError:
        return False
    return created and email_update(update)
