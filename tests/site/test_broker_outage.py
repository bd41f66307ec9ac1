"""A Redis that drops while the worker holds an unacknowledged (countdown) message.

kombu 5.7.0's Redis transport made the worker exit for good ("Unrecoverable
error: AttributeError(\"'NoneType' object has no attribute 'hostname'\")"):
northstar.broker.RedisTransport keeps it alive. The test runs a Redis and a
worker of its own, so stopping that Redis never touches the suite's.
"""

import time

import pytest
from django.db import connection

from northstar.celery import app as celery_app
from northstar.models import OutboundEmail
from northstar.tasks import send_outbound_email
from tests.support.outbox import Outbox
from tests.support.redis_server import RedisServer
from tests.support.services import require_postgresql_and_redis
from tests.support.waiting import wait_until
from tests.support.worker import WorkerProcess, database_url_for

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(120),
]

VISIBILITY_TIMEOUT = 6  # seconds: the held message goes back to the queue after this
COUNTDOWN = 3  # seconds: the worker holds the message unacknowledged till then


@pytest.fixture
def own_redis(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def worker_on_own_redis(own_redis, tmp_path):
    require_postgresql_and_redis()
    worker = WorkerProcess(
        database_url=database_url_for(connection.settings_dict),
        broker_url=own_redis.url,
        mail_dir=tmp_path / "mail",
        log_path=tmp_path / "worker.log",
        concurrency=1,
        extra_env={
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
            "CELERY_RESTORE_SWEEP_SECONDS": "1",
        },
    )
    worker.start()
    yield worker
    worker.stop()


def test_the_worker_outlives_a_redis_restart_and_runs_the_held_countdown_task_once(
    own_redis, worker_on_own_redis
):
    worker = worker_on_own_redis
    message = OutboundEmail.objects.create(
        template="account_message", to="donor@example.org", context={}
    )
    with celery_app.connection_for_write(own_redis.url) as broker:
        send_outbound_email.apply_async(args=[message.pk], countdown=COUNTDOWN, connection=broker)
    wait_until(lambda: "received" in worker.log(), timeout=10, message="the worker to take it")

    own_redis.stop()
    wait_until(lambda: "Connection to broker lost" in worker.log(), timeout=10, message="the loss")
    own_redis.start()

    wait_until(
        lambda: OutboundEmail.objects.get(pk=message.pk).status == OutboundEmail.Status.SENT,
        timeout=VISIBILITY_TIMEOUT + 30,
        message="the held task to run",
    )
    time.sleep(VISIBILITY_TIMEOUT + 2)  # long enough for a second delivery, were there one
    assert worker.process.poll() is None, worker.log()
    assert "Unrecoverable error" not in worker.log()
    assert worker.log().count(" succeeded in ") == 1
    assert len(Outbox(worker.mail_dir).messages()) == 1
