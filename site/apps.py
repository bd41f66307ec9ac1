from django.apps import AppConfig
from django.db.models.signals import pre_save


class NorthStarConfig(AppConfig):
    name = "northstar"
    label = "northstar"
    verbose_name = "North Star"

    def ready(self):
        from wagtail.images import get_image_model

        from . import checks  # noqa: F401 (registers the deploy checks)
        from .images import scrub_new_file
        from .moderation import route_moderation_notifications

        # Every stored image, whoever uploads it, loses its metadata: northstar/images.py.
        pre_save.connect(scrub_new_file, sender=get_image_model(), dispatch_uid="scrub_image")
        # Wagtail's moderation emails, routed to each page's app: northstar/moderation.py.
        route_moderation_notifications()
