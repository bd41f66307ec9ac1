"""All my giving on the public site: the signed page of every gift from one address, its PDF
receipts, and "email me the link". Views parse, call one service, render (donations/giving.py).

Every response behind a giving link shows a donor's gifts: `never_cache` makes it `private,
no-store` and `X-Robots-Tag` keeps it out of search engines. Nothing here changes anything.
"""

from django import forms
from django.conf import settings
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from northstar.exports import private_download
from northstar.ratelimit import HOUR, allow, client_ip

from .giving import (
    GIVING_LINK_MAX_AGE,
    GivingLinkExpired,
    GivingLinkInvalid,
    address_for_token,
    email_giving_link,
    gift_for_address,
    gifts_by_year,
    gifts_for_address,
    plans_for_address,
)
from .receipt_pdf import receipt_filename, receipt_pdf
from .receipts import receipt_details

NOINDEX = "noindex, nofollow"


class GivingLinkForm(forms.Form):
    email = forms.EmailField(label=_("Your email"), max_length=254)


def unlisted(response):
    """`response` kept out of search engines (it is also `never_cache`: private, no-store)."""
    response["X-Robots-Tag"] = NOINDEX
    return response


def render_request(request, form, *, sent=False, problem="", status=200):
    """The "email me the link" page; `problem` ("expired" or "invalid") says what was wrong
    with the link that led here."""
    context = {
        "form": form,
        "sent": sent,
        "problem": problem,
        "valid_days": GIVING_LINK_MAX_AGE.days,
    }
    response = TemplateResponse(
        request, "donations/giving/request_link.html", context, status=status
    )
    return unlisted(response)


def address_or_problem(request, token):
    """(the address the link carries, None), or (None, the page saying what is wrong with the
    link: 410 for an expired one, 400 for one we did not sign)."""
    try:
        return address_for_token(token), None
    except GivingLinkExpired:
        return None, render_request(request, GivingLinkForm(), problem="expired", status=410)
    except GivingLinkInvalid:
        return None, render_request(request, GivingLinkForm(), problem="invalid", status=400)


@never_cache
@require_http_methods(["GET", "HEAD"])
def giving(request, token):
    """The signed, login-free page of every gift from one address, with its receipts and its
    monthly gifts."""
    email, problem = address_or_problem(request, token)
    if problem:
        return problem
    gifts = gifts_for_address(email, token)
    context = {
        "email": email,
        "gift_count": len(gifts),
        "years": gifts_by_year(gifts),
        "plans": plans_for_address(email),
        "valid_days": GIVING_LINK_MAX_AGE.days,
    }
    return unlisted(TemplateResponse(request, "donations/giving/page.html", context))


@never_cache
@require_http_methods(["GET", "HEAD"])
def receipt_download(request, token, gift):
    """The PDF receipt of one gift of the link's address (404 for any other gift)."""
    email, problem = address_or_problem(request, token)
    if problem:
        return problem
    donation = gift_for_address(email, gift)
    if donation is None:
        raise Http404("No such gift on this giving page.")
    details = receipt_details(donation)
    response = HttpResponse(receipt_pdf(donation, details), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{receipt_filename(details)}"'
    return unlisted(private_download(response))


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def request_link(request):
    """ "Email me the link to all my giving": the same answer whatever address is typed (never
    says whether it gave); the task emails the address's owner if it did."""
    form = GivingLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        limit = settings.DONATION_STARTS_PER_IP_PER_HOUR
        if not allow("giving-link-ip", client_ip(request), limit, HOUR):
            form.add_error(
                None,
                gettext("Too many attempts from your connection. Please try again in an hour."),
            )
            return render_request(request, form, status=429)
        email_giving_link.delay_on_commit(form.cleaned_data["email"])
        return render_request(request, GivingLinkForm(), sent=True)
    return render_request(request, form, status=400 if form.errors else 200)
