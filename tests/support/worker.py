"""The real Celery worker process that the end-to-end and fault tests run against."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import redis

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
