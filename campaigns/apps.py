from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = "Fundraising campaigns"

    def ready(self):
        from . import signals  # noqa: F401 (connects the signal handlers)
        from .notifications import connect_owner_notifications

        connect_owner_notifications()
