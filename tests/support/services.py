"""What tests of real concurrency and the real worker need: PostgreSQL and Redis.

`make test` (tests/run_suite.sh) always provides both, so a test that needs
them fails, rather than skips, anywhere else: a skip would hide that it never ran.
"""

import pytest
from django.conf import settings
from django.db import connection


def require_postgresql():
    """Fail the calling test unless the database is PostgreSQL (row locks, real concurrency)."""
    if connection.vendor != "postgresql":
        pytest.fail("This test needs PostgreSQL: run it with `make test`.")


def require_postgresql_and_redis():
    """Fail the calling test unless it runs on PostgreSQL with a Redis broker (the real worker)."""
    require_postgresql()
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        pytest.fail("This test needs Redis as the Celery broker: run it with `make test`.")
