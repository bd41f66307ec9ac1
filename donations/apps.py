from django.apps import AppConfig


class DonationsConfig(AppConfig):
    name = "donations"
    verbose_name = "Donations"

    def ready(self):
        from .tributes import connect_tribute_cards

        connect_tribute_cards()
