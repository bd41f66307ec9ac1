"""Background work of the site-wide app: sending email."""

import logging

from anymail.exceptions import AnymailRecipientsRefused, AnymailRequestsAPIError
from celery import shared_task

from .emails import build_message
from .models import OutboundEmail

logger = logging.getLogger(__name__)


@shared_task(bind=True)
def send_outbound_email(self, outbound_email_id):
    """Send one queued email; a message already sent or given up on is left alone.

    The provider's temporary refusals (429, 5xx) are retried with backoff; a
    permanent one (a bad address, say) is recorded on the message and not retried.
    """
    message = OutboundEmail.objects.claim_for_sending(outbound_email_id)
    if message is None:
        return
    try:
        build_message(message).send()
    except AnymailRecipientsRefused as exc:
        message.mark_failed(str(exc))
        return
    except AnymailRequestsAPIError as exc:
        temporary = exc.status_code == 429 or (exc.status_code or 0) >= 500
        if temporary and self.request.retries < self.max_retries:
            raise self.retry(exc=exc) from exc
        message.mark_failed(str(exc))
        return
    message.mark_sent()


@shared_task
def requeue_stalled_email():
    """Enqueue again any email whose task was lost (the filesystem broker drops a killed one)."""
    ids = list(OutboundEmail.objects.stalled().values_list("pk", flat=True)[:1000])
    for pk in ids:
        send_outbound_email.delay_on_commit(pk)
    if ids:
        logger.warning("Re-enqueued %d stalled emails", len(ids))
    return len(ids)
