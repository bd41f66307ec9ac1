"""The real services stopped and started again under load, as an operator's would be.

Redis: one redis-server of the test's own holds both the cache (database 1) and the Celery
broker (database 0), as in production; a real worker runs on it, and this process's cache
and Celery app are pointed at it too. It is stopped in the middle of a burst of signings and
page reads and started again.

PostgreSQL: a server of the test's own (initdb in tmp_path with $NORTHSTAR_PG_BIN, which
tests/run_suite.sh exports), migrated, with a worker on it; it is stopped while a send is
due and started again.
"""

import time

import psycopg
import pytest
from django.db import connection
from django.db.models import Max
from django.utils import timezone

from northstar.celery import app as celery_app
from northstar.models import OutboundEmail
from northstar.tasks import send_outbound_email
from petitions import tasks as petition_tasks
from petitions.models import Signature
from tests.petitions.factories import PetitionPageFactory, TargetFactory, form_data
from tests.support.outbox import Outbox
from tests.support.postgres_server import PostgresServer
from tests.support.redis_server import RedisServer
from tests.support.services import require_postgresql_and_redis
from tests.support.waiting import wait_until
from tests.support.worker import WorkerProcess, database_url_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True), pytest.mark.timeout(180)]

VISIBILITY_TIMEOUT = 10  # seconds: a message the worker held when Redis dropped comes back
SIGNINGS = 45  # one signing and three page reads each
REDIS_DOWN_AT, REDIS_UP_AT = 15, 30  # the signing before which Redis stops, then starts
CONFIRMATION_DELAY = 60  # seconds: beat's sweep of due confirmations runs every minute


@pytest.fixture
def redis_for_everything(tmp_path, settings, monkeypatch):
    """A redis-server of this test's own as the cache and the broker of this process."""
    server = RedisServer(tmp_path)
    server.start()
    settings.CACHES = {
        "default": {"BACKEND": "northstar.cache.FailOpenRedisCache", "LOCATION": server.url_of(1)}
    }
    settings.PETITION_SIGNS_PER_IP_PER_HOUR = 10 * SIGNINGS  # every signing comes from one IP
    # Celery reads the environment's CELERY_BROKER_URL before its own setting.
    monkeypatch.setenv("CELERY_BROKER_URL", server.url_of(0))
    forget_broker_connections()
    yield server
    forget_broker_connections()  # the suite's broker again, from the restored environment
    server.stop()


def forget_broker_connections():
    """Drop this process's Celery connection and producer pools: the next publish connects
    to the broker its configuration names now."""
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def worker_on_redis(redis_for_everything, tmp_path):
    require_postgresql_and_redis()
    worker = WorkerProcess(
        database_url=database_url_for(connection.settings_dict),
        broker_url=redis_for_everything.url_of(0),
        mail_dir=tmp_path / "mail",
        log_path=tmp_path / "worker.log",
        extra_env={
            "CACHE_URL": redis_for_everything.url_of(1),
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
            "CELERY_RESTORE_SWEEP_SECONDS": "1",
        },
    )
    worker.start()
    yield worker
    worker.stop()


def test_a_redis_restart_during_a_burst_of_signings_and_reads_loses_no_confirmation(
    client, home_page, redis_for_everything, worker_on_redis
):
    redis, worker = redis_for_everything, worker_on_redis
    TargetFactory(jurisdiction="TX", name="Ken Paxton")
    petition = PetitionPageFactory(title="Stop human traffickers", require_confirmation=True)
    pages = ["/", petition.url, "/healthz"]

    statuses = {}
    started = time.monotonic()
    for number in range(SIGNINGS):
        if number == REDIS_DOWN_AT:
            redis.stop()
        if number == REDIS_UP_AT:
            redis.start()
            back_at = timezone.now()
        answer = client.post(petition.sign_url(), form_data(email=f"signer{number}@example.org"))
        statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1
        for url in pages:
            status = client.get(url).status_code
            statuses[status] = statuses.get(status, 0) + 1
    burst_seconds = time.monotonic() - started
    # Beat's next sweep of due confirmations, at most a minute away, sent now as beat would.
    petition_tasks.queue_due_confirmations.delay()

    assert statuses == {302: SIGNINGS, 200: 3 * SIGNINGS}
    assert Signature.objects.filter(petition=petition).count() == SIGNINGS
    wait_until(
        lambda: OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT).count() >= SIGNINGS,
        timeout=CONFIRMATION_DELAY,
        message="every confirmation to be sent",
    )
    last_sent = OutboundEmail.objects.aggregate(last=Max("sent_at"))["last"] - back_at
    time.sleep(VISIBILITY_TIMEOUT + 2)  # long enough for a redelivered task to send again
    emails = OutboundEmail.objects.filter(template="petitions/confirm_signature")
    assert sorted(emails.values_list("to", flat=True)) == sorted(
        f"signer{number}@example.org" for number in range(SIGNINGS)
    )
    assert set(emails.values_list("status", flat=True)) == {OutboundEmail.Status.SENT}
    sent = Outbox(worker.mail_dir).messages()
    assert sorted(str(message["To"]) for message in sent) == sorted(
        f"signer{number}@example.org" for number in range(SIGNINGS)
    )
    assert worker.process.poll() is None, worker.log()
    assert "Unrecoverable error" not in worker.log()
    print(
        f"burst: {4 * SIGNINGS} requests in {burst_seconds:.1f} s; the last confirmation sent "
        f"{last_sent.total_seconds():.1f} s after Redis came back"
    )


