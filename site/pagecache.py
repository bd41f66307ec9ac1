"""A one-second shared cache of busy public pages for anonymous visitors.

A viral petition is read far more than it is signed. Its page is the same for
every anonymous visitor but for the CSRF token of the sign form, so the page
is rendered with a placeholder where the token goes, kept in the shared cache
(Redis in production) for `seconds`, and the placeholder is replaced with
the visitor's own token on the way out. The count a reader sees is at most
that many seconds old. Visitors with a session (logged in, or with messages
waiting) always get a fresh render.

The middleware sits after CsrfViewMiddleware, so that a token handed out
here still sets the visitor's CSRF cookie.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token

CSRF_PLACEHOLDER = "__northstar_csrf_token__"
_PLACEHOLDER_BYTES = CSRF_PLACEHOLDER.encode()


def with_csrf_placeholder(response, cache_seconds=0):
    """Mark a response rendered with CSRF_PLACEHOLDER (and cacheable for `cache_seconds`)."""
    response.csrf_placeholder = True
    response.anonymous_cache_seconds = cache_seconds
    return response


def cache_key(request):
    if request.method not in ("GET", "HEAD"):
        return None
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return None
    address = f"{request.get_host()}{request.get_full_path()}"
    return "pagecache:" + hashlib.sha256(address.encode()).hexdigest()


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = cache_key(request)
        if key is not None:
            content = cache.get(key)
            if content is not None:
                return self.with_token(request, HttpResponse(content))
        response = self.get_response(request)
        if not getattr(response, "csrf_placeholder", False):
            return response
        seconds = response.anonymous_cache_seconds
        if key is not None and seconds and response.status_code == 200:
            cache.set(key, response.content, seconds)
        return self.with_token(request, response)

    def with_token(self, request, response):
        response.content = response.content.replace(_PLACEHOLDER_BYTES, get_token(request).encode())
        response["Cache-Control"] = "private, no-cache"
        return response
