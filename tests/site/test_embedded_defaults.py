"""Smoke test of `make run`'s embedded defaults: SQLite, the filesystem broker, console mail.

It runs the project as a newcomer would, in subprocesses with none of the
production variables set and var/ in a temporary directory.
"""

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import requests

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


def stop(worker):
    """Stop a worker started here: SIGTERM (a warm shutdown, which finishes the task in hand:
    on a busy machine a demo delivery's packet can take longer), then SIGKILL after 30 s."""
    os.killpg(worker.pid, signal.SIGTERM)
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()


COUNT_DEMO_ROWS = (
    "from northstar.models import HomePage, User; from campaigns.models import FundraiserPage; "
    "print(HomePage.objects.count(), User.objects.count(), FundraiserPage.objects.count())"
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


@pytest.fixture(scope="module")
def first_run_var(tmp_path_factory):
    """A var/ as a newcomer's first `make run` leaves it: SQLite migrated from nothing and the
    demo loaded (each step must succeed). Made once for this module; each test below works on
    a copy (migrating SQLite and loading the demo in subprocesses take many seconds each)."""
    root = tmp_path_factory.mktemp("first-run")
    env = {k: v for k, v in os.environ.items() if k not in CONFIGURED_VARIABLES}
    env.update(DEBUG="true", NORTHSTAR_VAR_DIR=str(root / "var"))
    manage(env, "migrate", "--noinput")
    manage(env, "load_demo_data")
    return root / "var"


def test_the_embedded_defaults_run_the_site_with_sqlite_and_the_filesystem_broker(
    newcomer_env, tmp_path, first_run_var
):
    # Migrated from nothing and the demo loaded once (first_run_var), then:
    shutil.copytree(first_run_var, newcomer_env["NORTHSTAR_VAR_DIR"])
    loaded = manage(newcomer_env, "shell", "-v", "0", "-c", COUNT_DEMO_ROWS).split()
    manage(newcomer_env, "load_demo_data")
    assert manage(newcomer_env, "shell", "-v", "0", "-c", COUNT_DEMO_ROWS).split() == loaded
    assert loaded[0] == "1"
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
        stop(worker)


# `make run` itself: supervisord starts site/supervisord.conf (web, worker and
# beat) on SQLite and the filesystem broker, and the tests below click, queue
# mail and kill the worker as a newcomer's afternoon would.


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MakeRun:
    """supervisord running site/supervisord.conf, as `make run` does, with its output in a file."""

    def __init__(self, env, var_dir, log_path):
        self.env = env
        self.var_dir = var_dir
        self.log_path = log_path
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None

    def start(self):
        env = dict(self.env, PORT=str(self.port), CELERY_POLLING_INTERVAL="0.05")
        env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [str(Path(sys.executable).parent / "supervisord"), "-c", "site/supervisord.conf"],
                cwd=PROJECT_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_until(self.web_answers, timeout=90, message="the web server to answer")
        wait_until(lambda: self.worker_ready(1), timeout=90, message="the worker to start")

    def log(self):
        return self.log_path.read_text(errors="replace")

    def web_answers(self):
        assert self.process.poll() is None, f"make run stopped:\n{self.log()}"
        try:
            return requests.get(f"{self.url}/", timeout=10).status_code == 200
        except requests.ConnectionError:
            return False

    def started(self, name):
        """Pids of the processes supervisord started for program `name`, in order."""
        pattern = rf"spawned: '{name}' with pid (\d+)"
        return [int(pid) for pid in re.findall(pattern, self.log())]

    def worker_ready(self, count):
        return len(re.findall(r"celery@\S+ ready\.", self.log())) >= count

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # Ctrl-C
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        for pid in self.started("web") + self.started("worker") + self.started("beat"):
            with contextlib.suppress(ProcessLookupError):  # anything supervisord failed to stop
                os.killpg(pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def make_run(tmp_path_factory, first_run_var):
    """The site on its embedded defaults, as `make run` starts it, shared by the tests below
    (on a copy of the first run's var/: migrated, the demo loaded)."""
    root = tmp_path_factory.mktemp("make-run")
    env = {k: v for k, v in os.environ.items() if k not in CONFIGURED_VARIABLES}
    env.update(DEBUG="true", NORTHSTAR_VAR_DIR=str(root / "var"))
    shutil.copytree(first_run_var, root / "var")
    site = MakeRun(env, root / "var", root / "make-run.log")
    try:
        site.start()
        yield site
    finally:
        site.stop()


START_TEST_CHECKOUT = """
from campaigns.models import FundraisingCampaignPage
from donations.models import DonationTotal
from donations.services import start_donation
page = FundraisingCampaignPage.objects.live().first()
path = start_donation(page, {"amount_cents": 2500, "first_name": "Double", "last_name": "Clicker",
                             "email": "double.clicker@example.org"})
print(path, DonationTotal.objects.total(page=page.pk).donation_count)
"""

CHECKOUT_OUTCOME = """
from donations.models import Donation, DonationTotal
from northstar.models import OutboundEmail
donation = Donation.objects.get(email="double.clicker@example.org")
receipts = OutboundEmail.objects.filter(template="donation_receipt", to=donation.email).count()
print(donation.status, receipts, DonationTotal.objects.total(page=donation.page_id).donation_count)
"""


def shell_answer(env, script):
    """The last line `script` printed in `manage.py shell`, split into words."""
    return manage(env, "shell", "-v", "0", "-c", script).strip().splitlines()[-1].split()


def queue_emails_at_once(env, addresses):
    script = (
        "from northstar.emails import send_email\n"
        f"for to in {list(addresses)!r}:\n"
        "    send_email('account_message', to, {'subject': 'At once', 'body': 'Queued at once.'})\n"
    )
    manage(env, "shell", "-v", "0", "-c", script)


def email_statuses(env, addresses):
    script = (
        "from northstar.models import OutboundEmail\n"
        f"print(*OutboundEmail.objects.filter(to__in={list(addresses)!r})"
        ".values_list('status', flat=True))"
    )
    return shell_answer(env, script)


def wait_for_printed_emails(site, addresses, timeout=15):
    wait_until(
        lambda: all(f"To: {to}" in site.log() for to in addresses),
        timeout=timeout,
        message=f"the worker to send {len(addresses)} emails",
    )


@pytest.mark.timeout(600)
def test_six_quick_clicks_on_complete_test_payment_all_answer_alike_and_pay_once(make_run):
    path, total_before = shell_answer(make_run.env, START_TEST_CHECKOUT)
    url = make_run.url + path
    browser = requests.Session()
    form = browser.get(url, timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    cookies = browser.cookies.get_dict()
    barrier = threading.Barrier(6)
    answers = [None] * 6

    def click(i):
        barrier.wait()
        answers[i] = requests.post(
            url,
            data={"csrfmiddlewaretoken": token},
            cookies=cookies,
            allow_redirects=False,
            timeout=60,
        )

    threads = [threading.Thread(target=click, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [answer.status_code for answer in answers] == [302] * 6
    assert len({answer.headers["Location"] for answer in answers}) == 1
    status, receipts, total_after = shell_answer(make_run.env, CHECKOUT_OUTCOME)
    assert (status, receipts, int(total_after)) == ("paid", "1", int(total_before) + 1)


def test_two_emails_queued_in_the_same_second_are_both_sent_within_seconds(make_run):
    addresses = ["pair-1@example.org", "pair-2@example.org"]
    queue_emails_at_once(make_run.env, addresses)
    wait_for_printed_emails(make_run, addresses)
    assert email_statuses(make_run.env, addresses) == ["sent", "sent"]


def test_ten_emails_queued_in_the_same_second_are_all_sent_within_seconds(make_run):
    addresses = [f"ten-{i}@example.org" for i in range(10)]
    queue_emails_at_once(make_run.env, addresses)
    wait_for_printed_emails(make_run, addresses)
    assert email_statuses(make_run.env, addresses) == ["sent"] * 10


def test_an_empty_message_file_in_the_queue_does_not_stop_the_worker(make_run):
    worker = make_run.started("worker")[-1]
    (make_run.var_dir / "celery" / "queue" / "0000_empty.celery.msg").write_bytes(b"")
    queue_emails_at_once(make_run.env, ["after-empty@example.org"])
    wait_for_printed_emails(make_run, ["after-empty@example.org"])
    assert make_run.started("worker")[-1] == worker


def test_a_killed_worker_leaves_the_web_server_up_and_comes_back_by_itself(make_run):
    ready_before = len(re.findall(r"celery@\S+ ready\.", make_run.log()))
    worker = make_run.started("worker")[-1]

    os.kill(worker, signal.SIGKILL)

    wait_until(lambda: make_run.started("worker")[-1] != worker, timeout=10, message="a new worker")
    assert requests.get(f"{make_run.url}/", timeout=10).status_code == 200
    wait_until(lambda: make_run.worker_ready(ready_before + 1), timeout=60, message="its start")
    queue_emails_at_once(make_run.env, ["after-crash@example.org"])
    wait_for_printed_emails(make_run, ["after-crash@example.org"])


def test_the_broker_keeps_its_control_folder_under_var(make_run):
    assert (make_run.var_dir / "celery" / "control" / "celery.exchange").exists()
