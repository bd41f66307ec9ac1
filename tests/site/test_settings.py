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
