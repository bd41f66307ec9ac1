"""What signing left to the worker: `queue_due_confirmations` once, timed, in a fresh process.

Run with the site's environment (DATABASE_URL, DJANGO_SETTINGS_MODULE, ...) by
tests/bench/bench_petitions.py after its signing runs. Prints one line:
`QUEUED {"queued": <emails queued>, "seconds": <wall clock>, "cpu": <this process's CPU seconds>}`.
"""

import json
import time

import django


def main():
    django.setup()
    from petitions.services import queue_due_confirmations

    started, cpu = time.monotonic(), time.process_time()
    queued = queue_due_confirmations()
    figures = {
        "queued": queued,
        "seconds": time.monotonic() - started,
        "cpu": time.process_time() - cpu,
    }
    print("QUEUED " + json.dumps(figures))


if __name__ == "__main__":
    main()
