"""Django's Redis cache backend, with one Redis client per pool rather than one per call.

Django builds a new `redis.Redis` for every cache call, and its constructor
(a table of response callbacks) costs more than the round trip it makes. The
client is thread-safe and its pool survives forks, so one per pool will do.

It also counts attempts for the rate limits (`count_attempt`): a Lua script
that increments the counter and starts its window, in one command. The
window's end is stored beside the count (a hash: `count`, `ends_ms`) and read
against the caller's clock, as `northstar.ratelimit` does on the other
backends; Redis's own expiry only clears the key away once the window is over.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient

COUNT_ATTEMPT = """
local now_ms = tonumber(ARGV[1])
local window_ms = tonumber(ARGV[2])
local kind = redis.call('TYPE', KEYS[1]).ok
if kind ~= 'hash' and kind ~= 'none' then
  redis.call('DEL', KEYS[1])
end
local ends_ms = tonumber(redis.call('HGET', KEYS[1], 'ends_ms'))
if ends_ms == nil or ends_ms <= now_ms then
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[1], 'ends_ms', now_ms + window_ms)
  redis.call('PEXPIRE', KEYS[1], window_ms)
end
return redis.call('HINCRBY', KEYS[1], 'count', 1)
"""


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
        self._count_attempt = None

    def count_attempt(self, key, window_seconds, now):
        """Add one to the counter `key` and return its count in the current window.

        A window starts at the first attempt after the last one ended (`now`,
        in seconds since the epoch, from `time.time()`) and lasts `window_seconds`.
        """
        if self._count_attempt is None:
            client = self._cache.get_client(write=True)
            self._count_attempt = client.register_script(COUNT_ATTEMPT)
        now_ms = int(now * 1000)
        window_ms = max(1, int(window_seconds * 1000))
        return self._count_attempt(keys=[self.make_and_validate_key(key)], args=[now_ms, window_ms])
