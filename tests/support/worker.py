"""The real Celery worker process that the end-to-end and fault tests run against, and the
fixtures that start it (registered for every test by tests/conftest.py):

- `celery_worker_process`: the suite's shared worker on the test database and broker,
  its mail captured to files (`worker_outbox` reads them);
- `session_worker_paused`: that worker stopped while a module's tests run their own;
- `own_worker`: `own_worker(api_url=None, **extra_env)` makes a worker of the test's own
  (not started), sending through Anymail's SendGrid backend to the stand-in at `api_url`
  when given; stopped, and the broker emptied, after the test.
"""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import redis

from .outbox import Outbox
from .services import require_postgresql_and_redis
from .waiting import wait_until

PROJECT_DIR = Path(__file__).resolve().parents[2]


def database_url_for(settings_dict):
    """A DATABASE_URL for the database Django's test runner created."""
    user = settings_dict.get("USER") or ""
    password = settings_dict.get("PASSWORD") or ""
    credentials = f"{user}:{password}@" if password else f"{user}@" if user else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{credentials}{host}:{port}/{settings_dict['NAME']}"


class WorkerProcess:
    def __init__(self, database_url, broker_url, mail_dir, log_path, concurrency=2, extra_env=None):
        self.database_url = database_url
        self.broker_url = broker_url
        self.mail_dir = Path(mail_dir)
        self.log_path = Path(log_path)
        self.concurrency = concurrency
        self.extra_env = dict(extra_env or {})  # e.g. another EMAIL_BACKEND
        self.process = None
        self.log_offset = 0

    def environment(self):
        env = dict(os.environ)
        env.update(
            DATABASE_URL=self.database_url,
            CELERY_BROKER_URL=self.broker_url,
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            EMAIL_FILE_PATH=str(self.mail_dir),
        )
        env.update(self.extra_env)
        return env

    def purge_broker(self):
        redis.Redis.from_url(self.broker_url).flushdb()

    def start(self):
        self.log_offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "northstar",
                "worker",
                "--loglevel=INFO",
                f"--concurrency={self.concurrency}",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--hostname=test-worker@%h",
            ],
            cwd=PROJECT_DIR,
            env=self.environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_until(self.is_ready, timeout=60, message="the Celery worker to start")

    def is_ready(self):
        if self.process.poll() is not None:
            raise AssertionError(f"The Celery worker exited:\n{self.log()}")
        return "ready." in self.log()[self.log_offset :]

    def log(self):
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def kill(self):
        """SIGKILL the worker and its pool children at once, as a crash would."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


def sendgrid_env(api_url):
    """A worker's environment for sending through Anymail's SendGrid backend to `api_url`
    (a stand-in: tests/support/fake_sendgrid.py)."""
    return {
        "EMAIL_BACKEND": "anymail.backends.sendgrid.EmailBackend",
        "SENDGRID_API_KEY": "SG.fake",
        "SENDGRID_API_URL": api_url,
    }


def worker_on_test_database(folder, **extra_env):
    """A WorkerProcess (not started) on the test database and the broker of the settings,
    its mail and log in `folder`."""
    from django.conf import settings
    from django.db import connection

    (Path(folder) / "mail").mkdir(parents=True, exist_ok=True)
    return WorkerProcess(
        database_url=database_url_for(connection.settings_dict),
        broker_url=settings.CELERY_BROKER_URL,
        mail_dir=Path(folder) / "mail",
        log_path=Path(folder) / "worker.log",
        # the test process's uploads folder (an xdist worker has its own): packets it renders
        extra_env={"MEDIA_ROOT": str(settings.MEDIA_ROOT), **extra_env},
    )


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker, tmp_path_factory):
    """A real `celery -A northstar worker` on the test database and broker."""
    require_postgresql_and_redis()
    worker = worker_on_test_database(tmp_path_factory.mktemp("worker"))
    worker.purge_broker()
    worker.start()
    yield worker
    worker.stop()


@pytest.fixture(scope="module")
def session_worker_paused(request):
    """Stop the suite's shared worker, if it runs, so that only these tests' workers take tasks
    (it consumes the same queue and writes mail to files). Stopped once for the module's worker
    tests, which run one after another, and started again after them: each stop and start of
    it took seconds."""
    from northstar.celery import app

    if not app.control.ping(timeout=1.0):
        yield
        return
    shared = request.getfixturevalue("celery_worker_process")
    shared.stop()
    yield
    shared.purge_broker()
    shared.start()


@pytest.fixture
def worker_outbox(celery_worker_process):
    """The mail the worker process has sent (captured to files)."""
    return Outbox(celery_worker_process.mail_dir)


@pytest.fixture
def own_worker(session_worker_paused, tmp_path):
    """`own_worker(api_url=None, **extra_env)`: a worker of this test's own on the test
    database and broker, not started (the suite's shared worker is paused meanwhile); with
    `api_url`, it sends mail through Anymail's SendGrid backend to the stand-in there.
    Stopped, and the broker emptied, after the test."""
    require_postgresql_and_redis()
    workers = []

    def make(api_url=None, **extra_env):
        env = {**(sendgrid_env(api_url) if api_url else {}), **extra_env}
        worker = worker_on_test_database(tmp_path / f"worker{len(workers) or ''}", **env)
        workers.append(worker)
        return worker

    yield make
    for worker in workers:
        worker.stop()
        worker.purge_broker()
