"""The admin's side of payments held for review (donations/review.py): how many wait (above
the Donations list and on the dashboard), and the confirm screen that accepts one.

Accepting says first what it will do: the amount counted, the gift's amount it replaces,
the totals it is added to, and that the donor is emailed a receipt. Only staff with
`donations.review_donation` (superusers included) see the button or may post. Refunding a
held payment is not offered here yet: the refunds service adds it.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import include, path, reverse
from wagtail.admin.ui.components import Component
from wagtail.models import Page

from .models import Donation, gift_levels
from .review import REVIEW_PERMISSION, CannotAccept, accept_held_payment, acceptance_problem


def waiting_count():
    return Donation.objects.filter(status=Donation.Status.NEEDS_REVIEW).count()


def waiting_words(count):
    """ "1 payment needs review", "3 payments need review"."""
    return f"{count} payment needs review" if count == 1 else f"{count} payments need review"


def waiting_list_url():
    return reverse("donation:index") + f"?state={Donation.Status.NEEDS_REVIEW}"


class PaymentsToReviewPanel(Component):
    """The dashboard's note of payments waiting for review (nothing when none wait), for
    staff who may see gifts."""

    name = "payments_to_review"
    order = 90  # above Wagtail's own panels: money nobody has counted comes first
    template_name = "donations/review/dashboard_panel.html"

    def render_html(self, parent_context=None):
        request = (parent_context or {}).get("request")
        if request is None or not request.user.has_perm("donations.view_donation"):
            return ""
        count = waiting_count()
        if not count:
            return ""
        return super().render_html(parent_context)

    def get_context_data(self, parent_context=None):
        count = waiting_count()
        return {"words": waiting_words(count), "url": waiting_list_url()}


def totals_changed(donation):
    """The titles of the pages whose totals counting `donation` changes, deepest first."""
    levels = gift_levels(donation.page_id)
    titles = dict(Page.objects.filter(pk__in=levels).values_list("pk", "title"))
    return [titles[level] for level in levels if level in titles]


def accept_view(request, donation_id):
    """GET: the confirm screen (what accepting counts, where, and who is emailed), or why
    it cannot be accepted; POST: accept it."""
    if not request.user.has_perm(REVIEW_PERMISSION):
        raise PermissionDenied
    donation = get_object_or_404(Donation.objects.select_related("page"), pk=donation_id)
    inspect_url = reverse("donation:inspect", args=[donation.pk])
    if request.method == "POST":
        try:
            donation = accept_held_payment(donation.pk, by=request.user)
        except CannotAccept as refused:
            messages.error(request, str(refused))
        else:
            messages.success(
                request,
                f"{donation.amount_display} from {donation.donor_name} is counted; "
                "the receipt is on its way.",
            )
        return redirect(inspect_url)
    return TemplateResponse(
        request,
        "donations/review/accept.html",
        {
            "donation": donation,
            "problem": acceptance_problem(donation),
            "totals": totals_changed(donation),
            "inspect_url": inspect_url,
        },
    )


def admin_urls():
    """/admin/donation-review/<id>/accept/ ("donation_review:accept")."""
    urls = [path("<int:donation_id>/accept/", accept_view, name="accept")]
    return [path("donation-review/", include((urls, "donation_review")))]
