"""Background work for petitions."""

from celery import shared_task

from . import services


@shared_task
def purge_unconfirmed_signatures():
    """Delete signatures whose confirmation link has expired unused."""
    return services.purge_unconfirmed_signatures()
