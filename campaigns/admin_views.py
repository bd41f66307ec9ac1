"""Staff views for one fundraising campaign in the Wagtail admin: the report and the CSV export.

Wagtail's admin URLs already require an admin login; each view also requires
permission to edit the campaign page, since the report and the export hold
fundraisers' names and emails.
"""

import csv

from django.conf import settings
from django.http import HttpResponseForbidden, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header

from petitions.admin_views import Echo

from .models import FundraisingCampaignPage
from .reports import (
    REPORT_DAYS,
    bar_chart,
    export_filename,
    export_rows,
    invitation_share,
    money_chart,
    page_counts,
    pages_per_day,
    pages_without_gifts,
    raised_per_day,
    report_window,
    top_pages,
    top_teams,
)


def editable_campaign(request, page_id):
    """The campaign, or None if the user may not edit it (and so may not see its fundraisers)."""
    campaign = get_object_or_404(FundraisingCampaignPage, pk=page_id)
    if not campaign.permissions_for_user(request.user).can_edit():
        return None
    return campaign


def forbidden():
    return HttpResponseForbidden(
        "You need permission to edit this campaign to see its report and its fundraisers."
    )


def report(request, page_id):
    campaign = editable_campaign(request, page_id)
    if campaign is None:
        return forbidden()
    first, last = report_window(campaign)
    response = TemplateResponse(
        request,
        "campaigns/admin/report.html",
        {
            "campaign": campaign,
            "page": campaign,
            "currency": campaign.currency,
            "progress": campaign.progress(),
            "counts": page_counts(campaign),
            "raised_chart": money_chart(raised_per_day(campaign, first, last)),
            "pages_chart": bar_chart(pages_per_day(campaign, first, last)),
            "top_pages": top_pages(campaign),
            "top_teams": top_teams(campaign),
            "quiet_pages": pages_without_gifts(campaign),
            "invitations": invitation_share(campaign),
            "report_days": REPORT_DAYS,
        },
    )
    # Times shown (a page's opening day) read in the organisation's zone, as the figures
    # are counted, not in the zone a staff member chose for the admin.
    with timezone.override(settings.TIME_ZONE):
        return response.render()


def export(request, page_id):
    """Stream the campaign's fundraiser pages as CSV (`reports.export_rows`)."""
    campaign = editable_campaign(request, page_id)
    if campaign is None:
        return forbidden()
    writer = csv.writer(Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in export_rows(campaign, request)),
        content_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": content_disposition_header(
                as_attachment=True, filename=export_filename(campaign)
            )
        },
    )
    patch_cache_control(response, private=True, no_store=True)
    return response
