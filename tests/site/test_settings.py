"""The settings module: production variables pass Django's deployment checks."""

import os
import subprocess
import sys

from tests.support.worker import PROJECT_DIR

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "k3y-" + "x9Qz7!vR2@pL5#nW8$tY1%uB4^eM6&cJ0*hF3" * 2,
    "ALLOWED_HOSTS": "act.northstar.example",
    "DATABASE_URL": "postgres://northstar:secret@db.internal:5432/northstar",
    "CELERY_BROKER_URL": "redis://redis.internal:6379/0",
    "CACHE_URL": "redis://redis.internal:6379/1",
    "SENDGRID_API_KEY": "SG.production",
    "STRIPE_SECRET_KEY": "sk_live_x",
    "STRIPE_PUBLISHABLE_KEY": "pk_live_x",
    "STRIPE_WEBHOOK_SECRET": "whsec_x",
    "AWS_STORAGE_BUCKET_NAME": "northstar-media",
}


def run_manage(*args, env):
    test_only = {"HTTPS", "STATIC_MANIFEST", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV and k not in test_only}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_finds_nothing_with_production_variables():
    result = run_manage("check", "--deploy", "--fail-level", "DEBUG", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


def test_check_deploy_warns_when_the_embedded_secret_key_reaches_production():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = run_manage("check", "--deploy", env=env)
    assert "security.W009" in result.stdout + result.stderr


READ_THEN_WRITE_AT_ONCE = """
import threading, time
from django.db import connection, transaction

with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE counter (n INTEGER)")
    cursor.execute("INSERT INTO counter VALUES (0)")
    cursor.execute("PRAGMA journal_mode")
    journal_mode = cursor.fetchone()[0]
errors = []

def add_one():
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT n FROM counter")
            n = cursor.fetchone()[0]
            time.sleep(0.3)
            cursor.execute("UPDATE counter SET n = %s", [n + 1])
    except Exception as exc:
        errors.append(str(exc))
    finally:
        connection.close()

threads = [threading.Thread(target=add_one) for _ in range(4)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
with connection.cursor() as cursor:
    cursor.execute("SELECT n FROM counter")
    print(journal_mode, cursor.fetchone()[0], errors)
"""


def test_the_embedded_sqlite_database_lets_writers_wait_their_turn_instead_of_failing(tmp_path):
    # Four transactions that read, then write, at the same moment: with SQLite's
    # default (deferred) transactions all but one fail with "database is locked".
    env = {"DEBUG": "true", "NORTHSTAR_VAR_DIR": str(tmp_path / "var")}
    result = run_manage("shell", "-v", "0", "-c", READ_THEN_WRITE_AT_ONCE, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.split() == ["wal", "4", "[]"]