@pytest.fixture
def own_postgresql(transactional_db):
    """A PostgreSQL of this test's own, holding a copy of the (migrated) test database."""
    require_postgresql_and_redis()
    server = PostgresServer()
    try:
        server.create()
        server.copy_database(database_url_for(connection.settings_dict))
        yield server
    finally:
        server.remove()


@pytest.fixture
def own_broker(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def worker_on_own_postgresql(own_postgresql, own_broker, tmp_path):
    worker = WorkerProcess(
        database_url=own_postgresql.url,
        broker_url=own_broker.url,
        mail_dir=tmp_path / "mail",
        log_path=tmp_path / "worker.log",
        concurrency=1,
    )
    worker.start()
    yield worker
    worker.stop()


def queue_email_in(server, to):
    """An OutboundEmail row written straight into `server`'s database: its primary key."""
    with psycopg.connect(server.url) as db:
        return db.execute(
            "INSERT INTO northstar_outboundemail"
            ' (uuid, template, "to", context, status, attempts, error, created_at, updated_at)'
            " VALUES (gen_random_uuid(), 'account_message', %s, '{}', 'queued', 0, '',"
            " now(), now())"
            " RETURNING id",
            [to],
        ).fetchone()[0]


def email_in(server, pk):
    """(status, attempts) of the OutboundEmail `pk` in `server`'s database; None while down."""
    try:
        with psycopg.connect(server.url, connect_timeout=1) as db:
            return db.execute(
                "SELECT status, attempts FROM northstar_outboundemail WHERE id = %s", [pk]
            ).fetchone()
    except psycopg.OperationalError:
        return None


def test_a_send_during_a_postgresql_restart_is_retried_and_sent_once_when_it_is_back(
    own_postgresql, own_broker, worker_on_own_postgresql
):
    postgresql, worker = own_postgresql, worker_on_own_postgresql
    pk = queue_email_in(postgresql, "supporter@example.org")

    postgresql.stop()
    with celery_app.connection_for_write(own_broker.url) as broker:
        send_outbound_email.apply_async(args=[pk], connection=broker)
    wait_until(lambda: " retry: " in worker.log(), timeout=20, message="the task to be retried")
    time.sleep(2)  # PostgreSQL stays away for a retry or two more
    postgresql.start()
    back_at = time.monotonic()

    wait_until(
        lambda: email_in(postgresql, pk) == ("sent", 1), timeout=40, message="the email to be sent"
    )
    sent_after = time.monotonic() - back_at
    time.sleep(3)  # long enough for a second send, were there one
    assert len(Outbox(worker.mail_dir).messages()) == 1
    assert worker.log().count(" succeeded in ") == 1
    assert worker.process.poll() is None, worker.log()
    print(
        f"retried {worker.log().count(' retry: ')} times; sent {sent_after:.1f} s after "
        "PostgreSQL was back"
    )


def test_a_postgresql_restart_between_the_send_and_its_record_sends_the_email_once(
    own_postgresql, own_broker, tmp_path
):
    postgresql = own_postgresql
    release = tmp_path / "release"
    worker = WorkerProcess(
        database_url=postgresql.url,
        broker_url=own_broker.url,
        mail_dir=tmp_path / "mail",
        log_path=tmp_path / "worker.log",
        concurrency=1,
        extra_env={
            "EMAIL_BACKEND": "tests.support.held_mail.EmailBackend",
            "HELD_MAIL_RELEASE": str(release),
        },
    )
    worker.start()
    try:
        pk = queue_email_in(postgresql, "supporter@example.org")
        with celery_app.connection_for_write(own_broker.url) as broker:
            send_outbound_email.apply_async(args=[pk], connection=broker)
        outbox = Outbox(worker.mail_dir)
        wait_until(outbox.messages, timeout=20, message="the worker to send the email")

        postgresql.stop()  # the email is sent; the worker has yet to record it
        release.touch()
        wait_until(lambda: " retry: " in worker.log(), timeout=20, message="a retry")
        postgresql.start()

        wait_until(lambda: email_in(postgresql, pk)[0] == "sent", timeout=40, message="the record")
        time.sleep(3)  # long enough for a second send, were there one
        assert len(outbox.messages()) == 1
        assert worker.process.poll() is None, worker.log()
    finally:
        worker.stop()
