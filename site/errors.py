"""Error pages in the site's layout: every page a visitor can reach has the quick exit and hotline.

Django's default handlers render 400 and CSRF failures without the request, so
the context processors (and with them the organisation's settings) are
missing; these handlers pass the organisation's settings in where the
templates look for them (`settings.northstar.SiteSettings`). The 500 page never touches the
database, which may be what failed: it shows the organisation's defaults
(the national hotline, a neutral quick-exit site).
"""

import logging

from django.conf import settings
from django.http import (
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponseServerError,
)
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

from .models import SiteSettings

logger = logging.getLogger(__name__)


def with_organisation(org):
    """A plain template context in which the layout finds `org` as it finds the site's settings."""
    return {"settings": {"northstar": {"SiteSettings": org}}}


def offline_organisation():
    """The organisation's details without a database: the model's defaults, named as the site."""
    return SiteSettings(organisation_name=settings.WAGTAIL_SITE_NAME)


@requires_csrf_token
def page_not_found(request, exception=None):
    """404 in the site layout, rendered with the request (its session, the org's settings)."""
    html = loader.render_to_string("404.html", {"request_path": request.path}, request)
    return HttpResponseNotFound(html)


@requires_csrf_token
def permission_denied(request, exception=None):
    """403 in the site layout."""
    return HttpResponseForbidden(loader.render_to_string("403.html", {}, request))


def bad_request(request, exception=None):
    """400 in the site layout, also for a Host header that is not allowed.

    The request's host cannot be read (it raises DisallowedHost again), so the
    context processors are not run; the default site's settings are passed
    instead, with the offline defaults if the database cannot answer.
    """
    try:
        org = SiteSettings.for_default_site()
    except Exception:  # The page must render, whatever failed.
        logger.exception("Site settings could not be read for the 400 page")
        org = offline_organisation()
    return HttpResponseBadRequest(loader.render_to_string("400.html", with_organisation(org)))


def server_error(request):
    """500 in the site layout, rendered without the request or the database."""
    html = loader.render_to_string("500.html", with_organisation(offline_organisation()))
    return HttpResponseServerError(html)


def csrf_failure(request, reason=""):
    """A form posted with a missing or stale CSRF token (CSRF_FAILURE_VIEW).

    Supporters meet this after leaving a sign or donate form open for a long
    time, or with cookies blocked: the page says their details were not saved
    and to reload the form and try again.
    """
    html = loader.render_to_string(
        "403_csrf.html",
        {"form_path": request.path, "no_cookie": reason == REASON_NO_CSRF_COOKIE},
        request,
    )
    return HttpResponseForbidden(html)
