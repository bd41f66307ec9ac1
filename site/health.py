"""`/healthz` for a load balancer and an operator: which part of the site works.

It answers JSON naming each part, for example::

    {"status": "degraded", "database": "ok", "broker": "ok", "cache": "down",
     "worker": "stale", "beat": "ok"}

- database, broker, cache: "ok" or "down" (each asked once, with short timeouts);
- worker, beat: "ok", or "stale" when their heartbeat (`northstar.models.Heartbeat`)
  is older than HEALTH_STALE_AFTER seconds or missing; "unknown" with no database;
- status: "ok" when every part is; "degraded" when only the broker, the cache,
  the worker or beat is not (pages still render and what visitors submit is
  saved; the beat sweepers send what waited); "down" when the database does not
  answer, the one failure that makes the site unusable.

The status code is 503 for "down" only, so that a Redis that blinks never makes
a load balancer take every web process out; an operator's monitor alerts on
"degraded". It never raises: a check that fails says so.

It is middleware, placed first, so that it answers before host validation
and the HTTPS redirect: a load balancer probes by IP address over plain HTTP.
"""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone

from .celery import app as celery_app
from .models import Heartbeat

logger = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
HEARTBEAT_PROCESSES = ("worker", "beat")


def database_answers():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("Health check: the database did not answer")
        return False


def broker_answers():
    try:
        with celery_app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=3)
            conn.default_channel  # noqa: B018 (opening a channel is the check)
        return True
    except Exception:
        logger.exception("Health check: the broker did not answer")
        return False


def cache_answers():
    try:
        cache.get("northstar:healthz")
        return True
    except Exception:
        logger.exception("Health check: the cache did not answer")
        return False


def heartbeats():
    """{"worker": "ok" | "stale", "beat": ...}: stale when the last heartbeat is older than
    HEALTH_STALE_AFTER seconds, or there is none; "unknown" when they cannot be read."""
    try:
        beats = dict(Heartbeat.objects.values_list("process", "beat_at"))
    except Exception:
        logger.exception("Health check: could not read the heartbeats")
        return dict.fromkeys(HEARTBEAT_PROCESSES, "unknown")
    fresh_after = timezone.now() - timedelta(seconds=settings.HEALTH_STALE_AFTER)
    return {
        process: "ok" if beats.get(process) and beats[process] >= fresh_after else "stale"
        for process in HEARTBEAT_PROCESSES
    }


def health_report():
    """(report, status code): the JSON above, and 503 when the site is down, else 200."""
    database = database_answers()
    report = {
        "database": "ok" if database else "down",
        "broker": "ok" if broker_answers() else "down",
        "cache": "ok" if cache_answers() else "down",
    }
    report.update(heartbeats() if database else dict.fromkeys(HEARTBEAT_PROCESSES, "unknown"))
    if not database:
        status = "down"
    elif all(state == "ok" for state in report.values()):
        status = "ok"
    else:
        status = "degraded"
    return {"status": status, **report}, 503 if status == "down" else 200


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != HEALTH_PATH:
            return self.get_response(request)
        report, status = health_report()
        response = JsonResponse(report, status=status)
        response["Cache-Control"] = "no-store"
        return response


@shared_task(
    ignore_result=True,
    max_retries=0,
    autoretry_for=(),
    name="northstar.tasks.record_worker_heartbeat",
)
def record_worker_heartbeat():
    """Note that a worker takes tasks from the broker and runs them (beat sends this every
    `HEARTBEAT_SECONDS`; `/healthz` calls the worker stale when it falls silent)."""
    Heartbeat.record("worker")
