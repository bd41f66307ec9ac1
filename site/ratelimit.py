"""Rate limits kept in the shared cache (Redis in production), so they hold across processes.

A limit's window starts at its first attempt and lasts exactly the seconds the
caller gives, on every cache backend the project supports: the count is
stored together with the time its window ends (read from this process's
clock, so all backends agree and tests can move it with time-machine), and
the entry's own expiry only clears it away afterwards.

- Redis (Django's own `RedisCache`, production): one Lua script counts and
  starts the window in one round trip (EVALSHA and, inside it, HGET and
  HINCRBY), atomic across every process and machine.
  It runs through redis-py's public API on a client of its own (one per
  thread of each process, on one connection of its own), made from the
  cache's LOCATION, on the key Django's cache would use (`cache.make_key`).
- Any other backend (the file cache of `make run`): `(count, window_ends_at)`
  is read and `set` again with the seconds left in the window as its timeout
  (Django's file cache would otherwise reset the expiry to its 300 s default
  on every `incr`), under an exclusive `flock` on `var/ratelimit.lock`, so it
  is atomic across the processes of one machine, which is all a file cache
  can serve.

A limit can also be counted away from the request that it limits, by a worker
(`allow_or_block`): a key over its limit is then `block`ed until its window
ends, in one shared list per scope (a Redis hash of key -> end, or a dict in
the file cache under the same lock), and every web process answers `blocked`
from its own copy of that list, read again at most once a second, so a
request pays no round trip. Keys stand for visitors' addresses through
`address_key`, so no stored value is an address.
"""

import fcntl
import os
import threading
import time
from contextlib import contextmanager

import redis
from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

from .memo import Memo

REDIS_BACKEND = "django.core.cache.backends.redis.RedisCache"

# KEYS[1]: the counter (a hash: `count`, `ends_ms`); ARGV: now and the window, in ms.
# Returns {count, ends_ms}.
# An attempt in an open window is two commands (HGET, HINCRBY); the first attempt of a
# window three (HGET, HSET, PEXPIRE). A key of another type (never written here) is
# replaced rather than failing the request.
COUNT_ATTEMPT = """
local now_ms = tonumber(ARGV[1])
local window_ms = tonumber(ARGV[2])
local ends_ms = redis.pcall('HGET', KEYS[1], 'ends_ms')
if type(ends_ms) == 'table' and ends_ms.err then
  redis.call('DEL', KEYS[1])
  ends_ms = false
end
ends_ms = tonumber(ends_ms)
if ends_ms == nil or ends_ms <= now_ms then
  redis.call('HSET', KEYS[1], 'ends_ms', now_ms + window_ms, 'count', 1)
  redis.call('PEXPIRE', KEYS[1], window_ms)
  return {1, now_ms + window_ms}
end
return {redis.call('HINCRBY', KEYS[1], 'count', 1), ends_ms}
"""

# KEYS[1]: a scope's blocked keys (a hash: key -> ms when the block ends); ARGV: the key,
# its end and now, in ms (this process's clock, as for COUNT_ATTEMPT). Blocks already over
# are removed, and the hash lives as long as its last block.
BLOCK = """
local entries = redis.call('HGETALL', KEYS[1])
local last_ms = tonumber(ARGV[2])
for i = 1, #entries, 2 do
  local ends_ms = tonumber(entries[i + 1])
  if ends_ms == nil or ends_ms <= tonumber(ARGV[3]) then
    redis.call('HDEL', KEYS[1], entries[i])
  elseif ends_ms > last_ms then
    last_ms = ends_ms
  end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], math.max(1, last_ms - tonumber(ARGV[3])))
return 1
"""

# {scope: {key: when its block ends, seconds since the epoch}}, read at most once a second.
recent_blocks = Memo(seconds=1)

# {location: the client of this thread}, {(location, script): the script on it}, and the
# process they were made in.
_clients = threading.local()


