"""`/healthz` for a load balancer: 200 when the database and the broker answer, else 503.

It is middleware, placed first, so that it answers before host validation
and the HTTPS redirect: a load balancer probes by IP address over plain HTTP.
"""

import logging

from django.conf import settings
from django.db import connection
from django.http import JsonResponse

from .celery import app as celery_app

logger = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"


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


def health_report():
    checks = {"database": database_answers(), "broker": broker_answers()}
    return {name: "ok" if ok else "down" for name, ok in checks.items()}, all(checks.values())


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != HEALTH_PATH:
            return self.get_response(request)
        report, healthy = health_report()
        response = JsonResponse(report, status=200 if healthy else 503)
        response["Cache-Control"] = "no-store"
        return response
