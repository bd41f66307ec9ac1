"""Giving on the public site, and Stripe's webhook: parse, call one service, render."""

import stripe
from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from wagtail.models import Page

from northstar.emails import public_url
from northstar.models import normalise_email
from northstar.pagecache import render_for_cache
from northstar.ratelimit import HOUR, allow, client_ip
from northstar.sharing import share_links

from .forms import MONTHLY, DonationForm
from .models import LOCAL_SESSION_PREFIX, Donation, name_seen_by_owner
from .recurring import start_monthly_gift
from .services import (
    CheckoutUnavailable,
    fulfil_checkout_session,
    local_payment_intent,
    start_donation,
    test_checkout_enabled,
    thank_you_path,
)
from .webhooks import event_object, process_event


def givable_page(page_id):
    """The live, public page `page_id` if it takes gifts now (a campaign before its deadline)."""
    page = Page.objects.live().public().filter(pk=page_id).specific().first()
    if page is None or not getattr(page, "accepts_donations", False):
        return None
    return page


def render_with_form(request, page, form, status=200):
    """The page given to, with the donate form as posted and its errors: never kept by
    the page cache or any other (`render_for_cache` with a bound form)."""
    return render_for_cache(request, page, form, status=status)


@never_cache  # a form shown again carries the name and email typed
def give(request, page_id):
    """Where the donate form posts: start the gift and go to its checkout."""
    page = givable_page(page_id)
    if page is None:  # no such page, or its deadline passed while the form was open
        page = get_object_or_404(Page.objects.live().public(), pk=page_id)
        if page.url is None:  # the tree's root, or a page outside every site
            raise Http404
        return redirect(page.url)
    if request.method != "POST":
        return redirect(page.url)
    if hasattr(page, "donation_form"):  # a campaign's page: its currency and suggested amounts
        form = page.donation_form(request.POST)
    else:
        form = DonationForm(request.POST, currency=page.currency)
    if not form.is_valid():
        return render_with_form(request, page, form)
    # Only gifts actually started count: a mistyped amount does not use up the limit of
    # givers who share a connection (an event, a school).
    limit = settings.DONATION_STARTS_PER_IP_PER_HOUR
    if not allow("donation-start-ip", client_ip(request), limit, HOUR):
        form.add_error(None, "Too many attempts from your connection. Please try again in an hour.")
        return render_with_form(request, page, form, status=429)
    # Card testing from many connections with one address: the same answer per email.
    limit = settings.DONATION_STARTS_PER_EMAIL_PER_HOUR
    if not allow("donation-start-email", normalise_email(form.cleaned_data["email"]), limit, HOUR):
        form.add_error(None, "Too many attempts with this email. Please try again in an hour.")
        return render_with_form(request, page, form, status=429)
    start = start_monthly_gift if form.cleaned_data["frequency"] == MONTHLY else start_donation
    try:
        checkout_url = start(page, form.cleaned_data)
    except CheckoutUnavailable:
        form.add_error(
            None,
            "We could not reach our payment provider, and nothing was charged. "
            "Please try again in a few minutes.",
        )
        return render_with_form(request, page, form, status=503)
    return redirect(checkout_url)


def donation_for_token(token):
    return get_object_or_404(Donation.objects.select_related("page"), checkout_token=token)


# Pages behind a gift's token show the donor's name and amount: `never_cache` makes each
# response `private, no-store`, so no shared or back-button cache keeps them.


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def test_checkout(request, token):
    """The local test checkout (no Stripe key set): completes through the webhook's service.

    Completing it again (a repeated click, a second tab) answers as the first
    time did: the same redirect to the thank-you page, the gift paid once.
    """
    donation = donation_for_token(token)
    if not test_checkout_enabled() or not donation.checkout_session_id.startswith(
        LOCAL_SESSION_PREFIX
    ):
        raise Http404  # production, or a gift that went to Stripe's checkout
    if request.method == "POST" and donation.status == Donation.Status.PENDING:
        fulfil_checkout_session(
            donation.checkout_session_id,
            payment_intent_id=local_payment_intent(donation),
            amount_total=donation.given_cents,  # the gift and the fee covered, as Stripe
            currency=donation.currency,
        )
    if request.method == "POST" or donation.is_paid:
        return redirect(thank_you_path(donation))
    context = {"donation": donation, "page": donation.page.specific}
    return TemplateResponse(request, "donations/test_checkout.html", context)


def thank_you_context(donation, request=None):
    """The thank-you page's context: the gift and the `page` given to, as its own type.

    What the page is, it says itself: a page with an owner (`owner_public_name`: a
    supporter's fundraiser page) is `fundraiser`, with `owner_sees_name`
    (`name_seen_by_owner`); a page with a captain (`captain_public_name`: a team) is
    `team`; the `campaign` is the page's `campaign`, or the page itself, if it opens
    supporters' pages (`accepts_fundraisers`, for "Start your own fundraiser"). Once the
    gift is paid, share links in the donor's voice (`donor_share_text`: `share_links`,
    `share_url`)."""
    page = donation.page.specific
    campaign = getattr(page, "campaign", page)
    context = {
        "donation": donation,
        "page": page,
        "fundraiser": page if hasattr(page, "owner_public_name") else None,
        "team": page if hasattr(page, "captain_public_name") else None,
        "owner_sees_name": name_seen_by_owner(donation),
        "campaign": campaign if hasattr(campaign, "accepts_fundraisers") else None,
    }
    if donation.is_paid and hasattr(page, "donor_share_text"):
        share_url = public_url(page, request)
        context.update(
            share_url=share_url, share_links=share_links(share_url, page.donor_share_text())
        )
    return context


@never_cache
@require_http_methods(["GET", "HEAD"])
def thank_you(request, token):
    """After the checkout: the gift confirmed, or still being confirmed (Stripe may be slower).

    While it is pending, donations/js/gift-status.js asks `thank_you_status` a
    limited number of times and then says what to do; the page never reloads itself.
    """
    donation = donation_for_token(token)
    context = thank_you_context(donation, request)
    return TemplateResponse(request, "donations/thank_you.html", context)


@never_cache
@require_http_methods(["GET", "HEAD"])
def thank_you_status(request, token):
    """The thank-you page's state as JSON, for its script: no more than that page shows.

    `{"status": "pending" | "paid" | "failed", "html": <the page's message card>}`.
    """
    donation = donation_for_token(token)
    html = render_to_string(
        "donations/includes/thank_you_card.html",
        thank_you_context(donation, request),
        request=request,
    )
    return JsonResponse({"status": donation.status, "html": html})


@csrf_exempt
@require_POST
def stripe_webhook(request):
    """Stripe's events: verified, recorded once, handled; 400 for anything not from Stripe."""
    try:
        event = stripe.Webhook.construct_event(
            request.body, request.headers.get("Stripe-Signature"), settings.STRIPE_WEBHOOK_SECRET
        )
        event = event.to_dict()
    except (stripe.SignatureVerificationError, ValueError, TypeError, AttributeError):
        return HttpResponseBadRequest("Invalid payload or signature.")
    if not isinstance(event.get("id"), str) or not isinstance(event.get("type"), str):
        return HttpResponseBadRequest("Not an event.")
    if event_object(event) is None:
        return HttpResponseBadRequest("An event without its object.")
    process_event(event)
    return HttpResponse(status=200)
