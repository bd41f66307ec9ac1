"""Reactions to staff publishing or editing a campaign, and to a page changing team."""

from django.db.models.signals import post_delete, post_save, pre_save
from wagtail.signals import page_published, page_unpublished

from donations.models import DonationTotal

from . import invitations
from .models import FundraiserPage, FundraisingCampaignPage, recent_asks


def forget_recent_asks(sender, **kwargs):
    recent_asks.clear()


for signal in (page_published, page_unpublished, post_save, post_delete):
    signal.connect(forget_recent_asks, sender=FundraisingCampaignPage)

invitations.connect_receivers()  # a paid gift through a friend's link marks it "gave"


def remember_team(sender, instance, update_fields=None, raw=False, **kwargs):
    """pre_save of a fundraiser page: note the team its live row names now, before a save
    that may change it (a draft's revision leaves the row's team as it is)."""
    if (
        raw
        or instance.pk is None
        or (update_fields is not None and not {"team", "team_id"} & set(update_fields))
    ):
        return
    instance._team_before_save = (
        FundraiserPage.objects.filter(pk=instance.pk).values_list("team_id", flat=True).first()
    )


def recount_moved_team(sender, instance, **kwargs):
    """post_save of a fundraiser page: when the save moved it to another team (a page
    published on another team, or on none), rebuild the totals of the team it left and the
    one it joined, in the save's transaction, so each counts its members' gifts (a member's
    gifts count on its team: `FundraiserPage.gift_level_fields`)."""
    if "_team_before_save" not in instance.__dict__:
        return
    was = instance.__dict__.pop("_team_before_save")
    if was != instance.team_id:
        DonationTotal.objects.rebuild(page__in=[team for team in (was, instance.team_id) if team])


pre_save.connect(remember_team, sender=FundraiserPage)
post_save.connect(recount_moved_team, sender=FundraiserPage)
