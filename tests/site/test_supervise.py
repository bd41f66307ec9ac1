"""`make run` survives a crashed process: each Procfile line runs under northstar.supervise.

honcho stops every process when one exits; the supervisor keeps its process
running instead, so a dead worker no longer takes the web server with it.
"""

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.waiting import wait_until
from tests.support.worker import PROJECT_DIR

SLEEPER = [sys.executable, "-c", "import time; time.sleep(120)"]


class Supervised:
    def __init__(self, command, log_path):
        self.log_path = log_path
        with log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "northstar.supervise", *command],
                cwd=PROJECT_DIR,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # a process group of its own, as honcho gives it
            )

    def child_pids(self):
        """The pid of every process the supervisor started, in order."""
        text = self.log_path.read_text()
        return [int(pid) for pid in re.findall(r"supervise: started \S+ with pid (\d+)", text)]

    def wait_for_start(self, count):
        wait_until(lambda: len(self.child_pids()) >= count, timeout=15, message=f"start #{count}")
        return self.child_pids()[count - 1]

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


@pytest.fixture
def supervised(tmp_path):
    started = []

    def start(command):
        started.append(Supervised(command, tmp_path / f"supervise-{len(started)}.log"))
        return started[-1]

    yield start
    for one in started:
        one.stop()


def is_running(pid):
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_a_killed_process_is_started_again_within_seconds(supervised):
    supervisor = supervised(SLEEPER)
    first = supervisor.wait_for_start(1)

    os.kill(first, signal.SIGKILL)

    second = supervisor.wait_for_start(2)
    assert second != first
    assert is_running(second)
    assert supervisor.process.poll() is None


def test_a_process_that_keeps_crashing_is_started_again_each_time(supervised):
    supervisor = supervised([sys.executable, "-c", "raise SystemExit(3)"])
    supervisor.wait_for_start(3)  # after pauses of 1 s, then 2 s
    assert "exited with status 3" in supervisor.log_path.read_text()
    assert supervisor.process.poll() is None


def test_stopping_the_process_group_as_honcho_does_stops_for_good(supervised):
    supervisor = supervised(SLEEPER)
    child = supervisor.wait_for_start(1)

    os.killpg(supervisor.process.pid, signal.SIGTERM)

    supervisor.process.wait(timeout=10)
    wait_until(lambda: not is_running(child), timeout=5, message="the child to stop")
    assert supervisor.child_pids() == [child]


def test_stopping_the_supervisor_alone_stops_its_process(supervised):
    supervisor = supervised(SLEEPER)
    child = supervisor.wait_for_start(1)

    supervisor.process.send_signal(signal.SIGTERM)

    supervisor.process.wait(timeout=10)
    wait_until(lambda: not is_running(child), timeout=5, message="the child to stop")
    assert supervisor.child_pids() == [child]


def test_every_process_of_make_run_is_supervised():
    procfile = (PROJECT_DIR / "site" / "Procfile").read_text().splitlines()
    commands = dict(line.split(": ", 1) for line in procfile if line.strip())
    assert set(commands) == {"web", "worker", "beat"}
    supervised = [c for c in commands.values() if c.startswith("python -m northstar.supervise ")]
    assert len(supervised) == 3
