"""Django's Redis cache backend, with one Redis client per pool rather than one per call.

Django builds a new `redis.Redis` for every cache call, and its constructor
(a table of response callbacks) costs more than the round trip it makes. The
client is thread-safe and its pool survives forks, so one per pool will do.

It also counts attempts for the rate limits (`count_attempt`): a Lua script
that increments the counter and starts its window, in one command.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient

COUNT_ATTEMPT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then
  redis.call('EXPIRE', KEYS[1], ARGV[1])
end
return count
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

    def count_attempt(self, key, window_seconds):
        """Add one to the counter `key`, which lives `window_seconds` from its first attempt."""
        if self._count_attempt is None:
            client = self._cache.get_client(write=True)
            self._count_attempt = client.register_script(COUNT_ATTEMPT)
        return self._count_attempt(keys=[self.make_and_validate_key(key)], args=[window_seconds])
