"""Keeps pytest-xdist's workers apart: `-p tests.support.parallel` (tests/run_suite.sh's
parallel pass).

Loaded before Django reads its settings, in the controller and in each worker. In a worker
(`PYTEST_XDIST_WORKER` is `gw0`, `gw1`, ...) it moves the broker and the cache onto Redis
databases of that worker's own (gwN: 2 + 2N and 3 + 2N; the serial pass keeps 0 and 1), so
that one worker's `cache.clear()` before each test never empties the rate-limit counters
or cached pages of a test running in another, and the real Celery worker a test starts
(tests/support/worker.py) reads only its own tests' tasks; and it gives the worker a media
folder of its own, which that Celery worker is given too. pytest-django already gives each
worker its own test database (test_northstar_gwN).
"""

import os
import re

import pytest

WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
REDIS_DATABASES = 16  # redis-server's default `databases`
MAX_WORKERS = (REDIS_DATABASES - 2) // 2


def worker_number(worker_id):
    """0 for "gw0", 1 for "gw1", ...; None outside a worker (`worker_id` empty)."""
    return int(worker_id.removeprefix("gw")) if worker_id else None


def on_database(url, number):
    """The Redis URL `url` with its database number replaced by `number`."""
    return re.sub(r"(redis://[^/]+)(/\d*)?$", rf"\g<1>/{number}", url)


def separate_redis_databases(environ, worker_id):
    """Point CELERY_BROKER_URL and CACHE_URL in `environ` at worker `worker_id`'s databases.
    Raises ValueError when there are more workers than Redis has databases for them."""
    number = worker_number(worker_id)
    if number is None:
        return
    if number >= MAX_WORKERS:
        raise ValueError(f"At most {MAX_WORKERS} xdist workers: Redis has {REDIS_DATABASES} DBs")
    for name, offset in (("CELERY_BROKER_URL", 2), ("CACHE_URL", 3)):
        if environ.get(name, "").startswith("redis://"):
            environ[name] = on_database(environ[name], offset + 2 * number)


separate_redis_databases(os.environ, WORKER)


@pytest.fixture(scope="session", autouse=True)
def own_media_root(tmp_path_factory):
    """In an xdist worker, uploads and renditions go to a folder of the worker's own."""
    if not WORKER:
        yield
        return
    from django.test.utils import override_settings

    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield
