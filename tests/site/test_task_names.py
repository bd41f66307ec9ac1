"""Every task keeps the name it was first queued under, wherever its code stands, so that
messages already in the broker and the beat schedule still find it."""

import pytest
from django.conf import settings

from northstar.celery import app

# Each task's name as queued since it was written (the module of its app's tasks.py).
TASK_NAMES = {
    "campaigns.tasks.erase_expired_invitations",
    "campaigns.tasks.send_gift_notice",
    "campaigns.tasks.send_overdue_gift_notices",
    "donations.tasks.bill_monthly_gifts",
    "donations.tasks.email_giving_link",
    "donations.tasks.email_manage_links",
    "donations.tasks.erase_tribute_contacts",
    "donations.tasks.remind_staff_of_payments_to_review",
    "donations.tasks.send_receipt",
    "donations.tasks.send_yearly_statements",
    "northstar.tasks.record_worker_heartbeat",
    "northstar.tasks.requeue_stalled_email",
    "northstar.tasks.send_outbound_email",
    "petitions.tasks.deliver_due_petitions",
    "petitions.tasks.deliver_signatures",
    "petitions.tasks.notify_signed_again",
    "petitions.tasks.process_delivery",
    "petitions.tasks.purge_unconfirmed_signatures",
    "petitions.tasks.queue_due_confirmations",
    "petitions.tasks.resume_stalled_deliveries",
    "petitions.tasks.send_update_batch",
}


@pytest.fixture(scope="module")
def registered():
    """The names of the project's tasks, as a worker registers them (by autodiscovery)."""
    app.loader.import_default_modules()
    return {name for name in app.tasks if not name.startswith("celery.")}


def test_the_projects_tasks_keep_their_names(registered):
    assert registered == TASK_NAMES


@pytest.mark.parametrize("entry", sorted(settings.CELERY_BEAT_SCHEDULE))
def test_every_task_in_the_beat_schedule_is_registered(registered, entry):
    assert settings.CELERY_BEAT_SCHEDULE[entry]["task"] in registered
