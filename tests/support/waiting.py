"""Waiting for another process (the worker, the browser) to do something."""

import time


def wait_until(condition, timeout=30.0, interval=0.05, message="condition"):
    """Poll `condition` until it returns something truthy; return that, or fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out after {timeout}s waiting for {message}")
        time.sleep(interval)
