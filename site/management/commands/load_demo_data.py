from django.core.management.base import BaseCommand, CommandError

from campaigns.demo import DEMO_SUPPORTER_EMAIL, DEMO_SUPPORTER_PASSWORD
from northstar.demo import DEMO_STAFF_EMAIL, DEMO_STAFF_PASSWORD, RealSiteError, load_demo_data


class Command(BaseCommand):
    help = "Load the demo nonprofit, its home page and a staff login. Safe to run again."

    def handle(self, *args, **options):
        try:
            load_demo_data()
        except RealSiteError as error:
            raise CommandError(
                f"Nothing loaded: the site is set up for a real organisation ({error}). The demo "
                f"data adds a staff "
                f"login whose password is published ({DEMO_STAFF_EMAIL}) and thousands of "
                "made-up signatures; never load it on a real site."
            ) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready. Staff login: {DEMO_STAFF_EMAIL} / {DEMO_STAFF_PASSWORD}; "
                f"supporter login: {DEMO_SUPPORTER_EMAIL} / {DEMO_SUPPORTER_PASSWORD}"
            )
        )
