"""Background work of the site-wide app: sending email (thin tasks over `northstar.emails`)."""

import logging

from celery import shared_task

from . import failures
from .emails import send_outbound
from .models import Heartbeat, OutboundEmail

logger = logging.getLogger(__name__)


@shared_task(bind=True)
def send_outbound_email(self, outbound_email_id, already_sent=False):
    """Send one queued email; a message already sent or given up on is left alone.

    `northstar.failures` decides what a failure is: a temporary one (the
    provider unreachable, 429, 5xx, a locked database) is retried with backoff;
    a permanent one (a refused address, another 4xx) is recorded on the message
    and not retried. Once the provider has taken the message, a database that
    cannot record it (PostgreSQL restarting) is retried with `already_sent`:
    the next tries only record it sent, and never send it again.
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
        failures.retry_or_give_up(self, exc, give_up=lambda error: message.mark_failed(str(error)))
        return
    try:
        message.mark_sent()
    except Exception as exc:
        failures.retry_if_temporary(self, exc, kwargs={"already_sent": True})
        raise


@shared_task
def requeue_stalled_email():
    """Enqueue again any email whose task was lost (the filesystem broker drops a killed one)."""
    ids = list(OutboundEmail.objects.stalled().values_list("pk", flat=True)[:1000])
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
