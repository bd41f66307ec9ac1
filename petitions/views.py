"""Public petition views, reached through `PetitionPage`'s routes: parse, call a service, render."""

from django.conf import settings
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from northstar.models import SiteSettings
from northstar.pagecache import with_csrf_placeholder
from northstar.ratelimit import allow, client_ip
from northstar.sharing import share_links

from . import updates
from .forms import SignatureForm
from .jurisdictions import jurisdiction_name
from .models import signable_petition
from .routing import normalise_zip, states_for_zip
from .services import (
    confirm_signature,
    record_signature,
    resend_confirmation_if_due,
    signature_for_token,
)

HOUR = 3600


PAGE_CACHE_SECONDS = 1


def render_petition(request, petition, status=200, cache_seconds=0, **kwargs):
    """The petition page; its sign form carries a CSRF placeholder filled in by the page cache."""
    response = petition.render(request, **kwargs)
    response.status_code = status
    return with_csrf_placeholder(response.render(), cache_seconds)


def petition_page(request, petition):
    if request.method == "POST":
        return sign(request, petition)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    return render_petition(request, petition, cache_seconds=PAGE_CACHE_SECONDS)


def sign_petition(request, petition_id):
    """Where the sign form posts: straight to the petition, without Wagtail's page routing."""
    petition = signable_petition(petition_id)
    if petition is None:
        raise Http404
    if request.method != "POST":
        return redirect(petition.url)
    return sign(request, petition)


def sign(request, petition):
    if not petition.is_open:
        return render_petition(request, petition, context_overrides={"notice": "closed"})
    form = SignatureForm(request.POST, petition=petition)
    ip_limit = settings.PETITION_SIGNS_PER_IP_PER_HOUR
    if not allow("petition-sign-ip", client_ip(request), ip_limit, HOUR):
        return too_many_attempts(request, petition, form)
    if not form.is_valid():
        return render_petition(request, petition, form=form)
    result = record_signature(petition, form.cleaned_data, target=form.target)
    if result.created:
        return redirect(petition.thank_you_url(), permanent=False)
    return signed_again(request, petition, form, result.signature)


def signed_again(request, petition, form, signature):
    """Say "you have already signed" and send the confirmation again if due (limited per email)."""
    email_limit = settings.PETITION_SIGNS_PER_EMAIL_PER_HOUR
    if not allow("petition-sign-email", signature.email, email_limit, HOUR):
        return too_many_attempts(request, petition, form)
    return render_petition(
        request,
        petition,
        context_overrides={
            "notice": "already_signed",
            "already_signed": signature,
            "confirmation_resent": resend_confirmation_if_due(signature),
        },
    )


def too_many_attempts(request, petition, form):
    form.add_error(None, "Too many attempts from your connection. Please try again in an hour.")
    return render_petition(request, petition, status=429, form=form)


def sharing_context(request, petition):
    org = SiteSettings.for_request(request)
    text = petition.share_text or org.default_share_text or petition.title
    url = request.build_absolute_uri(petition.url)
    return {"share_url": url, "share_links": share_links(url, text)}


def thank_you(request, petition):
    context = {
        "page": petition,
        "self": petition,
        **sharing_context(request, petition),
    }
    return TemplateResponse(request, "petitions/thank_you.html", context)


def confirm(request, token):
    """The link in the confirmation email: count the signature, say thank you."""
    signature = signature_for_token(token)
    if signature is None:
        return TemplateResponse(request, "petitions/confirm_invalid.html", status=400)
    confirm_signature(signature)
    petition = signature.petition
    context = {
        "page": petition,
        "self": petition,
        "confirmed": signature,
        "signature_count": petition.signature_count(),
        **sharing_context(request, petition),
    }
    return TemplateResponse(request, "petitions/thank_you.html", context)


def lookup_recipient(request, petition):
    """JSON for the sign form: which state a ZIP code is in, and who receives the signature."""
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


def unsubscribe(request, token):
    """The link in every update email: a button (so link scanners change nothing), then done."""
    signature = updates.signature_for_unsubscribe_token(token)
    if signature is None:
        return TemplateResponse(
            request, "petitions/unsubscribe.html", {"invalid": True}, status=400
        )
    done = request.method == "POST"
    if done:
        updates.unsubscribe(signature)
    return TemplateResponse(request, "petitions/unsubscribe.html", {"done": done})
