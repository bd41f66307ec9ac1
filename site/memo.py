"""Hot reads kept in this process for a moment.

Signing a viral petition reads the same petition and the same 56 targets over
and over. `Memo` keeps such reads in the web process for a second, the same
staleness the page cache already allows. A save in this process clears them
at once (see the apps' signal handlers); other processes catch up within the
second.

Whatever else a process keeps in memory on purpose (the rate limits' first
attempts) is `remembered` here too, so that `clear_all` forgets everything a
process holds, as a test needs between tests.
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
        remembered(self)

    def get(self, key, compute):
        """The value kept for `key` (None included), or `compute()`'s, kept from now."""
        entry = self._fresh(key)
        if entry is None:
            entry = self.put(key, compute())
        return entry[1]

    def peek(self, key):
        """The value kept for `key`, or None."""
        entry = self._fresh(key)
        return None if entry is None else entry[1]

    def put(self, key, value, seconds=None):
        now = time.monotonic()
        entry = (now + (seconds or self.seconds), value)
        with self._lock:
            if len(self._values) >= self.max_entries:
                self._values = {k: v for k, v in self._values.items() if v[0] > now}
            if len(self._values) < self.max_entries:
                self._values[key] = entry
        return entry

    def _fresh(self, key):
        entry = self._values.get(key)
        if entry is not None and entry[0] > time.monotonic():
            return entry
        return None

    def clear(self):
        with self._lock:
            self._values = {}


def remembered(store):
    """Register `store` (anything with a `clear()` method) with `clear_all`; return it."""
    _memos.append(store)
    return store


def clear_all():
    """Empty every Memo and every `remembered` store of this process."""
    for memo in _memos:
        memo.clear()
