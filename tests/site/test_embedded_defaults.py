"""Smoke test of `make run`'s embedded defaults: SQLite, the filesystem broker, console mail.

It runs the project as a newcomer would, in subprocesses with none of the
production variables set and var/ in a temporary directory.
"""

import os
import signal
import subprocess
import sys

import pytest

from tests.support.waiting import wait_until
from tests.support.worker import PROJECT_DIR

CONFIGURED_VARIABLES = (
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "CACHE_URL",
    "EMAIL_BACKEND",
    "HTTPS",
    "STATIC_MANIFEST",
    "SITE_URL",
)


@pytest.fixture
def newcomer_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in CONFIGURED_VARIABLES}
    env.update(DEBUG="true", NORTHSTAR_VAR_DIR=str(tmp_path / "var"))
    return env


def manage(env, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


COUNT_DEMO_ROWS = (
    "from northstar.models import HomePage, User; "
    "print(HomePage.objects.count(), User.objects.count())"
)

REQUEST_HOME = (
    "from django.test import Client; r = Client().get('/', HTTP_HOST='localhost'); "
    "print(r.status_code, 'Harbor Light Coalition' in r.content.decode())"
)

SEND_EMAIL = (
    "from northstar.emails import send_email; "
    "send_email('account_message', 'newcomer@example.org', "
    "{'subject': 'Printed by the worker', 'body': 'Hello from the filesystem broker.'})"
)

SIGN_PETITION = (
    "from django.test import Client; from petitions.models import PetitionPage; "
    "p = PetitionPage.objects.get(slug='stop-human-traffickers'); "
    "r = Client().post(f'/petitions/{p.pk}/sign/', {'first_name': 'Newcomer', "
    "'last_name': 'Signer', 'email': 'signer@example.org', 'zip_code': '78701'}, "
    "HTTP_HOST='localhost'); print(r.status_code)"
)


def test_the_embedded_defaults_run_the_site_with_sqlite_and_the_filesystem_broker(
    newcomer_env, tmp_path
):
    manage(newcomer_env, "migrate", "--noinput")
    manage(newcomer_env, "load_demo_data")
    manage(newcomer_env, "load_demo_data")
    assert manage(newcomer_env, "shell", "-v", "0", "-c", COUNT_DEMO_ROWS).split() == ["1", "1"]
    assert (tmp_path / "var" / "northstar.sqlite3").exists()
    assert manage(newcomer_env, "shell", "-v", "0", "-c", REQUEST_HOME).split() == ["200", "True"]

    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "northstar", "worker", "--concurrency=1"],
            cwd=PROJECT_DIR,
            env=newcomer_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        manage(newcomer_env, "shell", "-v", "0", "-c", SEND_EMAIL)
        wait_until(
            lambda: "Hello from the filesystem broker." in log_path.read_text(),
            timeout=60,
            message="the worker to print the email",
        )
        assert "Subject: Printed by the worker" in log_path.read_text()

        assert manage(newcomer_env, "shell", "-v", "0", "-c", SIGN_PETITION).split() == ["302"]
        wait_until(
            lambda: "signer@example.org" in log_path.read_text(),
            timeout=60,
            message="the worker to print the confirmation email",
        )
        assert "/petitions/confirm/" in log_path.read_text()
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)
