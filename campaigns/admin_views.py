"""Staff views for one fundraising campaign in the Wagtail admin: the report and the CSV export.

Wagtail's admin URLs already require an admin login; each view also requires
permission to edit the campaign page, since the report and the export hold
fundraisers' names and emails (`campaign_editors_only`, by `northstar.admin_access`).
"""

from django.template.response import TemplateResponse
from django.utils import timezone

from northstar.admin_access import page_editors_only
from northstar.charts import bar_chart, money_chart
from northstar.days import organisation_zone
from northstar.exports import csv_response

from .models import FundraisingCampaignPage
from .reports import (
    EXPORT_COLUMNS,
    export_filename,
    export_rows,
    invitation_share,
    page_counts,
    pages_per_day,
    pages_without_gifts,
    raised_per_day,
    report_window,
    top_pages,
    top_teams,
)

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
            "counts": page_counts(campaign),
            "raised_chart": money_chart(raised_per_day(campaign, first, last), campaign.currency),
            "pages_chart": bar_chart(pages_per_day(campaign, first, last)),
            "top_pages": top_pages(campaign),
            "top_teams": top_teams(campaign),
            "quiet_pages": pages_without_gifts(campaign),
            "invitations": invitation_share(campaign),
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
