"""A one-second shared cache of busy public pages for anonymous visitors.

A viral petition is read far more than it is signed. Its page is the same for
every anonymous visitor but for the CSRF token of the sign form, so the page
is rendered with a placeholder where the token goes, kept in the shared cache
(Redis in production) for `seconds`, and the placeholder is replaced with
the visitor's own token on the way out. The count a reader sees is at most
that many seconds old. Visitors with a session (logged in, or with messages
waiting) always get a fresh render.

The middleware sits right after WhiteNoise, so that a hit skips sessions,
authentication and messages. It therefore sets the CSRF cookie itself, the
way CsrfViewMiddleware would, and the X-Frame-Options header of a hit.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import CSRF_SECRET_LENGTH, get_token
from django.utils.cache import patch_vary_headers

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
                response = HttpResponse(content)
                response["X-Frame-Options"] = settings.X_FRAME_OPTIONS
                return self.with_token(request, response)
        response = self.get_response(request)
        if not getattr(response, "csrf_placeholder", False):
            return response
        seconds = response.anonymous_cache_seconds
        if key is not None and seconds and response.status_code == 200:
            cache.set(key, response.content, seconds)
        return self.with_token(request, response)

    def with_token(self, request, response):
        """Fill in the visitor's CSRF token and (re)send their CSRF cookie."""
        if "CSRF_COOKIE" not in request.META:
            secret = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
            if len(secret) == CSRF_SECRET_LENGTH and secret.isascii() and secret.isalnum():
                request.META["CSRF_COOKIE"] = secret
        token = get_token(request)
        response.content = response.content.replace(_PLACEHOLDER_BYTES, token.encode())
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
        response.set_cookie(
            settings.CSRF_COOKIE_NAME,
            request.META["CSRF_COOKIE"],
            max_age=settings.CSRF_COOKIE_AGE,
            domain=settings.CSRF_COOKIE_DOMAIN,
            path=settings.CSRF_COOKIE_PATH,
            secure=settings.CSRF_COOKIE_SECURE,
            httponly=settings.CSRF_COOKIE_HTTPONLY,
            samesite=settings.CSRF_COOKIE_SAMESITE,
        )
        patch_vary_headers(response, ("Cookie",))
        response["Cache-Control"] = "private, no-cache"
        return response
