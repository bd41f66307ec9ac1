"""Reactions to staff publishing or editing a campaign."""

from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished

from . import invitations
from .models import FundraisingCampaignPage, recent_asks


def forget_recent_asks(sender, **kwargs):
    recent_asks.clear()


for signal in (page_published, page_unpublished, post_save, post_delete):
    signal.connect(forget_recent_asks, sender=FundraisingCampaignPage)

invitations.connect_receivers()  # a paid gift through a friend's link marks it "gave"
