"""Running work in many threads at the same moment, as concurrent requests would."""

import threading

from django.db import connection


def run_at_once(work, count):
    """Run `work(i)` in `count` threads released together; re-raise any thread's error."""
    barrier = threading.Barrier(count)
    errors = []

    def run(i):
        try:
            barrier.wait()
            work(i)
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [], errors
