"""The admin's "Refund" on a gift's screen: amount in dollars and a reason, then a confirm step
that says the amount, the donor and which totals it changes, then `refunds.refund`.

A payment held for review is refunded whole from its own confirm screen (`refund_held_view`):
what Stripe collected, the donor, that no total changes (it was never counted), that the
donor is emailed; a reason.

Permission: `donations.refund_donation`. Bad input (not an amount, 0 or negative, over
what is left, a gift not paid or under dispute) re-renders the form with a message and
changes nothing.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from wagtail.admin.widgets.button import HeaderButton

from .models import Donation
from .money import MoneyField, format_money
from .refunds import RefundError, check_refund, refund, refundable_cents, totals_affected
from .services import stripe_enabled

PERMISSION = "donations.refund_donation"


def may_refund(user):
    return user.has_perm(PERMISSION)


class RefundForm(forms.Form):
    amount = MoneyField(
        label="Amount to refund",
        min_cents=1,
        error_messages={"min_cents": "Please enter an amount more than zero."},
        help_text="In dollars, as typed on a cheque: 10 or 10.50.",
    )
    reason = forms.CharField(
        label="Reason",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept in the gift's history; the donor is not shown it.",
    )

    def __init__(self, *args, donation, **kwargs):
        super().__init__(*args, **kwargs)
        self.donation = donation
        self.fields["amount"].currency = donation.currency

    def clean(self):
        cleaned = super().clean()
        if "amount" in cleaned:
            try:
                check_refund(self.donation, cleaned["amount"])
            except RefundError as refused:
                self.add_error("amount", str(refused))
        return cleaned


def refund_view(request, pk):
    """GET: the form; POST: the confirm step (what it will do), then, with `confirm`, the
    refund; back to the gift's screen with what was done."""
    if not may_refund(request.user):
        raise PermissionDenied
    donation = get_object_or_404(Donation.objects.select_related("page"), pk=pk)
    gift_url = reverse("donation:inspect", args=[donation.pk])
    form = RefundForm(request.POST if request.method == "POST" else None, donation=donation)
    confirming = False
    if request.method == "POST" and form.is_valid():
        amount = form.cleaned_data["amount"]
        if request.POST.get("confirm") == "yes":
            try:
                refund(donation, amount, by=request.user, reason=form.cleaned_data["reason"])
            except RefundError as refused:
                form.add_error("amount", str(refused))
            else:
                messages.success(
                    request,
                    f"Refunded {format_money(amount, donation.currency, exact=True)} to "
                    f"{donation.donor_name}; the donor has been emailed.",
                )
                return redirect(gift_url)
        else:
            confirming = True
    left = refundable_cents(donation)
    amount = form.cleaned_data.get("amount") if confirming else None
    return TemplateResponse(
        request,
        "donations/refunds/refund.html",
        {
            "donation": donation,
            "form": form,
            "confirming": confirming,
            "amount_display": format_money(amount, donation.currency, exact=True) if amount else "",
            "whole_gift": bool(amount) and amount == left,
            "left_display": format_money(left, donation.currency, exact=True),
            "levels": totals_affected(donation),
            "gift_url": gift_url,
            "test_mode": not stripe_enabled(),
        },
    )


class HeldRefundForm(forms.Form):
    reason = RefundForm.base_fields["reason"]


def refund_held_view(request, pk):
    """A payment held for review, refunded whole. GET: the confirm screen (what Stripe
    collected, the donor, no total changes, the donor is emailed) with a reason, or why it
    cannot be refunded; POST: the refund, then back to the gift's screen."""
    if not may_refund(request.user):
        raise PermissionDenied
    donation = get_object_or_404(Donation.objects.select_related("page"), pk=pk)
    gift_url = reverse("donation:inspect", args=[donation.pk])
    left = refundable_cents(donation)
    form = HeldRefundForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            refund(donation, left, by=request.user, reason=form.cleaned_data["reason"])
        except RefundError as refused:
            messages.error(request, str(refused))
        else:
            messages.success(
                request,
                f"Refunded {format_money(left, donation.charged_currency, exact=True)} to "
                f"{donation.donor_name}; the donor has been emailed.",
            )
        return redirect(gift_url)
    try:
        check_refund(donation, left)
        problem = ""
    except RefundError as refused:
        problem = str(refused)
    return TemplateResponse(
        request,
        "donations/refunds/refund_held.html",
        {
            "donation": donation,
            "form": form,
            "problem": problem,
            "amount_display": format_money(left, donation.charged_currency, exact=True),
            "gift_url": gift_url,
        },
    )


def refund_header_button(user, donation):
    """ "Refund" on a paid gift's screen, "Refund…" on a payment held for review, for staff
    who may refund while anything is left to refund; else None."""
    if not may_refund(user) or donation.is_offline or refundable_cents(donation) <= 0:
        return None
    if donation.status == Donation.Status.NEEDS_REVIEW:
        url = reverse("donation_refund_held", args=[donation.pk])
        return HeaderButton("Refund…", url=url, icon_name="rotate")
    return HeaderButton(
        "Refund", url=reverse("donation_refund", args=[donation.pk]), icon_name="rotate"
    )
