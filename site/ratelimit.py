"""Rate limits kept in the shared cache (Redis in production), so they hold across processes.

The guarantee: within a window, a key (an address, an email) makes at most its limit of
attempts, plus at most one per web process (a process's first attempt is counted there
first: see the end), plus one more each time a process forgets that first attempt, which
takes `LOCAL_KEYS` other keys after it. While Redis is unreachable, none (the limits fail
open: see below).

A limit's window starts at its first attempt and lasts exactly the seconds the
caller gives, on every cache backend the project supports. That rule is written once,
`window_end`; each store keeps the count together with the time its window ends (read
from this process's clock, so all backends agree and tests can move it with
time-machine), and the entry's own expiry only clears it away afterwards.

- Redis (Django's own `RedisCache`, production): one Lua script counts and
  starts the window in one round trip (EVALSHA and, inside it, HGET and
  HINCRBY), atomic across every process and machine.
  It runs through redis-py's public API on a client of its own (one per
  thread of each process, on one connection of its own), made from the
  cache's LOCATION, on the key Django's cache would use (`cache.make_key`).
  Its connection is made as the cache's are (`northstar.cache.connection_options`):
  a dropped connection (Redis restarted) is reconnected and the script run
  again once, so the first attempt after Redis returns is counted, not a 500.
- While Redis is unreachable the limits fail open: every attempt is let
  through, uncounted (and for `northstar.cache.PAUSE_SECONDS` after a failure
  Redis is not asked at all). A signature is one row that its signer confirms
  by email, and a gift goes through Stripe's own checks: losing real signers
  and donors for as long as Redis is away is worse than a burst that a few
  minutes of outage could let through. The outage is logged (a warning
  once a minute per process).
- Any other backend (the file cache of `make run`): `(count, window_ends_at)`
  is read and `set` again with the seconds left in the window as its timeout
  (Django's file cache would otherwise reset the expiry to its 300 s default
  on every `incr`), under an exclusive `flock` on `var/ratelimit.lock`, so it
  is atomic across the processes of one machine, which is all a file cache
  can serve.

A key's first attempt in a window (an address's first signing, say) is not
sent to the shared cache at once. Each process remembers it (`FIRST_ATTEMPTS`,
at most `LOCAL_KEYS` keys, the least recently used forgotten first) and adds
it to the shared count with the key's second attempt in that process, in the
same round trip; from then on, until the window ends, each attempt there is
counted in the shared cache. Most people sign or give once, so a new address
costs no round trip (about 0.14 ms of a web process's CPU, a seventh of a
signing). The price: each process may let through one attempt that the
shared count has not seen, so a key can make at most one attempt more than
its limit per web process in a window (and one more each time a process
forgets its first attempt, which takes LOCAL_KEYS other keys after it). It is kept
because `make bench` showed it worth that price: signing from new addresses went from 75%
to 83% of the smallest view's rate with it (docs/benchmarks.md, 2026-12-04).
"""

import fcntl
import math
import os
import threading
import time
from contextlib import contextmanager

import redis
from cachetools import LRUCache
from django.conf import settings
from django.core.cache import cache

from .cache import OUTAGE, UNREACHABLE, connection_options
from .memo import remembered

# The project's cache on Redis (CACHE_URL=redis://...), and Django's own that it extends.
REDIS_BACKENDS = (
    "northstar.cache.FailOpenRedisCache",
    "django.core.cache.backends.redis.RedisCache",
)
HOUR = 3600  # seconds: the window of every per-hour limit
# Keys whose first attempt a process remembers at most (about 200 bytes each).
LOCAL_KEYS = 50_000

# The window rule is `window_end`'s, in Python; the stores only keep it. KEYS[1]: the counter
# (a hash: `count`, `ends_ms`); ARGV: now and the end of a window opened now (both in ms),
# then the attempts to add. A window still open at now gets the attempts (two commands:
# HGET, HINCRBY); otherwise the new window starts with them (HGET, HSET, PEXPIRE). A key of
# another type (never written here) is replaced rather than failing the request.
COUNT_ATTEMPT = """
local now_ms = tonumber(ARGV[1])
local new_ends_ms = tonumber(ARGV[2])
local attempts = tonumber(ARGV[3])
local ends_ms = redis.pcall('HGET', KEYS[1], 'ends_ms')
if type(ends_ms) == 'table' and ends_ms.err then
  redis.call('DEL', KEYS[1])
  ends_ms = false
end
ends_ms = tonumber(ends_ms)
if ends_ms ~= nil and ends_ms > now_ms then
  return redis.call('HINCRBY', KEYS[1], 'count', attempts)
end
redis.call('HSET', KEYS[1], 'ends_ms', new_ends_ms, 'count', attempts)
redis.call('PEXPIRE', KEYS[1], new_ends_ms - now_ms)
return attempts
"""

# {location: the script on a client of this thread}, and the process it was made in.
_clients = threading.local()


