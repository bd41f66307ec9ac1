"""The Celery app: `celery -A northstar worker` and `celery -A northstar beat`.

Every task inherits DESIGN.md's defaults from `BaseTask`: acknowledged only
after it finishes, handed back to the queue if its worker dies, retried with
exponential backoff on temporary failures (`northstar.failures` says which
those are), and enqueued with `delay_on_commit` so that nothing is sent for a
transaction that rolls back.
"""

import logging
import os
import time
from pathlib import Path

from celery import Celery, signals
from celery.beat import PersistentScheduler
from celery.contrib.django.task import DjangoTask
from django.db import close_old_connections, transaction

from . import failures, logs

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "northstar.settings")

logger = logging.getLogger(__name__)


class BaseTask(DjangoTask):
    acks_late = True
    reject_on_worker_lost = True
    autoretry_for = failures.TEMPORARY_FAILURES
    retry_backoff = 2
    retry_backoff_max = 600
    retry_jitter = True
    max_retries = 8

    def __call__(self, *args, **kwargs):
        """Run the task. A failure that `northstar.failures.classify` calls temporary but
        whose type `autoretry_for` cannot tell apart (Django's `OperationalError` for a
        PostgreSQL that refused the connection, beside one that is a bug) is retried with
        the same backoff, so every task asks the one place."""
        try:
            return super().__call__(*args, **kwargs)
        except failures.TEMPORARY_FAILURES:
            raise  # retried by autoretry_for already
        except Exception as exc:
            if failures.classify(exc) is not failures.Failure.TEMPORARY:
                raise
            raise self.retry(exc=exc, countdown=failures.backoff_seconds(self)) from exc

    def delay_on_commit(self, *args, **kwargs) -> None:
        """`delay` once the transaction commits, as Celery's own does, but a broker that
        cannot be reached then (Redis restarting) never fails the request that committed:
        Django's robust `on_commit` logs the error and goes on. What the task would have
        done is already in the database, and a beat sweep picks it up (stalled email,
        stalled deliveries, due confirmations, overdue gift notices)."""

        def enqueue():  # a named function: Django's log of a failed callback names it
            self.delay(*args, **kwargs)

        transaction.on_commit(enqueue, robust=True)

    def apply_async_on_commit(self, *args, **kwargs) -> None:
        """`apply_async` once the transaction commits; robust as `delay_on_commit`."""

        def enqueue():
            self.apply_async(*args, **kwargs)

        transaction.on_commit(enqueue, robust=True)


class BeatScheduler(PersistentScheduler):
    """Celery's own scheduler, which first creates the folder its schedule file goes in.

    The file is CELERY_BEAT_SCHEDULE_FILENAME (under var/ by default): nothing
    else creates var/ when PostgreSQL and Redis are configured, and beat would
    stop at start-up on a fresh checkout (FileNotFoundError).

    Each tick also records beat's heartbeat (`northstar.models.Heartbeat`), at
    most every HEARTBEAT_SECONDS; a database that does not answer is logged
    and never stops beat.
    """

    heartbeat_recorded_at = None  # time.monotonic() of the last heartbeat written

    def setup_schedule(self):
        Path(self.schedule_filename).parent.mkdir(parents=True, exist_ok=True)
        super().setup_schedule()

    def tick(self, *args, **kwargs):
        self.record_heartbeat()
        return super().tick(*args, **kwargs)

    def record_heartbeat(self):
        from django.conf import settings

        now = time.monotonic()
        last = self.heartbeat_recorded_at
        if last is not None and now - last < settings.HEARTBEAT_SECONDS:
            return
        try:
            from .models import Heartbeat

            Heartbeat.record("beat")
            self.heartbeat_recorded_at = now
        except Exception:
            logger.exception("Could not record beat's heartbeat")
        finally:
            close_old_connections()


app = Celery("northstar", task_cls=BaseTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    task_ignore_result=True,
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    worker_cancel_long_running_tasks_on_connection_loss=True,
    broker_connection_retry_on_startup=True,
    beat_scheduler=BeatScheduler,
    task_serializer="json",
    accept_content=["json"],
)
app.autodiscover_tasks()
# The worker and beat log with Django's LOGGING: one time zone, with its offset.
signals.setup_logging.connect(logs.configure_celery_logging)
