"""Django's Redis cache backend, with one Redis client per pool rather than one per call.

Django builds a new `redis.Redis` for every cache call, and its constructor
(a table of response callbacks) costs more than the round trip it makes. The
client is thread-safe and its pool survives forks, so one per pool will do.

It also counts attempts for the rate limits (`count_attempt`): an INCR and
an EXPIRE in one round trip.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


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

    def count_attempt(self, key, window_seconds):
        """Add one to the counter `key`, which lives `window_seconds` from its first attempt."""
        key = self.make_and_validate_key(key)
        pipeline = self._cache.get_client(write=True).pipeline(transaction=False)
        pipeline.incr(key)
        pipeline.expire(key, window_seconds, nx=True)
        return pipeline.execute()[0]
