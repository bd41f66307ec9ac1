"""Staff's "Re-send receipt" on a gift's screen: a confirm screen that says what it will do
("Email receipt 2026-000042 to ana@example.org"), then, on POST, the receipt task's own work
(`receipts.send_receipt`): a counted gift with no number yet is numbered now (that is how an
offline gift gets its receipt when staff ask), and the email is queued in the outbox. The
gift's history records who sent it, to whom and with which number (`RECEIPT_SENT`).

A gift not counted (pending, failed, awaiting confirmation, voided, held or refunded after
review) has no receipt: the screen says so and offers nothing to press. Staff who may see
gifts (`donations.view_donation`) may re-send: the receipt goes only to the donor's own
address, which they see already.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import include, path, reverse
from wagtail.admin.widgets.button import HeaderButton

from .models import Donation
from .receipts import (  # noqa: F401 (RECEIPT_SENT and its words: registered in wagtail_hooks)
    RECEIPT_SENT,
    NoReceipt,
    receipt_number_display,
    receipt_sent_words,
    send_receipt,
)

RESEND_PERMISSION = "donations.view_donation"


def may_resend(user) -> bool:
    return user.has_perm(RESEND_PERMISSION)


def header_button(user, donation):
    """ "Re-send receipt…" ("Send receipt…" before it has a number) on a counted gift's
    screen, for staff who may; else None."""
    if not may_resend(user) or donation.status not in Donation.COUNTED_STATES:
        return None
    label = "Re-send receipt…" if donation.receipt_number is not None else "Send receipt…"
    url = reverse("donation_receipt:send", args=[donation.pk])
    return HeaderButton(label, url=url, icon_name="mail")


def refusal(donation) -> str:
    """Why `donation` has no receipt to send, or "" if it has one."""
    if donation.status in Donation.COUNTED_STATES:
        return ""
    return (
        f"This gift is {donation.get_status_display().lower()}, not counted: "
        "it has no receipt to send."
    )


def send_view(request, donation_id):
    """GET: what sending does (the number, or that it takes the next number of its year, and
    the address), or why it cannot; POST: send it (`receipts.send_receipt`, by this user)."""
    if not may_resend(request.user):
        raise PermissionDenied
    donation = get_object_or_404(Donation.objects.select_related("page"), pk=donation_id)
    inspect_url = reverse("donation:inspect", args=[donation.pk])
    if request.method == "POST":
        try:
            donation = send_receipt(donation.pk, by=request.user)
        except NoReceipt as refused:
            messages.error(request, str(refused))
        else:
            messages.success(
                request,
                f"Receipt {receipt_number_display(donation)} is on its way to {donation.email}.",
            )
        return redirect(inspect_url)
    return TemplateResponse(
        request,
        "donations/admin/send_receipt.html",
        {
            "donation": donation,
            "problem": refusal(donation),
            "number": receipt_number_display(donation),
            "inspect_url": inspect_url,
        },
    )


def admin_urls():
    """/admin/donation-receipt/<id>/send/ ("donation_receipt:send")."""
    urls = [path("<int:donation_id>/send/", send_view, name="send")]
    return [path("donation-receipt/", include((urls, "donation_receipt")))]
