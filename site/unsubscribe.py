"""The page behind an email's unsubscribe link, one for every kind of list message.

Each list message (a petition update, a friend's invitation) carries a link
with a signed token naming what it unsubscribes from, shown in its footer and
given as RFC 8058's one-click `List-Unsubscribe` URL (`northstar.emails`).
`one_click_view` makes that page: a button on GET and HEAD, so link scanners
change nothing; the change on POST, and a second POST answers as the first. A
link opened again after the change says it is done rather than asking again.

A mail client's one-click POST (`List-Unsubscribe=One-Click`) carries no cookie
and no CSRF token, so the view is exempt from CSRF: the signed token in the
URL, sent only to the recipient, is what authorises the change.
"""

from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods


def one_click_view(find, unsubscribe, template, *, unsubscribed):
    """A view `(request, token)` for an unsubscribe link.

    `find(token)` returns what the token names, or None for a forged, cut or
    stale token (the page then says the link doesn't work, status 400);
    `unsubscribe(found)` makes the change, on POST only; `unsubscribed(found)`
    tells whether it is made already. `template` is rendered with `invalid`, or
    `done` (a bool: True after the POST, or on GET once unsubscribed) and
    `already` (True when a GET found it done).
    """

    @csrf_exempt
    @never_cache
    @require_http_methods(["GET", "HEAD", "POST"])
    def view(request, token):
        found = find(token)
        if found is None:
            return TemplateResponse(request, template, {"invalid": True}, status=400)
        if request.method == "POST":
            unsubscribe(found)
            return TemplateResponse(request, template, {"done": True, "already": False})
        already = unsubscribed(found)
        return TemplateResponse(request, template, {"done": already, "already": already})

    view.__doc__ = unsubscribe.__doc__
    return view
