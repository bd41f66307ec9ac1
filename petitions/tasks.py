"""Background work for petitions: thin tasks that take primary keys and call services."""

from celery import shared_task

from northstar import failures

from . import delivery, services, updates
from .models import PetitionPage


@shared_task
def queue_due_confirmations():
    """Queue the confirmation emails of new signatures (woken by signing, and by beat)."""
    return services.queue_due_confirmations()


@shared_task
def notify_signed_again(signature_id):
    """Email a signature's owner that their address signed again (at most once an hour)."""
    return services.notify_signed_again(signature_id)


@shared_task
def purge_unconfirmed_signatures():
    """Delete signatures whose confirmation link has expired unused."""
    return services.purge_unconfirmed_signatures()


@shared_task
def deliver_signatures(petition_id, force=False):
    petition = PetitionPage.objects.filter(pk=petition_id).first()
    if petition is None:
        return 0
    return len(delivery.deliver_signatures(petition, force=force))


@shared_task
def deliver_due_petitions():
    return len(delivery.deliver_due_petitions())


@shared_task
def resume_stalled_deliveries():
    """Run again the deliveries whose task was lost (a broker that dropped it)."""
    ids = list(delivery.stalled_deliveries().values_list("pk", flat=True)[:500])
    for pk in ids:
        process_delivery.delay_on_commit(pk)
    return len(ids)


@shared_task(bind=True)
def process_delivery(self, delivery_id):
    """A postal delivery becomes ready to post; an email delivery is sent (idempotently).

    Failures are classified by `northstar.failures`: temporary ones (the
    provider unreachable, 429, 5xx, a locked database) are retried with
    backoff, permanent ones mark the delivery failed for staff to resend.
    """
    try:
        if delivery.mark_ready(delivery_id):
            return
        claimed = delivery.start_sending(delivery_id)
    except Exception as exc:
        failures.retry_if_temporary(self, exc)
        raise
    if claimed is None:
        return
    try:
        delivery.delivery_message(claimed).send()
    except Exception as exc:
        failures.retry_or_give_up(
            self, exc, give_up=lambda error: delivery.mark_failed(claimed, error)
        )
        return
    delivery.mark_sent(claimed)


@shared_task(bind=True)
def send_update_batch(self, update_id):
    """Queue one batch of an update's emails, then the next batch, until all are queued."""
    if updates.queue_update_batch(update_id) == updates.BATCH_SIZE:
        send_update_batch.delay_on_commit(update_id)
