"""Rate limits kept in the shared cache (Redis in production), so they hold across processes."""

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

    The window starts at the first attempt. A limit of 0 or less means no limit.
    """
    if limit <= 0:
        return True
    return count_attempt(f"ratelimit:{scope}:{key}", window_seconds) <= limit


def count_attempt(key, window_seconds):
    if hasattr(cache, "count_attempt"):  # northstar.cache.RedisCache: one round trip
        return cache.count_attempt(key, window_seconds)
    try:
        return cache.incr(key)
    except ValueError:  # the first attempt in this window
        if cache.add(key, 1, timeout=window_seconds):
            return 1
        return cache.incr(key)
