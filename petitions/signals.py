"""Reactions to staff publishing a petition."""

from django.db import transaction
from wagtail.signals import page_published

from .models import PetitionPage
from .updates import announce_victory


def on_petition_published(sender, instance, **kwargs):
    if instance.status == PetitionPage.Status.VICTORY:
        transaction.on_commit(lambda: announce_victory(instance))


page_published.connect(on_petition_published, sender=PetitionPage)
