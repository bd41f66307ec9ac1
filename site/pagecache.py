"""A one-second cache of busy public pages for anonymous visitors, in each web process.

A viral petition is read far more than it is signed. Its page is the same for
every anonymous visitor but for the CSRF token of the sign form, so the page
is rendered with a placeholder where the token goes, kept in the process's
memory for `seconds`, and the placeholder is replaced with the visitor's own
token (Django's `get_token`) on the way out. The count a reader sees is at
most that many seconds old. Each process renders a busy page at most once a
second, which costs far less than a round trip to a shared cache for every
reader. Visitors with a session (logged in, or with messages waiting) always
get a fresh render. Tracking parameters (utm_*, fbclid, ...) are left out of
the key, so shared links with a click id in them still hit.

The middleware sits right after CsrfViewMiddleware, so that Django's CSRF
middleware reads the visitor's CSRF cookie before a hit and sets it on the
way out (`get_token`), for hits and renders alike. The middleware that only
add headers to a page (clickjacking, the Content Security Policy) sit inside
it: a page is kept with the headers its render was given and a hit is
answered with them, so a hit skips those middleware as well as
authentication, messages, the URL resolver, the view and the template. A page
whose policy carries a nonce is never kept (a nonce must not be served twice),
and a changed setting (`override_settings` in tests) empties the cache.
"""

from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers

from .memo import Memo

# How long a public page (a petition, a campaign, a team, a fundraiser page) is kept for
# anonymous readers: what its counts may lag behind by, and how often each process renders it.
PAGE_CACHE_SECONDS = 1
CSRF_PLACEHOLDER = "__northstar_csrf_token__"
_PLACEHOLDER_BYTES = CSRF_PLACEHOLDER.encode()
NOT_KEPT_HEADERS = {"content-length", "set-cookie"}  # recomputed, or the visitor's own
TRACKING_PARAMETERS = {"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "ref"}


def render_for_cache(request, page, form, *, status=200, cache_seconds=0, **context):
    """The one way a public page with a form (a petition's sign form, a campaign's, team's
    or fundraiser page's donate form) is rendered: a rendered `TemplateResponse`.

    `page` is a Wagtail page (its `get_context(request)` and template); `form` is its form,
    empty or as posted; `context` adds to the page's context (a petition's `notice`). The
    form's CSRF field carries `CSRF_PLACEHOLDER` (templates read `csrf_placeholder`), which
    the middleware fills with the visitor's own token. The response is kept for anonymous
    readers for `cache_seconds` (0: filled in, never kept). A bound form (what a visitor
    typed) is never stored by this cache or any other (`add_never_cache_headers`), nor is a
    page whose policy carries a nonce (`is_shareable`).
    """
    page_context = page.get_context(request)
    page_context.update(context, form=form, csrf_placeholder=CSRF_PLACEHOLDER)
    response = TemplateResponse(request, page.get_template(request), page_context, status=status)
    if form.is_bound:
        add_never_cache_headers(response)
    response.render()
    response.csrf_placeholder = True
    response.anonymous_cache_seconds = cache_seconds
    return response


def serve_for_cache(request, page, form):
    """Wagtail's `serve` for a public page with a form (see `render_for_cache`): a GET or
    HEAD is kept for anonymous readers for `PAGE_CACHE_SECONDS`; other methods are
    rendered but never kept."""
    request.is_preview = False  # as Wagtail's Page.serve
    seconds = PAGE_CACHE_SECONDS if request.method in ("GET", "HEAD") else 0
    return render_for_cache(request, page, form, cache_seconds=seconds)


def cache_key(request):
    """(host, path, query without tracking parameters) for an anonymous GET or HEAD, else None.

    A visitor with a session or messages waiting is never served from the cache.
    """
    if request.method not in ("GET", "HEAD"):
        return None
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return None
    query = request.META.get("QUERY_STRING", "")
    if query:
        query = urlencode(
            [
                (name, value)
                for name, value in parse_qsl(query, keep_blank_values=True)
                if name not in TRACKING_PARAMETERS and not name.startswith("utm_")
            ]
        )
    return (request.get_host(), request.path, query)


recent_pages = Memo(seconds=1, max_entries=500)


class AnonymousPageCacheMiddleware:
    """Serve a page rendered by `render_for_cache` from memory for its seconds."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = cache_key(request)
        if key is not None:
            kept = recent_pages.peek(key)
            if kept is not None:
                content, headers = kept
                return self.with_token(request, HttpResponse(content, headers=headers))
        response = self.get_response(request)
        if not getattr(response, "csrf_placeholder", False):
            return response
        seconds = response.anonymous_cache_seconds
        if key is not None and seconds and response.status_code == 200 and is_shareable(response):
            recent_pages.put(key, (response.content, kept_headers(response)), seconds)
        return self.with_token(request, response)

    def with_token(self, request, response):
        """Fill in the visitor's CSRF token (`get_token`, which has the CSRF middleware
        (re)send their CSRF cookie) and keep the page out of shared caches."""
        token = get_token(request)
        response.content = response.content.replace(_PLACEHOLDER_BYTES, token.encode())
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
        patch_vary_headers(response, ("Cookie",))
        patch_cache_control(response, private=True, no_cache=True)  # keeps a view's no-store
        return response


def is_shareable(response):
    """False for a response its view marked private or no-store (it carries personal data),
    or one whose Content Security Policy carries a nonce (good for one response only)."""
    directives = response.get("Cache-Control", "").lower()
    policy = response.get("Content-Security-Policy", "")
    return "private" not in directives and "no-store" not in directives and "'nonce-" not in policy


def kept_headers(response):
    """The headers a hit is answered with: the render's, but for its length and cookies."""
    return {name: value for name, value in response.items() if name.lower() not in NOT_KEPT_HEADERS}


@receiver(setting_changed)
def forget_pages(**kwargs):
    """A page kept under other settings (a test's `override_settings`) is not served after."""
    recent_pages.clear()
