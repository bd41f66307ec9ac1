"""Background work of the site-wide app: sending email (thin tasks over `northstar.emails`)."""

import logging

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from . import failures
from .emails import send_outbound
from .models import Heartbeat, OutboundEmail

logger = logging.getLogger(__name__)


@shared_task(bind=True, time_limit=OutboundEmail.SEND_TIME_LIMIT)
def send_outbound_email(self, outbound_email_id, already_sent=False):
    """Send one queued email; a message already sent or given up on is left alone.

    `northstar.failures` decides what a failure is: a temporary one (the
    provider unreachable, 429, 5xx, a locked database) is retried with backoff;
    a permanent one (a refused address, another 4xx) is recorded on the message
    and not retried. The claim is given back before the retry is enqueued, so the
    retry (or beat's sweep) can claim the message again; a message claimed by a
    live worker is never claimed by another (`claim_for_sending`). Once the
    provider has taken the message, a database that cannot record it (PostgreSQL
    restarting) is retried with `already_sent`: the next tries only record it
    sent, and never send it again.
    """
    if already_sent:
        message = OutboundEmail.objects.filter(pk=outbound_email_id).first()
        if message is not None and message.status in OutboundEmail.SENDABLE_STATES:
            message.mark_sent()
        return
    try:
        message = OutboundEmail.objects.claim_for_sending(outbound_email_id)
    except Exception as exc:
        failures.retry_if_temporary(self, exc)
        raise
    if message is None:
        return
    try:
        send_outbound(message)
    except Exception as exc:
        message.release()
        failures.retry_or_give_up(self, exc, give_up=lambda error: message.mark_failed(str(error)))
        return
    try:
        message.mark_sent()
    except Exception as exc:
        failures.retry_if_temporary(self, exc, kwargs={"already_sent": True})
        raise


@shared_task
def requeue_stalled_email():
    """Enqueue again any email whose task was lost (beat runs this every minute).

    A task is lost when its worker is killed holding it, or between the broker
    and the worker (on Redis, a message fetched but not yet in the unacknowledged
    set). Enqueueing a message whose task is only slow is harmless: the outbox
    sends it once. A queued message re-enqueued here is not again for
    `LOST_AFTER`, so a long queue is not doubled every minute.
    """
    with transaction.atomic():
        ids = list(OutboundEmail.objects.stalled().values_list("pk", flat=True)[:1000])
        OutboundEmail.objects.filter(pk__in=ids, status=OutboundEmail.Status.QUEUED).update(
            updated_at=timezone.now()
        )
        for pk in ids:
            send_outbound_email.delay_on_commit(pk)
    if ids:
        logger.warning("Re-enqueued %d stalled emails", len(ids))
    return len(ids)


@shared_task(ignore_result=True, max_retries=0, autoretry_for=())
def record_worker_heartbeat():
    """Note that a worker takes tasks from the broker and runs them (beat sends this every
    `HEARTBEAT_SECONDS`; `/healthz` calls the worker stale when it falls silent)."""
    Heartbeat.record("worker")
