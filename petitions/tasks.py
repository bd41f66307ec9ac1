"""Background work for petitions: thin tasks that take primary keys and call services.

The delivery tasks live beside their services, in `petitions.delivery.tasks`
(under their old names here); they are imported below so that Celery's
autodiscovery, which reads this module, registers them.
"""

from celery import shared_task

from . import services, updates
from .delivery.tasks import (  # noqa: F401 (registered with Celery by this import)
    deliver_due_petitions,
    deliver_signatures,
    process_delivery,
    resume_stalled_deliveries,
)


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


@shared_task(bind=True)
def send_update_batch(self, update_id):
    """Queue one batch of an update's emails, then the next batch, until all are queued."""
    if updates.queue_update_batch(update_id) == updates.BATCH_SIZE:
        send_update_batch.delay_on_commit(update_id)
