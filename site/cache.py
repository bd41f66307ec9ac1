"""The shared cache on Redis: a cache, not a database, so the site runs on while Redis is away.

`FailOpenRedisCache` is Django's own `RedisCache` (CACHE_URL=redis://...) but
for one thing: while Redis cannot be reached, each operation behaves as a miss
instead of raising, so every page still renders (a little slower: Wagtail's
site-root lookup goes to the database) and allauth's log-in limit lets people
in. Reads return their default (`get`, `get_many`, `has_key`), writes and
deletes are dropped (`set`, `set_many`, `delete`, `delete_many`, `touch`,
`clear`), `add` reports the value stored (allauth takes its short lock with
`add`: refusing would keep everyone out for as long as Redis is down), and
`incr`/`decr` raise ValueError as on a missing key. Only a connection that
fails (redis-py's ConnectionError and TimeoutError, which includes a Redis
still loading its data) is swallowed; any other error still raises. After a
failure the process leaves Redis alone for `PAUSE_SECONDS` (every operation a
miss at once), so that a Redis that does not answer at all costs a request
nothing more than the one that found it down; then the next operation tries
again. The first failure is logged as a warning, then at most one a minute
per process.

Every connection to Redis we hold (this cache's pools and the rate limit's own
client, `northstar.ratelimit`) is made with `CONNECTION_OPTIONS`: a dropped
connection (Redis restarted, a load balancer's idle cut) is reconnected and the
command retried once, at once, so the first request after Redis comes back
succeeds; and connecting or waiting for an answer gives up after a bounded
time, so an unreachable Redis costs each request a second or two, not the
operating system's two-minute connect timeout. No health-check PING: it would
add a round trip to a command on a connection idle for the interval, and the
retry already covers a connection found dead.
"""

import functools
import logging
import time

import redis
from django.core.cache.backends.redis import RedisCache
from redis.backoff import NoBackoff
from redis.retry import Retry

from .memo import remembered

logger = logging.getLogger(__name__)

# A Redis connection that fails these is down or dropped; anything else is a bug to raise.
UNREACHABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
# Seconds a process leaves Redis alone after finding it unreachable.
PAUSE_SECONDS = 2
# Seconds between two warnings of one process that Redis cannot be reached.
WARN_EVERY_SECONDS = 60


def connection_options():
    """redis-py connection keyword arguments for every client of ours (a fresh Retry each:
    a Retry keeps no state between calls, but a client may change its errors in place).

    Retried once, at once, on ConnectionError and TimeoutError (redis-py's defaults for a
    Retry); 1 s to connect, 2 s to answer (a cache command or the rate limit's script
    takes well under a millisecond)."""
    return {
        "retry": Retry(NoBackoff(), retries=1),
        "retry_on_error": list(UNREACHABLE),
        "socket_connect_timeout": 1,
        "socket_timeout": 2,
    }


class Outage:
    """Whether this process found Redis unreachable a moment ago (safe across its threads).

    `paused()` is True for `pause_seconds` after `failed()`; `failed()` logs a
    warning the first time and then at most once a `warn_seconds`.
    """

    def __init__(self, pause_seconds=PAUSE_SECONDS, warn_seconds=WARN_EVERY_SECONDS):
        self.pause_seconds = pause_seconds
        self.warn_seconds = warn_seconds
        self._paused_until = 0.0
        self._warned_at = None

    def paused(self):
        return time.monotonic() < self._paused_until

    def failed(self, what, error):
        """Record that `what` (a phrase for the log) met `error` (ConnectionError, TimeoutError)."""
        now = time.monotonic()
        self._paused_until = now + self.pause_seconds
        if self._warned_at is not None and now - self._warned_at < self.warn_seconds:
            return
        self._warned_at = now
        logger.warning(
            "Redis unreachable (%s: %s): %s for %s s; warned again at most once a minute",
            type(error).__name__,
            error,
            what,
            self.pause_seconds,
        )

    def clear(self):
        self._paused_until, self._warned_at = 0.0, None


OUTAGE = remembered(Outage())


def failing_open(on_failure):
    """Decorate a cache method: while Redis is unreachable, log and return
    `on_failure(*args, **kwargs)` (the answer of a miss) instead of raising."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            if OUTAGE.paused():
                return on_failure(*args, **kwargs)
            try:
                return method(self, *args, **kwargs)
            except UNREACHABLE as error:
                OUTAGE.failed("the cache answers as a miss", error)
                return on_failure(*args, **kwargs)

        return wrapper

    return decorate


def _default(key, default=None, *args, **kwargs):
    return default


def _nothing(*args, **kwargs):
    return None


def _false(*args, **kwargs):
    return False


def _true(*args, **kwargs):
    return True


def _empty(*args, **kwargs):
    return {}


def _all_failed(data, *args, **kwargs):
    return list(data)


def _missing(key, *args, **kwargs):
    raise ValueError(f"Key '{key}' not found (the cache is unreachable).")


class FailOpenRedisCache(RedisCache):
    """Django's `RedisCache` that answers as a miss while Redis is unreachable (see the top),
    its connections made with `connection_options()` unless OPTIONS says otherwise."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._options = {**connection_options(), **self._options}

    get = failing_open(_default)(RedisCache.get)
    get_many = failing_open(_empty)(RedisCache.get_many)
    has_key = failing_open(_false)(RedisCache.has_key)
    add = failing_open(_true)(RedisCache.add)
    set = failing_open(_nothing)(RedisCache.set)
    set_many = failing_open(_all_failed)(RedisCache.set_many)
    touch = failing_open(_false)(RedisCache.touch)
    delete = failing_open(_false)(RedisCache.delete)
    delete_many = failing_open(_nothing)(RedisCache.delete_many)
    incr = failing_open(_missing)(RedisCache.incr)
    clear = failing_open(_false)(RedisCache.clear)
