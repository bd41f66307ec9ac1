"""Monthly gifts on the public site: the test checkout, the thank-you page, and the signed,
login-free page where a donor manages their gift. Views parse, call one service, render.

Every page behind a plan's token or signed link shows the donor's name and amount:
`never_cache` keeps it out of every shared cache. State changes are POST only (mail
scanners open every link).
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from northstar.emails import absolute_url
from northstar.ratelimit import HOUR, allow, client_ip

from .forms import MAXIMUM_CENTS
from .models import LOCAL_SESSION_PREFIX, RecurringGift
from .money import MoneyField, currency_name, minimum_charge
from .recurring import (
    RecurringGiftError,
    cancel_recurring_gift,
    card_update_url,
    change_amount,
    complete_local_checkout,
    email_manage_links,
    monthly_thank_you_path,
    plan_for_token,
)
from .services import test_checkout_enabled


class AmountForm(forms.Form):
    amount = MoneyField(
        label=_("New monthly amount"),
        max_cents=MAXIMUM_CENTS,
        error_messages={
            "min_cents": _("The smallest monthly gift we can take is %(limit)s."),
            "max_cents": _("We can take up to %(limit)s a month online."),
        },
    )

    def __init__(self, *args, currency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].currency = currency
        self.fields["amount"].min_cents = minimum_charge(currency)
        self.fields["amount"].label = gettext("New monthly amount (%(currency)s)") % {
            "currency": currency_name(currency)
        }


class ManageLinkForm(forms.Form):
    email = forms.EmailField(label=_("Your email"), max_length=254)


def plan_for_checkout(token):
    return get_object_or_404(RecurringGift.objects.select_related("page"), checkout_token=token)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def test_checkout(request, token):
    """The local test checkout of a monthly gift: completing it starts the plan and bills its
    first installment through the service Stripe's `invoice.paid` uses."""
    plan = plan_for_checkout(token)
    if not test_checkout_enabled() or not (plan.checkout_session_id or "").startswith(
        LOCAL_SESSION_PREFIX
    ):
        raise Http404
    if request.method == "POST":
        complete_local_checkout(plan)
    if request.method == "POST" or plan.status != RecurringGift.Status.PENDING:
        return redirect(monthly_thank_you_path(plan))
    context = {"plan": plan, "page": plan.page.specific}
    return TemplateResponse(request, "donations/monthly/test_checkout.html", context)


@never_cache
@require_http_methods(["GET", "HEAD"])
def thank_you(request, token):
    """After a monthly gift's checkout: set up, or still being confirmed by Stripe."""
    plan = plan_for_checkout(token)
    context = {"plan": plan, "page": plan.page.specific}
    return TemplateResponse(request, "donations/monthly/thank_you.html", context)


def signed_plan(token):
    plan = plan_for_token(token)
    if plan is None:
        raise Http404
    return plan


def numbered_installments(plan, last=12):
    """The plan's `last` paid installments, newest first, each with its `installment_number`
    (the first month is 1), so two months billed on one day read as two months."""
    paid = list(plan.installments.filter(status="paid").order_by("-paid_at", "-pk")[:last])
    count = plan.installments.filter(status="paid").count()
    for index, gift in enumerate(paid):
        gift.installment_number = count - index
    return paid


def render_manage(request, plan, token, amount_form=None, status=200):
    context = {
        "plan": plan,
        "page": plan.page.specific,
        "token": token,
        "amount_form": amount_form or AmountForm(currency=plan.currency),
        "installments": numbered_installments(plan),
    }
    return TemplateResponse(request, "donations/monthly/manage.html", context, status=status)


@never_cache
@require_http_methods(["GET", "HEAD"])
def manage(request, token):
    """The signed, login-free page of one monthly gift: its state and what the donor can do."""
    return render_manage(request, signed_plan(token), token)


@never_cache
@require_POST
def cancel(request, token):
    """Stop future installments; what was given stays given."""
    plan = signed_plan(token)
    try:
        cancel_recurring_gift(plan)
    except RecurringGiftError:
        messages.error(
            request,
            gettext("We could not reach our payment provider. Please try again in a few minutes."),
        )
    else:
        messages.success(request, gettext("Your monthly gift is canceled. Thank you for it."))
    return redirect("donations:monthly-manage", token)


@never_cache
@require_POST
def amount(request, token):
    """A new monthly amount, from the next installment on."""
    plan = signed_plan(token)
    form = AmountForm(request.POST, currency=plan.currency)
    if plan.is_canceled:
        form.add_error(None, gettext("This monthly gift has ended."))
    if not form.is_valid():
        return render_manage(request, plan, token, amount_form=form, status=400)
    try:
        change_amount(plan, form.cleaned_data["amount"])
    except RecurringGiftError:
        form.add_error(
            None,
            gettext("We could not reach our payment provider. Please try again in a few minutes."),
        )
        return render_manage(request, plan, token, amount_form=form, status=503)
    messages.success(
        request,
        gettext("From your next installment on, you give %(amount)s a month.")
        % {"amount": plan.amount_display},
    )
    return redirect("donations:monthly-manage", token)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def card(request, token):
    """Update the card: POST opens Stripe's customer portal on its payment-method flow; in
    test mode (GET or POST) a local page stands in, where no card is asked for."""
    plan = signed_plan(token)
    if request.method == "POST" and not plan.is_canceled:
        return_url = absolute_url(reverse("donations:monthly-manage", args=[token]))
        try:
            url = card_update_url(plan, return_url)
        except RecurringGiftError:
            messages.error(
                request,
                gettext(
                    "We could not reach our payment provider. Please try again in a few minutes."
                ),
            )
            return redirect("donations:monthly-manage", token)
        if url:
            return redirect(url)
    if not test_checkout_enabled():
        return redirect("donations:monthly-manage", token)
    context = {"plan": plan, "page": plan.page.specific, "token": token}
    return TemplateResponse(request, "donations/monthly/test_card.html", context)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def request_link(request):
    """ "Email me the link to manage my monthly gift": the same answer whatever address is
    typed (never says whether it has a gift with us); the address's owner gets the links."""
    form = ManageLinkForm(request.POST or None)
    sent = False
    if request.method == "POST" and form.is_valid():
        limit = settings.DONATION_STARTS_PER_IP_PER_HOUR
        if not allow("monthly-link-ip", client_ip(request), limit, HOUR):
            form.add_error(
                None,
                gettext("Too many attempts from your connection. Please try again in an hour."),
            )
            return TemplateResponse(
                request, "donations/monthly/request_link.html", {"form": form}, status=429
            )
        email_manage_links.delay_on_commit(form.cleaned_data["email"])
        sent = True
    context = {"form": form, "sent": sent}
    return TemplateResponse(request, "donations/monthly/request_link.html", context)
