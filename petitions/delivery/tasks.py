"""Background work for deliveries: thin tasks beside the services they run.

Each task keeps the dotted name it had in `petitions.tasks`, so messages
already queued, and the beat schedule, still find it; `petitions.tasks`
imports this module so that Celery's autodiscovery registers them.
"""

from celery import shared_task

from northstar import failures

from ..models import PetitionPage
from . import services


@shared_task(name="petitions.tasks.deliver_signatures")
def deliver_signatures(petition_id, force=False):
    """Claim the due deliveries of one petition (all waiting signatures if `force`)."""
    petition = PetitionPage.objects.filter(pk=petition_id).first()
    if petition is None:
        return 0
    return len(services.deliver_signatures(petition, force=force))


@shared_task(name="petitions.tasks.deliver_due_petitions")
def deliver_due_petitions():
    """For beat: claim every petition's due deliveries."""
    return len(services.deliver_due_petitions())


@shared_task(name="petitions.tasks.resume_stalled_deliveries")
def resume_stalled_deliveries():
    """Run again the deliveries whose task was lost (a broker that dropped it)."""
    ids = list(services.stalled_deliveries().values_list("pk", flat=True)[:500])
    for pk in ids:
        process_delivery.delay_on_commit(pk)
    return len(ids)


@shared_task(bind=True, name="petitions.tasks.process_delivery")
def process_delivery(self, delivery_id):
    """A postal delivery becomes ready to post; an email delivery is sent (idempotently).

    Failures are classified by `northstar.failures`: temporary ones (the
    provider unreachable, 429, 5xx, a locked database) are retried with
    backoff, permanent ones mark the delivery failed for staff to resend.
    """
    try:
        if services.mark_ready(delivery_id):
            return
        claimed = services.start_sending(delivery_id)
    except Exception as exc:
        failures.retry_if_temporary(self, exc)
        raise
    if claimed is None:
        return
    try:
        services.send_delivery(claimed)
    except Exception as exc:
        failures.retry_or_give_up(self, exc, give_up=claimed.mark_failed)
        return
    claimed.mark_sent()