def client_ip(request):
    """The visitor's address: REMOTE_ADDR, or the address NUM_PROXIES trusted proxies saw."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if settings.NUM_PROXIES and len(hops) >= settings.NUM_PROXIES:
        return hops[-settings.NUM_PROXIES]
    return request.META.get("REMOTE_ADDR", "")


def address_key(address):
    """A visitor's address (`client_ip`) as a key to count it by: 32 hex characters, an HMAC
    keyed with SECRET_KEY (Django's `salted_hmac`), the same for one address in every
    process, and no way back to the address without the key."""
    return salted_hmac("northstar.ratelimit.address", address, algorithm="sha256").hexdigest()[:32]


def allow(scope, key, limit, window_seconds):
    """Count one attempt at `scope` by `key`; False once `limit` is passed within the window.

    The window starts at the first attempt and lasts `window_seconds`. A limit
    of 0 or less means no limit.
    """
    if limit <= 0:
        return True
    count, _ = count_attempt(f"ratelimit:{scope}:{key}", window_seconds)
    return count <= limit


def allow_or_block(scope, key, limit, window_seconds):
    """`allow`, for a limit counted away from the requests it limits (by a worker).

    An attempt past the limit also `block`s `key` at `scope` until its window
    ends, so that web processes refuse the key's next requests (`blocked`)
    without counting them.
    """
    if limit <= 0:
        return True
    count, ends_at = count_attempt(f"ratelimit:{scope}:{key}", window_seconds)
    if count <= limit:
        return True
    block(scope, key, ends_at)
    return False


def block(scope, key, until):
    """Have every process refuse `key` at `scope` until `until` (seconds since the epoch)."""
    now = time.time()
    shared_key = blocks_key(scope)
    location = redis_location()
    if location is not None:
        script = redis_script(location, BLOCK)
        script(keys=[cache.make_key(shared_key)], args=[key, int(until * 1000), int(now * 1000)])
    else:
        with attempts_lock():
            blocks = {k: end for k, end in (cache.get(shared_key) or {}).items() if end > now}
            blocks[key] = until
            cache.set(shared_key, blocks, timeout=max(blocks.values()) - now)
    recent_blocks.put(scope, read_blocks(scope))  # this process knows at once


def blocked(scope, key):
    """Whether `key` is blocked at `scope` (`block`), as this process last read the shared
    list: at most a second ago, so a request costs no round trip but once a second."""
    until = recent_blocks.get(scope, lambda: read_blocks(scope)).get(key)
    return until is not None and until > time.time()


def read_blocks(scope):
    """{key: end of its block, seconds since the epoch} of `scope`, from the shared cache."""
    shared_key = blocks_key(scope)
    location = redis_location()
    if location is None:
        return cache.get(shared_key) or {}
    entries = redis_client(location).hgetall(cache.make_key(shared_key))
    return {key.decode(): int(ends_ms) / 1000 for key, ends_ms in entries.items()}


def blocks_key(scope):
    """The cache key of `scope`'s block list (before the cache's own prefix, `make_key`)."""
    return f"ratelimit:blocked:{scope}"


def count_attempt(key, window_seconds):
    """Add one attempt to the counter `key`: (its count in the current window, when the
    window ends in seconds since the epoch).

    A window begins at the first attempt after the last one ended and lasts
    `window_seconds` (an int or float), however long ago the last attempt was.
    """
    now = time.time()
    location = redis_location()
    if location is not None:
        return count_attempt_in_redis(location, cache.make_key(key), window_seconds, now)
    with attempts_lock():
        count, ends_at = current_window(cache.get(key), now)
        if count == 0:
            ends_at = now + window_seconds
        count += 1
        cache.set(key, (count, ends_at), timeout=ends_at - now)
    return count, ends_at


def redis_location():
    """The URL of the default cache's Redis server (the first, which takes writes), or None."""
    config = settings.CACHES["default"]
    if config["BACKEND"] != REDIS_BACKEND:
        return None
    location = config["LOCATION"]
    servers = location.split(",") if isinstance(location, str) else location
    return servers[0].strip()


def count_attempt_in_redis(location, redis_key, window_seconds, now):
    """One run of COUNT_ATTEMPT on `redis_key` at `now` (seconds since the epoch):
    (count, end of the window in seconds since the epoch)."""
    window_ms = max(1, int(window_seconds * 1000))
    script = redis_script(location, COUNT_ATTEMPT)
    count, ends_ms = script(keys=[redis_key], args=[int(now * 1000), window_ms])
    return count, ends_ms / 1000


def redis_client(location):
    """This thread's client of the Redis server at `location`.

    Made once per thread of each process for each `location`, with redis-py's
    documented `single_connection_client` (such a client is not thread-safe,
    hence one a thread): a call then skips taking a connection from a pool and
    giving it back, about half of its cost (59 -> 31 µs of CPU). redis-py
    still reconnects and retries on that connection; a process made by a fork
    makes its own.
    """
    pid = os.getpid()
    if getattr(_clients, "pid", None) != pid:
        _clients.pid, _clients.clients, _clients.scripts = pid, {}, {}
    client = _clients.clients.get(location)
    if client is None:
        client = _clients.clients[location] = redis.Redis.from_url(
            location, single_connection_client=True
        )
    return client


def redis_script(location, source):
    """The Lua `source` registered on this thread's client of `location` (EVALSHA, loaded once)."""
    client = redis_client(location)
    script = _clients.scripts.get((location, source))
    if script is None:
        script = _clients.scripts[(location, source)] = client.register_script(source)
    return script


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
