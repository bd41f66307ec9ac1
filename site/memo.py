"""Hot reads kept in this process for a moment.

Signing a viral petition reads the same petition and the same 56 targets over
and over. `Memo` keeps such reads in the web process for a second, the same
staleness the page cache already allows. A save in this process clears them
at once (see the apps' signal handlers); other processes catch up within the
second.
"""

import threading
import time

_memos = []


class Memo:
    """A small map of values, each kept for `seconds` after it was put there."""

    def __init__(self, seconds, max_entries=1024):
        self.seconds = seconds
        self.max_entries = max_entries
        self._values = {}
        self._lock = threading.Lock()
        _memos.append(self)

    def get(self, key, compute):
        """The value kept for `key`, or `compute()`'s, kept from now."""
        found = self.peek(key)
        if found is not None:
            return found
        value = compute()
        self.put(key, value)
        return value

    def peek(self, key):
        """The value kept for `key`, or None."""
        found = self._values.get(key)
        if found is not None and found[0] > time.monotonic():
            return found[1]
        return None

    def put(self, key, value, seconds=None):
        now = time.monotonic()
        with self._lock:
            if len(self._values) >= self.max_entries:
                self._values = {k: v for k, v in self._values.items() if v[0] > now}
            if len(self._values) < self.max_entries:
                self._values[key] = (now + (seconds or self.seconds), value)

    def clear(self):
        with self._lock:
            self._values = {}


def clear_all():
    for memo in _memos:
        memo.clear()
