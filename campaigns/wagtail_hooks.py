"""The campaigns app in the Wagtail admin."""

from wagtail import hooks  # noqa: F401

# --- campaign report ---
# isort: split
from django.urls import include, path
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.models import Page

from campaigns import admin_views as report_views
from campaigns.models import FundraisingCampaignPage


class CampaignReportButton(PageMenuItem):
    """ "Campaign report" on a campaign: for staff who may edit it (it lists owners' emails)."""

    label = "Campaign report"
    icon_name = "table"
    url_name = "campaign_report:report"

    def is_shown(self, user):
        return issubclass(self.page.specific_class or Page, FundraisingCampaignPage) and (
            self.page.permissions_for_user(user).can_edit()
        )


@hooks.register("register_admin_urls")
def register_campaign_report_urls():
    urls = [
        path("<int:page_id>/report/", report_views.report, name="report"),
        path("<int:page_id>/fundraiser-pages.csv", report_views.export, name="export"),
    ]
    return [path("campaign-report/", include((urls, "campaign_report")))]


@hooks.register("register_page_header_buttons")
def campaign_report_header_button(page, user, view_name, next_url=None):
    yield CampaignReportButton(page=page, priority=62)


@hooks.register("register_page_listing_more_buttons")
def campaign_report_listing_button(page, user, next_url=None):
    yield CampaignReportButton(page=page, priority=45)


# --- taking down a fundraiser page ---
# isort: split
from campaigns import takedown  # noqa: E402
from northstar.log_actions import register_staff_action  # noqa: E402


@hooks.register("register_admin_urls")
def register_take_down_urls():
    return takedown.admin_urls()


@hooks.register("register_page_header_buttons")
def take_down_header_buttons(page, user, view_name, next_url=None):
    yield takedown.TakeDownButton(page=page, priority=70)
    yield takedown.PutBackButton(page=page, priority=70)


@hooks.register("register_page_listing_more_buttons")
def take_down_listing_buttons(page, user, next_url=None):
    yield takedown.TakeDownButton(page=page, priority=48)
    yield takedown.PutBackButton(page=page, priority=48)


register_staff_action(takedown.TAKEN_DOWN, "Taken down by staff", takedown.taken_down_words)
register_staff_action(takedown.PUT_BACK, "Put back up by staff", takedown.put_back_words)


# --- deleting a team that has members ---
# isort: split
from campaigns.models import FundraiserPage, TeamPage  # noqa: E402
from northstar.protection import RECORDS_HOOK, KeptRecords, counted  # noqa: E402


@hooks.register(RECORDS_HOOK)
def team_member_records(obj):
    """The fundraiser pages that are members of a team at or under a page: deleting the team
    would take them out of it without a word to their owners, and lose the team's total."""
    if not isinstance(obj, Page):
        return None
    teams = TeamPage.objects.filter(path__startswith=obj.path)
    members = FundraiserPage.objects.filter(team__in=teams).count()
    if not members:
        return None
    return KeptRecords(
        (counted(members, "member's fundraiser page", "members' fundraiser pages"),),
        "Unpublish the team instead: it leaves the public site, and its members' pages and "
        "totals stay as they are.",
    )


# --- who hears of a supporter's page's moderation (northstar.moderation) ---
# isort: split
from campaigns.moderation import page_moderation  # noqa: E402
from northstar.moderation import MODERATION_HOOK  # noqa: E402

hooks.register(MODERATION_HOOK, page_moderation)