def client_ip(request):
    """The visitor's address: REMOTE_ADDR, or the address NUM_PROXIES trusted proxies saw."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if settings.NUM_PROXIES and len(hops) >= settings.NUM_PROXIES:
        return hops[-settings.NUM_PROXIES]
    return request.META.get("REMOTE_ADDR", "")


class FirstAttempts:
    """The keys this process has seen an attempt of in their current window (see the top).

    Each key maps to `(ends_at, pending)`: when its window ends (seconds since
    the epoch, this process's clock) and whether its first attempt is still
    to be added to the shared count. Safe across the threads of a process.
    """

    def __init__(self, max_keys=LOCAL_KEYS):
        self._keys = LRUCache(maxsize=max_keys)
        self._lock = threading.Lock()

    def take(self, key, now, window_seconds):
        """None if this is `key`'s first attempt in a window (remembered from `now`, in
        seconds since the epoch). Otherwise `(attempts, started)`: the attempts to add to the
        shared count (2 while the first is still to be added, then 1) and when the key's
        window began here (seconds since the epoch)."""
        with self._lock:
            seen = self._keys.get(key)
            if seen is None or seen[0] <= now:
                self._keys[key] = (now + window_seconds, True)
                return None
            ends_at, pending = seen
            if pending:
                self._keys[key] = (ends_at, False)
        return (2 if pending else 1), ends_at - window_seconds

    def clear(self):
        with self._lock:
            self._keys.clear()


FIRST_ATTEMPTS = remembered(FirstAttempts())


def allow(scope, key, limit, window_seconds):
    """Count one attempt at `scope` by `key`; False once `limit` is passed within the window.

    The window starts at the first attempt and lasts `window_seconds`. A limit
    of 0 or less means no limit. A key's first attempt in a window is allowed
    and counted in this process; its second adds both to the shared count (see the top).
    True while Redis is unreachable (the limits fail open: see the top).
    """
    if limit <= 0:
        return True
    name = f"ratelimit:{scope}:{key}"
    now = time.time()
    taken = FIRST_ATTEMPTS.take(name, now, window_seconds)
    if taken is None:
        return True
    attempts, started = taken
    count = count_attempt(name, window_seconds, attempts, started)
    return count is None or count <= limit


def count_attempt(key, window_seconds, attempts, started):
    """Add `attempts` (1 or 2) to the counter `key` and return its count in the current window.

    A window begins at the first attempt after the last one ended and lasts
    `window_seconds` (an int or float), however long ago the last attempt was.
    When this call opens a window, the window starts at `started` (seconds
    since the epoch: the time of its first attempt, remembered in this process).
    None, and nothing counted, while Redis is unreachable (`northstar.cache.OUTAGE`).
    """
    now = time.time()
    ends_at = window_end(started, now, window_seconds)
    location = redis_location()
    if location is not None:
        if OUTAGE.paused():
            return None
        try:
            return count_attempt_in_redis(location, cache.make_key(key), now, ends_at, attempts)
        except UNREACHABLE as error:
            OUTAGE.failed("rate limits let every attempt through", error)
            return None
    with attempts_lock():
        count, open_ends_at = current_window(cache.get(key), now)
        if count:
            ends_at = open_ends_at
        count += attempts
        cache.set(key, (count, ends_at), timeout=ends_at - now)
    return count


def window_end(started, now, window_seconds):
    """The window rule, the one place it is written: a window opened at `now` (seconds since
    the epoch) for a key first tried at `started` (no later than `now`) ends `window_seconds`
    after that first attempt, and is open at `now` whatever the seconds given. Both stores
    keep the end it gives: Redis (COUNT_ATTEMPT) and the file cache (`count_attempt`)."""
    return max(min(started, now) + window_seconds, now + 0.001)


def redis_location():
    """The URL of the default cache's Redis server (the first, which takes writes), or None."""
    config = settings.CACHES["default"]
    if config["BACKEND"] not in REDIS_BACKENDS:
        return None
    location = config["LOCATION"]
    servers = location.split(",") if isinstance(location, str) else location
    return servers[0].strip()


def count_attempt_in_redis(location, redis_key, now, ends_at, attempts):
    """One run of COUNT_ATTEMPT on `redis_key` at `now`, adding `attempts`, a window opened
    now ending at `ends_at` (both seconds since the epoch, `window_end`'s); the count.

    The client and its script are made once per thread of each process for each
    `location`, with redis-py's documented `single_connection_client` (such a client
    is not thread-safe, hence one a thread): a call then skips taking a connection
    from a pool and giving it back, about half of its cost (59 -> 31 µs of CPU).
    Made with `connection_options()`: a dropped connection is reconnected and the
    script run once more (raises redis's ConnectionError or TimeoutError if that fails
    too); a process made by a fork makes its own.
    """
    pid = os.getpid()
    if getattr(_clients, "pid", None) != pid:
        _clients.pid, _clients.scripts = pid, {}
    script = _clients.scripts.get(location)
    if script is None:
        client = redis.Redis.from_url(
            location, single_connection_client=True, **connection_options()
        )
        script = _clients.scripts[location] = client.register_script(COUNT_ATTEMPT)
    # The end rounded up, now down: a window opened now is open at now in milliseconds too.
    args = [int(now * 1000), math.ceil(ends_at * 1000), attempts]
    return script(keys=[redis_key], args=args)


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
