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


def allow(attempts, window_seconds):
    """Count one attempt for each `(scope, key, limit)`; False if any is past its limit.

    A limit of 0 or less means no limit. Every counter lives `window_seconds`
    from its first attempt.
    """
    limited = [(f"ratelimit:{scope}:{key}", limit) for scope, key, limit in attempts if limit > 0]
    if not limited:
        return True
    counts = count_attempts([key for key, _ in limited], window_seconds)
    return all(count <= limit for count, (_, limit) in zip(counts, limited, strict=True))


def count_attempts(keys, window_seconds):
    if hasattr(cache, "count_attempts"):  # northstar.cache.RedisCache: one round trip
        return cache.count_attempts(keys, window_seconds)
    return [count_attempt(key, window_seconds) for key in keys]


def count_attempt(key, window_seconds):
    try:
        return cache.incr(key)
    except ValueError:  # the first attempt in this window
        if cache.add(key, 1, timeout=window_seconds):
            return 1
        return cache.incr(key)
