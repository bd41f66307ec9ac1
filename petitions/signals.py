"""Reactions to staff publishing a petition or editing a target."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished

from .models import PetitionPage, Target, recent_petitions, recent_targets
from .updates import announce_victory


def on_petition_published(sender, instance, **kwargs):
    if instance.status == PetitionPage.Status.VICTORY:
        transaction.on_commit(lambda: announce_victory(instance))


page_published.connect(on_petition_published, sender=PetitionPage)


def forget_recent_petitions(sender, **kwargs):
    recent_petitions.clear()


def forget_recent_targets(sender, **kwargs):
    recent_targets.clear()


for signal in (page_published, page_unpublished, post_save, post_delete):
    signal.connect(forget_recent_petitions, sender=PetitionPage)
for signal in (post_save, post_delete):
    signal.connect(forget_recent_targets, sender=Target)
