"""/healthz tells a load balancer whether this web process can serve, and an operator which
part of the site is down: 503 only without a database, "degraded" for the rest."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import OperationalError
from django.utils import timezone

from northstar.celery import BeatScheduler
from northstar.celery import app as celery_app
from northstar.models import Heartbeat
from northstar.tasks import record_worker_heartbeat

ALL_OK = {
    "status": "ok",
    "database": "ok",
    "broker": "ok",
    "cache": "ok",
    "worker": "ok",
    "beat": "ok",
}
NOTHING_LISTENS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def heartbeats():
    Heartbeat.record("worker")
    Heartbeat.record("beat")


@pytest.mark.django_db
def test_healthz_answers_200_ok_for_every_part_when_all_work(client, heartbeats):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == ALL_OK
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_healthz_answers_200_degraded_when_the_broker_is_down(client, settings, heartbeats):
    settings.CELERY_BROKER_URL = NOTHING_LISTENS
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {**ALL_OK, "status": "degraded", "broker": "down"}


@pytest.mark.django_db
def test_healthz_answers_200_degraded_when_the_cache_is_down(client, settings, heartbeats):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": NOTHING_LISTENS,
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {**ALL_OK, "status": "degraded", "cache": "down"}


@pytest.mark.django_db
def test_healthz_calls_the_worker_stale_when_its_heartbeat_is_older_than_the_limit(
    client, settings, heartbeats
):
    too_old = timezone.now() - timedelta(seconds=settings.HEALTH_STALE_AFTER + 1)
    Heartbeat.objects.filter(process="worker").update(beat_at=too_old)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {**ALL_OK, "status": "degraded", "worker": "stale"}


@pytest.mark.django_db
def test_healthz_calls_beat_stale_when_it_never_beat(client):
    Heartbeat.record("worker")
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {**ALL_OK, "status": "degraded", "beat": "stale"}


@pytest.mark.django_db
def test_healthz_answers_503_down_when_the_database_does_not_answer(client, heartbeats):
    with mock.patch(
        "northstar.health.connection.cursor", side_effect=OperationalError("no database")
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        **ALL_OK,
        "status": "down",
        "database": "down",
        "worker": "unknown",
        "beat": "unknown",
    }


@pytest.mark.django_db
def test_healthz_answers_a_probe_by_ip_address(client, heartbeats):
    response = client.get("/healthz", HTTP_HOST="10.0.0.7")
    assert response.status_code == 200


@pytest.mark.django_db
def test_the_worker_heartbeat_task_records_the_time_it_ran():
    record_worker_heartbeat.apply()
    beat_at = Heartbeat.objects.get(process="worker").beat_at
    assert timezone.now() - beat_at < timedelta(seconds=5)


def test_beat_sends_the_worker_heartbeat_every_heartbeat_seconds(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["record-worker-heartbeat"]
    assert entry["task"] == "northstar.tasks.record_worker_heartbeat"
    assert entry["schedule"] == settings.HEARTBEAT_SECONDS
    assert settings.HEALTH_STALE_AFTER == 3 * settings.HEARTBEAT_SECONDS


@pytest.fixture
def connections_kept():
    """Beat closes a broken or old database connection after each heartbeat; the test's
    transaction must stay open."""
    with mock.patch("northstar.celery.close_old_connections"):
        yield


@pytest.mark.django_db
@pytest.mark.usefixtures("connections_kept")
def test_beat_records_its_heartbeat_as_it_ticks_at_most_every_heartbeat_seconds(tmp_path):
    scheduler = BeatScheduler(
        app=celery_app, schedule_filename=str(tmp_path / "schedule"), lazy=True
    )
    scheduler.record_heartbeat()
    first = Heartbeat.objects.get(process="beat").beat_at
    scheduler.record_heartbeat()  # too soon: not written again
    assert Heartbeat.objects.get(process="beat").beat_at == first


@pytest.mark.django_db
@pytest.mark.usefixtures("connections_kept")
def test_beat_keeps_ticking_when_its_heartbeat_cannot_be_written(tmp_path):
    scheduler = BeatScheduler(
        app=celery_app, schedule_filename=str(tmp_path / "schedule"), lazy=True
    )
    with mock.patch.object(Heartbeat, "record", side_effect=OperationalError("no database")):
        scheduler.record_heartbeat()
    assert scheduler.heartbeat_recorded_at is None
    assert not Heartbeat.objects.exists()
