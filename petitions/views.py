"""Public petition views, reached through `PetitionPage`'s routes: parse, call a service, render."""

from django.conf import settings
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from northstar.emails import public_url
from northstar.models import SiteSettings
from northstar.pagecache import PAGE_CACHE_SECONDS, render_for_cache
from northstar.ratelimit import HOUR, allow, client_ip
from northstar.sharing import share_links
from northstar.unsubscribe import one_click_view

from . import updates
from .forms import SignatureForm
from .jurisdictions import jurisdiction_name
from .models import Signature, signable_petition
from .routing import normalise_zip, states_for_zip
from .services import confirm_signature, signature_for_token, take_signature


def render_petition(request, petition, form=None, status=200, cache_seconds=0, notice=None):
    """The petition page with its sign form (`form`, or an empty one).

    The form's CSRF field carries the page cache's placeholder, which the page
    cache fills with the visitor's own token. A form that named a state shows
    who receives the signature; `notice` ("closed") explains a refused signature. A
    form shown again with what the visitor typed is never stored by any cache, the
    page cache included (Django's `add_never_cache_headers`, as `never_cache` does).
    """
    form = form or SignatureForm(petition=petition)
    context = {"notice": notice}
    state = getattr(form, "cleaned_data", {}).get("state")
    if state:
        context["recipient"] = petition.recipient_line(state)
    return render_for_cache(
        request, petition, form, status=status, cache_seconds=cache_seconds, **context
    )


def petition_page(request, petition):
    """The page (GET and HEAD); signing has one address of its own, `petitions:sign`."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return render_petition(request, petition, cache_seconds=PAGE_CACHE_SECONDS)


def sign_petition(request, petition_id):
    """Where the sign form posts (the one way to sign): straight to the petition, without
    Wagtail's page routing. A GET is sent to the petition's page."""
    petition = signable_petition(petition_id)
    if petition is None:
        raise Http404
    if request.method != "POST":
        return redirect(petition.url)
    return sign(request, petition)


def sign(request, petition):
    """Take a signature; every valid form gets the same redirect, whoever's address it names.

    Whether the address had signed (and confirmed) is told to its owner by
    email (`take_signature`), never in this response.
    """
    if not petition.is_open:
        return render_petition(request, petition, notice="closed")
    form = SignatureForm(request.POST, petition=petition)
    ip_limit = settings.PETITION_SIGNS_PER_IP_PER_HOUR
    if not allow("petition-sign-ip", client_ip(request), ip_limit, HOUR):
        return too_many_attempts(request, petition, form)
    if not form.is_valid():
        return render_petition(request, petition, form=form)
    take_signature(petition, form.cleaned_data, target=form.target)
    # The thank-you URL is already a path (kept in the petition memo): `redirect()` would
    # first try, and fail, to reverse it as a view name.
    return HttpResponseRedirect(petition.thank_you_url())


def too_many_attempts(request, petition, form):
    form.add_error(None, "Too many attempts from your connection. Please try again in an hour.")
    return render_petition(request, petition, status=429, form=form)


def sharing_context(request, petition):
    org = SiteSettings.for_request(request)
    text = petition.share_text or org.default_share_text or petition.title
    url = public_url(petition, request)
    return {"share_url": url, "share_links": share_links(url, text)}


def thank_you(request, petition):
    context = {
        "page": petition,
        "self": petition,
        "max_age_days": settings.PETITION_CONFIRMATION_MAX_AGE_DAYS,
        **sharing_context(request, petition),
    }
    return TemplateResponse(request, "petitions/thank_you.html", context)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token):
    """The link in the confirmation email: a button on GET and HEAD, counted on POST only.

    Mail scanners and link previews open links with GET or HEAD, so those
    change nothing. The POST confirms (a second POST changes nothing more) and
    redirects to the same link, which then shows the thank-you.
    """
    signature = signature_for_token(token)
    if signature is None:
        context = {"max_age_days": settings.PETITION_CONFIRMATION_MAX_AGE_DAYS}
        return TemplateResponse(request, "petitions/confirm_invalid.html", context, status=400)
    petition = signature.petition
    if request.method == "POST":
        confirm_signature(signature)
        return redirect(request.path)
    if signature.status == Signature.Status.PENDING:
        return TemplateResponse(request, "petitions/confirm.html", {"page": petition})
    context = {
        "page": petition,
        "self": petition,
        "confirmed": signature,
        "signature_count": petition.signature_count(),
        **sharing_context(request, petition),
    }
    return TemplateResponse(request, "petitions/thank_you.html", context)


@never_cache
def lookup_recipient(request, petition):
    """JSON for the sign form: which state a ZIP code is in, and who receives the signature.

    Private and never stored (`never_cache`): the ZIP code a person typed is in its address.
    """
    zip5 = normalise_zip(request.GET.get("zip"))
    states = states_for_zip(zip5) if zip5 else ()
    if len(states) != 1:
        return JsonResponse({"state": None, "choices": list(states)})
    state = states[0]
    return JsonResponse(
        {
            "state": state,
            "state_name": jurisdiction_name(state),
            "recipient": petition.recipient_line(state),
        }
    )


# The link in every update email and its one-click List-Unsubscribe: stops updates to the
# address from every petition it signed.
unsubscribe = one_click_view(
    updates.signature_for_unsubscribe_token,
    updates.unsubscribe,
    "petitions/unsubscribe.html",
    unsubscribed=updates.is_unsubscribed,
)
