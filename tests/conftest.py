"""Fixtures for the whole suite: the real Celery worker, its captured mail, pages, the browser.

`make test` runs the suite on PostgreSQL and a Redis broker; tests/run_suite.sh
sets DATABASE_URL, CELERY_BROKER_URL and the test-only variables (HTTPS=false,
STATIC_MANIFEST=false) before pytest reads the settings. Tests that need the worker
use a transactional database, so the worker process sees their rows.
"""

import os

import pytest

from tests.support.outbox import Outbox
from tests.support.services import require_postgresql_and_redis
from tests.support.worker import WorkerProcess, database_url_for

# Playwright's sync API runs an event loop in the test thread; the ORM calls
# the tests make beside it are synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
    """Passwords hashed with one round of MD5 in this process, as Django's testing docs advise.

    The production hasher (PBKDF2, a million rounds) takes ~0.4 s per hash here: every user
    a factory or the demo data creates, and every log-in, paid it. What is tested is that
    passwords are checked, not how slowly; the site's own settings are unchanged, and the
    worker and the embedded-defaults subprocesses keep them.
    """
    from django.test.utils import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker, tmp_path_factory):
    """A real `celery -A northstar worker` on the test database and broker."""
    from django.conf import settings
    from django.db import connection

    require_postgresql_and_redis()
    worker = WorkerProcess(
        database_url=database_url_for(connection.settings_dict),
        broker_url=settings.CELERY_BROKER_URL,
        mail_dir=tmp_path_factory.mktemp("worker-mail"),
        log_path=tmp_path_factory.mktemp("worker-log") / "worker.log",
    )
    worker.purge_broker()
    worker.start()
    yield worker
    worker.stop()


@pytest.fixture(scope="module")
def session_worker_paused(request):
    """Stop the suite's shared worker, if it runs, so that only these tests' workers take tasks
    (stopped once for the module's worker tests, which run one after another, and started again
    after them: each stop and start of it took seconds)."""
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
def mail_kept_queued():
    """Queued messages stay in the outbox, not handed to a worker: for transactional tests
    that read what was queued. The session's real worker, alive after any test that
    started it, would otherwise send them and blank their context meanwhile."""
    from unittest import mock

    with mock.patch("northstar.tasks.send_outbound_email.delay_on_commit"):
        yield


def _is_transactional(item):
    """Whether `item` runs on a transactional database (rows committed, seen by other processes)."""
    marker = item.get_closest_marker("django_db")
    return (
        (marker is not None and marker.kwargs.get("transaction", False))
        or "transactional_db" in item.fixturenames
        or "live_server" in item.fixturenames
    )


# The transaction holding a module's shared home page, while it is open.
_shared_home = {"atomic": None, "blocker": None}


def _close_shared_home_page():
    atomic, blocker = _shared_home["atomic"], _shared_home["blocker"]
    if atomic is None:
        return
    from django.db import transaction

    _shared_home["atomic"] = None
    with blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """A test that did not ask for the home page never sees the one its module shares, nor
    does a transactional test (its rows must be committed for other processes to see)."""
    if "home_page" not in item.fixturenames or _is_transactional(item):
        _close_shared_home_page()


@pytest.fixture(scope="module")
def _home_page_for_module(request, django_db_setup, django_db_blocker):
    """The home page made once for a module's tests that roll back (each test in a savepoint
    inside this transaction, rolled back after the module), not once per test. None for
    transactional tests (pytest-django runs them after all the others), which make their own;
    and once a test of the module that did not ask for it has run (it never sees it)."""
    from django.db import transaction

    from northstar.demo import load_home_page

    if _is_transactional(request._pyfuncitem):
        yield None
        return
    _close_shared_home_page()
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        _shared_home.update(atomic=atomic, blocker=django_db_blocker)
        pk = load_home_page().pk
    yield pk
    if _shared_home["atomic"] is atomic:
        _close_shared_home_page()


@pytest.fixture
def home_page(_home_page_for_module, db):
    """The site's home page, with the page tree and default site it needs."""
    from northstar.demo import load_home_page
    from northstar.models import HomePage

    if _home_page_for_module is None or _shared_home["atomic"] is None:
        return load_home_page()
    return HomePage.objects.get(pk=_home_page_for_module)


@pytest.fixture
def site_settings(home_page):
    from wagtail.models import Site

    from northstar.models import SiteSettings

    return SiteSettings.for_site(Site.objects.get(is_default_site=True))


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright; no network beyond loopback."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


@pytest.fixture(autouse=True)
def empty_cache():
    """Rate-limit counters live in the shared cache: each test starts with none.

    Nor with anything this process remembered (northstar.memo) from the last test.
    """
    from django.core.cache import cache

    from northstar.memo import clear_all

    cache.clear()
    clear_all()
