"""Staff views of the campaigns app in the Wagtail admin: a campaign's report and CSV export,
and the confirm screens that take a fundraiser page down and put it back (`campaigns.takedown`).

Wagtail's admin URLs already require an admin login. The report and the export also require
permission to edit the campaign page, since they hold fundraisers' names and emails
(`campaign_editors_only`, by `northstar.admin_access`); taking a page down or putting it
back requires permission to publish it (`FundraiserPagePermissionTester`).
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from northstar.admin_access import forbidden, page_editors_only
from northstar.charts import bar_chart, money_chart
from northstar.days import organisation_zone
from northstar.exports import csv_response

from .admin_forms import TakeDownForm
from .models import FundraiserPage, FundraisingCampaignPage
from .reports import (
    EXPORT_COLUMNS,
    export_filename,
    export_rows,
    fees_covered,
    invitation_share,
    offline_share,
    page_counts,
    pages_per_day,
    pages_without_gifts,
    raised_per_day,
    report_window,
    top_pages,
    top_teams,
)
from .takedown import TakeDownRefused, put_back, take_down, take_down_reason

# A staff view of one campaign: its `page_id` becomes the campaign, for its editors only.
campaign_editors_only = page_editors_only(
    FundraisingCampaignPage,
    "You need permission to edit this campaign to see its report and its fundraisers.",
)


@campaign_editors_only
def report(request, campaign):
    first, last = report_window(campaign)
    response = TemplateResponse(
        request,
        "campaigns/admin/report.html",
        {
            "campaign": campaign,
            "page": campaign,
            "currency": campaign.currency,
            "progress": campaign.progress(),
            "fees_covered": fees_covered(campaign),
            "counts": page_counts(campaign),
            "raised_chart": money_chart(raised_per_day(campaign, first, last), campaign.currency),
            "pages_chart": bar_chart(pages_per_day(campaign, first, last)),
            "top_pages": top_pages(campaign),
            "top_teams": top_teams(campaign),
            "quiet_pages": pages_without_gifts(campaign),
            "invitations": invitation_share(campaign),
            "offline": offline_share(campaign),
        },
    )
    # Times shown (a page's opening day) read in the organisation's zone, as the figures
    # are counted, not in the zone a staff member chose for the admin.
    with timezone.override(organisation_zone()):
        return response.render()


@campaign_editors_only
def export(request, campaign):
    """Stream the campaign's fundraiser pages as CSV (`reports.export_rows`, written by
    `northstar.exports`)."""
    return csv_response(EXPORT_COLUMNS, export_rows(campaign, request), export_filename(campaign))


def take_down_view(request, page_id):
    """GET: the confirm screen; POST: take the page down with the reason given, or show
    the form again with what is missing."""
    page = get_object_or_404(FundraiserPage.objects.select_related("supporter"), pk=page_id)
    if not page.permissions_for_user(request.user).can_take_down():
        return forbidden(request, "You need permission to publish this page to take it down.")
    form = TakeDownForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and page.live and form.is_valid():
        try:
            take_down(page, request.user, form.cleaned_data["reason"])
        except TakeDownRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(
                request,
                f"{page.title} is no longer live; {page.supporter.first_name or 'its owner'} "
                "has been emailed the reason.",
            )
        return redirect(reverse("wagtailadmin_explore", args=[page.get_parent().pk]))
    return TemplateResponse(
        request,
        "campaigns/admin/take_down.html",
        {"page": page, "owner_name": page.supporter.first_name or "the owner", "form": form},
    )


def put_back_view(request, page_id):
    """GET: the confirm screen, saying what putting the page back does; POST: put it back."""
    page = get_object_or_404(FundraiserPage.objects.select_related("supporter"), pk=page_id)
    back = redirect(reverse("wagtailadmin_explore", args=[page.get_parent().pk]))
    if not page.taken_down_at:
        messages.info(request, f"{page.title} is not taken down.")
        return back
    if not page.permissions_for_user(request.user).can_put_back():
        return forbidden(request, "You need permission to publish this page to put it back up.")
    if request.method == "POST":
        try:
            put_back(page, request.user)
        except TakeDownRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(
                request,
                f"{page.title} is live again; {page.supporter.first_name or 'its owner'} "
                "has been emailed that it is.",
            )
        return back
    latest = page.get_latest_revision()
    return TemplateResponse(
        request,
        "campaigns/admin/put_back.html",
        {
            "page": page,
            "owner_name": page.supporter.first_name or "the owner",
            "reason": take_down_reason(page),
            "latest": latest,
            "edited_since": latest is not None
            and page.taken_down_at is not None
            and latest.created_at > page.taken_down_at,
        },
    )
