"""Rate limits kept in the shared cache (Redis in production), so they hold across processes.

A limit's window starts at its first attempt and lasts exactly the seconds the
caller gives, on every cache backend the project supports: the count is
stored together with the time its window ends (read from this process's
clock, so all backends agree and tests can move it with time-machine), and
the cache entry's own expiry only clears it away afterwards.

- Redis (`northstar.cache.RedisCache`, production): one Lua script counts and
  starts the window in one command, atomic across every process and machine.
- Any other backend (the file cache of `make run`): `(count, window_ends_at)`
  is read and `set` again with the seconds left in the window as its timeout
  (Django's file cache would otherwise reset the expiry to its 300 s default
  on every `incr`), under an exclusive `flock` on `var/ratelimit.lock`, so it
  is atomic across the processes of one machine, which is all a file cache
  can serve.
"""

import fcntl
import time
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache


def client_ip(request):
    """The visitor's address: REMOTE_ADDR, or the address NUM_PROXIES trusted proxies saw."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if settings.NUM_PROXIES and len(hops) >= settings.NUM_PROXIES:
        return hops[-settings.NUM_PROXIES]
    return request.META.get("REMOTE_ADDR", "")


def allow(scope, key, limit, window_seconds):
    """Count one attempt at `scope` by `key`; False once `limit` is passed within the window.

    The window starts at the first attempt and lasts `window_seconds`. A limit
    of 0 or less means no limit.
    """
    if limit <= 0:
        return True
    return count_attempt(f"ratelimit:{scope}:{key}", window_seconds) <= limit


def count_attempt(key, window_seconds):
    """Add one attempt to the counter `key` and return its count in the current window.

    A window begins at the first attempt after the last one ended and lasts
    `window_seconds` (an int or float), however long ago the last attempt was.
    """
    now = time.time()
    if hasattr(cache, "count_attempt"):  # northstar.cache.RedisCache: one round trip
        return cache.count_attempt(key, window_seconds, now)
    with attempts_lock():
        count, ends_at = current_window(cache.get(key), now)
        if count == 0:
            ends_at = now + window_seconds
        count += 1
        cache.set(key, (count, ends_at), timeout=ends_at - now)
    return count


def current_window(entry, now):
    """(count, ends_at) of a stored window still open at `now`; (0, now) if there is none."""
    if isinstance(entry, (tuple, list)) and len(entry) == 2 and entry[1] > now:
        return int(entry[0]), float(entry[1])
    return 0, now


@contextmanager
def attempts_lock():
    """Hold an exclusive lock shared by every process (and thread) of this machine."""
    path = settings.VAR_DIR / "ratelimit.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)
