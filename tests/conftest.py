"""Fixtures for the whole suite: the real Celery worker, its captured mail, pages, the browser.

`make test` runs the suite on PostgreSQL and a Redis broker; tests/run_suite.sh
sets DATABASE_URL, CELERY_BROKER_URL and the test-only variables (HTTPS=false,
STATIC_MANIFEST=false) before pytest reads the settings. Tests that need the worker
use a transactional database, so the worker process sees their rows.
"""

import os

import pytest

# The shared kit (staff, staff_client, signed_in, petition, campaign, fundraiser, stripe_keys...)
# and the Celery worker fixtures (celery_worker_process, session_worker_paused, worker_outbox,
# own_worker).
pytest_plugins = ["tests.support.kit", "tests.support.worker"]

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


@pytest.fixture
def mail_kept_queued():
    """Queued messages stay in the outbox, not handed to a worker: for transactional tests
    that read what was queued. The session's real worker, alive after any test that
    started it, would otherwise send them and blank their context meanwhile."""
    from unittest import mock

    with mock.patch("northstar.tasks.send_outbound_email.delay_on_commit"):
        yield


@pytest.fixture(autouse=True)
def receipts_sent_in_the_gifts_transaction(request):
    """A counted gift's receipt is numbered and queued in the transaction that counts it, in
    this process, not by `donations.tasks.send_receipt` after commit: a test that rolls back
    never commits, and the tests of every path that pays a gift read its receipt in the
    outbox at once. A test that asks for `receipt_task_after_commit` keeps the real task."""
    if "receipt_task_after_commit" in request.fixturenames:
        yield
        return
    from unittest import mock

    from donations.receipts import send_receipt

    def send_now(donation_id, extra=None):
        send_receipt(donation_id, extra)

    with mock.patch("donations.receipts.send_receipt_task.delay_on_commit", send_now):
        yield


@pytest.fixture
def receipt_task_after_commit():
    """The real receipt task, enqueued after commit (see the fixture above)."""


# What a test may share with no other test running at the same time, on this machine: the
# PostgreSQL and Redis the suite started (a test that stops and starts them) and the timings
# it measures. tests/run_suite.sh runs the tests marked `serial` in one process after the
# others, which it runs in parallel workers (pytest-xdist). A browser, a live server and the
# real Celery worker are not among them: each xdist worker has its own (its own test
# database, broker and cache databases, and media folder: tests/support/parallel.py).
SERIAL_MODULES = {
    "tests.site.test_embedded_defaults",  # `make run` under supervisord, and its timings
    "tests.site.test_service_restarts",  # restarts its own PostgreSQL and Redis mid-test
    "tests.site.test_broker_outage",  # restarts its own Redis under a worker
}


def pytest_itemcollected(item):
    """Marks `serial` the tests of SERIAL_MODULES (before `-m` selects)."""
    if item.module and item.module.__name__ in SERIAL_MODULES:
        item.add_marker(pytest.mark.serial)


def _is_transactional(item):
    """Whether `item` runs on a transactional database (rows committed, seen by other processes)."""
    marker = item.get_closest_marker("django_db")
    return (
        (marker is not None and marker.kwargs.get("transaction", False))
        or "transactional_db" in item.fixturenames
        or "live_server" in item.fixturenames
    )


def _wants_shared_home_page(item):
    return "home_page" in item.fixturenames and not _is_transactional(item)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Within each run of a module's tests (pytest-django has put the tests that roll back
    before the transactional ones), the tests that ask for the home page go last, so that
    the module shares one home page among them (see `_home_page_for_module`)."""
    runs, previous = [], None
    for item in items:
        kind = (item.module.__name__ if item.module else None, _is_transactional(item))
        if kind != previous:
            runs.append([])
            previous = kind
        runs[-1].append(item)
    items[:] = [item for run in runs for item in sorted(run, key=_wants_shared_home_page)]


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """A test that does not ask for the module's shared home page (it did not ask for the
    home page, or it is transactional: its rows must be committed for other processes to see)
    never runs inside its transaction: the fixture ends (rolled back) before such a test, and
    begins again for the module's next test that asks for it."""
    if _wants_shared_home_page(item):
        return
    for fixturedef in (
        item.session._fixturemanager.getfixturedefs("_home_page_for_module", item) or ()
    ):
        fixturedef.finish(item._request)


@pytest.fixture(scope="module")
def _home_page_for_module(request, django_db_setup, django_db_blocker):
    """The home page made once for a module's tests that roll back, not once per test: made
    in a transaction around them (each test in a savepoint inside it), rolled back after
    the module's last such test. None for transactional tests, which make their own."""
    from django.db import transaction

    from northstar.demo import load_home_page

    if not _wants_shared_home_page(request._pyfuncitem):
        yield None
        return
    with django_db_blocker.unblock(), transaction.atomic():
        yield load_home_page().pk
        transaction.set_rollback(True)


@pytest.fixture
def home_page(_home_page_for_module, db):
    """The site's home page, with the page tree and default site it needs."""
    from northstar.demo import load_home_page
    from northstar.models import HomePage

    if _home_page_for_module is None:
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
