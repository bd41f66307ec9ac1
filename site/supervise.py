"""Run a command, and start it again whenever it exits: `python -m northstar.supervise CMD...`.

`make run` starts the web server, the Celery worker and beat with honcho,
which stops all of them as soon as one exits: a worker that crashed took the
web server down with it. Each line of site/Procfile therefore runs its
process under this loop. A process that exits, or is killed, is started again
after a pause that doubles from `FIRST_DELAY` up to `MAX_DELAY` while it keeps
failing quickly, and starts again from `FIRST_DELAY` once it has run
`STEADY_AFTER` seconds. SIGTERM, SIGINT or SIGHUP (honcho's Ctrl-C) is passed
on to the process and ends the loop once it has exited.

Each start is printed as `supervise: started <program> with pid <pid>`.
"""

import os
import signal
import subprocess
import sys
import time

FIRST_DELAY = 1.0  # seconds
MAX_DELAY = 30.0
STEADY_AFTER = 30.0
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


def say(text):
    print(f"supervise: {text}", flush=True)


def supervise(command, first_delay=FIRST_DELAY, max_delay=MAX_DELAY, steady_after=STEADY_AFTER):
    """Run `command` (a list of arguments) again each time it exits, until a stop signal.

    Returns the exit status of the last run, once a stop signal ended the loop.
    Raises OSError if `command` cannot be started at all (not found).
    """
    name = os.path.basename(command[0])
    state = {"stopping": False, "child": None}

    def stop(signum, _frame):
        state["stopping"] = True
        child = state["child"]
        if child is not None and child.poll() is None:
            child.send_signal(signum)

    for signum in STOP_SIGNALS:
        signal.signal(signum, stop)

    delay = first_delay
    while True:
        started = time.monotonic()
        state["child"] = child = subprocess.Popen(command)  # noqa: S603 (the Procfile's command)
        say(f"started {name} with pid {child.pid}")
        status = child.wait()
        if state["stopping"]:
            return status
        ran = time.monotonic() - started
        if ran >= steady_after:
            delay = first_delay
        say(f"{name} exited with status {status} after {ran:.1f} s; starting it in {delay:g} s")
        resume_at = time.monotonic() + delay
        while time.monotonic() < resume_at:
            if state["stopping"]:
                return status
            time.sleep(0.05)
        delay = min(max_delay, delay * 2)


def main(argv=None):
    command = list(sys.argv[1:] if argv is None else argv)
    if command[:1] == ["--"]:
        command = command[1:]
    if not command:
        print("usage: python -m northstar.supervise COMMAND [ARGUMENT...]", file=sys.stderr)
        return 2
    status = supervise(command)
    return status if status >= 0 else 128 - status


if __name__ == "__main__":
    sys.exit(main())
