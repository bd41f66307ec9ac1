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
    """Count one attempt at `scope` by `key`; False once `limit` is passed within the window."""
    if limit <= 0:
        return True
    cache_key = f"ratelimit:{scope}:{key}"
    try:
        return cache.incr(cache_key) <= limit
    except ValueError:  # the first attempt in this window
        if cache.add(cache_key, 1, timeout=window_seconds):
            return True
        return cache.incr(cache_key) <= limit
