"""The campaigns app in the Wagtail admin: the campaign report, taking a fundraiser page down
and putting it back, deleting a team that has members, and who hears of a supporter's page's
moderation."""

from django.urls import include, path
from wagtail import hooks
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.models import Page

from donations.gift_admin import DESCRIBE_REFERRAL_HOOK
from donations.models import DonationTotal
from northstar.log_actions import register_staff_action
from northstar.models import HOME_PAGE_TILES_HOOK
from northstar.moderation import MODERATION_HOOK
from northstar.protection import RECORDS_HOOK, KeptRecords, counted

from . import admin_views, takedown
from .models import (
    FundraiserPage,
    FundraisingCampaignPage,
    Invitation,
    TeamPage,
    progress_toward,
)
from .moderation import page_moderation

# --- campaign report ---


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
        path("<int:page_id>/report/", admin_views.report, name="report"),
        path("<int:page_id>/fundraiser-pages.csv", admin_views.export, name="export"),
    ]
    return [path("campaign-report/", include((urls, "campaign_report")))]


@hooks.register("register_page_header_buttons")
def campaign_report_header_button(page, user, view_name, next_url=None):
    yield CampaignReportButton(page=page, priority=62)


@hooks.register("register_page_listing_more_buttons")
def campaign_report_listing_button(page, user, next_url=None):
    yield CampaignReportButton(page=page, priority=45)


# --- taking down a fundraiser page (`campaigns.takedown`) ---


class TakeDownButton(PageMenuItem):
    """ "Take down this page" on a live fundraiser page, for staff who may unpublish it."""

    label = "Take down this page"
    icon_name = "warning"
    url_name = "campaign_takedown:take-down"

    def is_shown(self, user):
        return (
            self.page.live
            and issubclass(self.page.specific_class or Page, FundraiserPage)
            and self.page.permissions_for_user(user).can_take_down()
        )


class PutBackButton(PageMenuItem):
    """ "Put this page back up" on a fundraiser page staff took down, for staff who may
    publish it."""

    label = "Put this page back up"
    icon_name = "upload"
    url_name = "campaign_takedown:put-back"

    def is_shown(self, user):
        return (
            issubclass(self.page.specific_class or Page, FundraiserPage)
            and self.page.permissions_for_user(user).can_put_back()
        )


@hooks.register("register_admin_urls")
def register_take_down_urls():
    """The confirm screens: /admin/take-down/<page id>/ and /admin/take-down/<page id>/put-back/
    ("campaign_takedown")."""
    urls = [
        path("<int:page_id>/", admin_views.take_down_view, name="take-down"),
        path("<int:page_id>/put-back/", admin_views.put_back_view, name="put-back"),
    ]
    return [path("take-down/", include((urls, "campaign_takedown")))]


@hooks.register("register_page_header_buttons")
def take_down_header_buttons(page, user, view_name, next_url=None):
    yield TakeDownButton(page=page, priority=70)
    yield PutBackButton(page=page, priority=70)


@hooks.register("register_page_listing_more_buttons")
def take_down_listing_buttons(page, user, next_url=None):
    yield TakeDownButton(page=page, priority=48)
    yield PutBackButton(page=page, priority=48)


register_staff_action(takedown.TAKEN_DOWN, "Taken down by staff", takedown.taken_down_words)
register_staff_action(takedown.PUT_BACK, "Put back up by staff", takedown.put_back_words)


# --- deleting a team that has members ---


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


# --- who hears of a supporter's page's moderation (`northstar.moderation`) ---

hooks.register(MODERATION_HOOK, page_moderation)


@hooks.register(DESCRIBE_REFERRAL_HOOK)
def describe_invitation(referral):
    """What a gift's admin screen says of the invitation whose link it came by, or None."""
    invitation = Invitation.objects.filter(token=referral).select_related("page").first()
    if invitation is None:
        return None
    who = invitation.name or "a friend (name erased)"
    return f"Yes: {invitation.page.title}'s owner invited {who}"


@hooks.register(HOME_PAGE_TILES_HOOK)
def campaign_tiles(home_page):
    """{"campaign_tiles": [(campaign, its `progress_toward`)]} of the live campaigns under
    the home page still taking gifts, the nearest deadline first, in two queries whatever
    their number (`DonationTotal.objects.totals`)."""
    campaigns = list(
        FundraisingCampaignPage.objects.live()
        .accepting_gifts()
        .descendant_of(home_page)
        .order_by("deadline", "pk")
    )
    totals = DonationTotal.objects.totals(page__in=[campaign.pk for campaign in campaigns])
    return {
        "campaign_tiles": [
            (
                campaign,
                progress_toward(
                    totals.get(campaign.pk, DonationTotal.ZERO),
                    campaign.goal_cents,
                    campaign.currency,
                ),
            )
            for campaign in campaigns
        ]
    }
