"""The settings module: production variables pass Django's deployment checks, and with DEBUG
off the embedded defaults run only when ALLOW_EMBEDDED_DEFAULTS says so."""

import os
import runpy
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

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
    test_only = {"HTTPS", "STATIC_MANIFEST", "DJANGO_ALLOW_ASYNC_UNSAFE", "ALLOW_EMBEDDED_DEFAULTS"}
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
    result = run_manage("check", "--deploy", env={**env, "ALLOW_EMBEDDED_DEFAULTS": "true"})
    assert "security.W009" in result.stdout + result.stderr


EVERY_EMBEDDED_DEFAULT = [
    "the local test checkout (set STRIPE_SECRET_KEY, STRIPE_PUBLISHABLE_KEY and "
    "STRIPE_WEBHOOK_SECRET)",
    "console mail (set SENDGRID_API_KEY)",
    "SQLite (set DATABASE_URL)",
    "the filesystem broker (set CELERY_BROKER_URL)",
    "local media (set AWS_STORAGE_BUCKET_NAME)",
    "the insecure development SECRET_KEY (set SECRET_KEY)",
]


@pytest.fixture
def load_settings(monkeypatch, tmp_path):
    """Run site/settings.py afresh with the production variables, less `unset`, plus `extra`;
    its globals (this process's own settings are untouched)."""

    def load(*unset, **extra):
        for name in [*PRODUCTION_ENV, "ALLOW_EMBEDDED_DEFAULTS", "EMAIL_BACKEND"]:
            monkeypatch.delenv(name, raising=False)
        for name, value in PRODUCTION_ENV.items():
            if name not in unset:
                monkeypatch.setenv(name, value)
        for name, value in extra.items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("NORTHSTAR_VAR_DIR", str(tmp_path / "var"))
        return runpy.run_path(str(PROJECT_DIR / "site" / "settings.py"))

    return load


@pytest.mark.parametrize(
    ("unset", "named"),
    [
        (("STRIPE_SECRET_KEY",), "the local test checkout (set STRIPE_SECRET_KEY)"),
        (("STRIPE_WEBHOOK_SECRET",), "an incomplete Stripe set-up (set STRIPE_WEBHOOK_SECRET)"),
        (("SENDGRID_API_KEY",), "console mail (set SENDGRID_API_KEY)"),
        (("DATABASE_URL",), "SQLite (set DATABASE_URL)"),
        (("CELERY_BROKER_URL",), "the filesystem broker (set CELERY_BROKER_URL)"),
        (("AWS_STORAGE_BUCKET_NAME",), "local media (set AWS_STORAGE_BUCKET_NAME)"),
        (("SECRET_KEY",), "the insecure development SECRET_KEY (set SECRET_KEY)"),
    ],
)
def test_with_debug_off_each_embedded_default_refuses_to_run_and_is_named(
    load_settings, unset, named
):
    with pytest.raises(ImproperlyConfigured) as refused:
        load_settings(*unset)

    assert str(refused.value) == (
        f"DEBUG is off, so these embedded defaults would run: {named}. "
        "Set ALLOW_EMBEDDED_DEFAULTS=true to run them anyway (a demo)."
    )


def test_with_debug_off_and_nothing_set_one_message_names_every_embedded_default(load_settings):
    with pytest.raises(ImproperlyConfigured) as refused:
        load_settings(*PRODUCTION_ENV)

    assert ", ".join(EVERY_EMBEDDED_DEFAULT) in str(refused.value)


def test_with_every_production_variable_set_the_settings_load_and_list_no_embedded_default(
    load_settings,
):
    assert load_settings()["EMBEDDED_DEFAULTS_IN_USE"] == []


def test_another_email_backend_is_not_console_mail(load_settings):
    loaded = load_settings(
        "SENDGRID_API_KEY", EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend"
    )

    assert loaded["EMBEDDED_DEFAULTS_IN_USE"] == []


def test_allow_embedded_defaults_lets_a_demo_run_them_with_debug_off(load_settings):
    loaded = load_settings(*PRODUCTION_ENV, ALLOW_EMBEDDED_DEFAULTS="true")

    assert loaded["DEBUG"] is False
    assert loaded["EMBEDDED_DEFAULTS_IN_USE"] == EVERY_EMBEDDED_DEFAULT


def test_with_debug_on_the_embedded_defaults_run_without_being_allowed(load_settings):
    loaded = load_settings(*PRODUCTION_ENV, DEBUG="true")

    assert loaded["EMBEDDED_DEFAULTS_IN_USE"] == EVERY_EMBEDDED_DEFAULT


def test_a_process_started_with_debug_off_on_the_embedded_defaults_exits_naming_them(tmp_path):
    result = run_manage("check", env={"DEBUG": "false", "NORTHSTAR_VAR_DIR": str(tmp_path)})

    assert result.returncode != 0
    assert "ImproperlyConfigured: DEBUG is off, so these embedded defaults would run" in (
        result.stderr
    )
    assert ", ".join(EVERY_EMBEDDED_DEFAULT) in result.stderr


def test_check_deploy_names_each_embedded_default_a_demo_runs(tmp_path):
    env = {"DEBUG": "false", "ALLOW_EMBEDDED_DEFAULTS": "true", "NORTHSTAR_VAR_DIR": str(tmp_path)}
    result = run_manage("check", "--deploy", env=env)

    output = result.stdout + result.stderr
    assert output.count("northstar.W001") == len(EVERY_EMBEDDED_DEFAULT)
    for description in EVERY_EMBEDDED_DEFAULT:
        assert f"An embedded default is in use: {description}." in output


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
