"""The Celery app: `celery -A northstar worker` and `celery -A northstar beat`.

Every task inherits DESIGN.md's defaults from `BaseTask`: acknowledged only
after it finishes, handed back to the queue if its worker dies, retried with
exponential backoff on temporary failures (`northstar.failures` says which
those are), and enqueued with `delay_on_commit` so that nothing is sent for a
transaction that rolls back.
"""

import os
from pathlib import Path

from celery import Celery, signals
from celery.beat import PersistentScheduler
from celery.contrib.django.task import DjangoTask

from . import failures, logs

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "northstar.settings")


class BaseTask(DjangoTask):
    acks_late = True
    reject_on_worker_lost = True
    autoretry_for = failures.TEMPORARY_FAILURES
    retry_backoff = 2
    retry_backoff_max = 600
    retry_jitter = True
    max_retries = 8


class BeatScheduler(PersistentScheduler):
    """Celery's own scheduler, which first creates the folder its schedule file goes in.

    The file is CELERY_BEAT_SCHEDULE_FILENAME (under var/ by default): nothing
    else creates var/ when PostgreSQL and Redis are configured, and beat would
    stop at start-up on a fresh checkout (FileNotFoundError).
    """

    def setup_schedule(self):
        Path(self.schedule_filename).parent.mkdir(parents=True, exist_ok=True)
        super().setup_schedule()


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
