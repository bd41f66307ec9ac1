from django.core.management.base import BaseCommand

from campaigns.demo import DEMO_SUPPORTER_EMAIL, DEMO_SUPPORTER_PASSWORD
from northstar.demo import DEMO_STAFF_EMAIL, DEMO_STAFF_PASSWORD, load_demo_data


class Command(BaseCommand):
    help = "Load the demo nonprofit, its home page and a staff login. Safe to run again."

    def handle(self, *args, **options):
        load_demo_data()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready. Staff login: {DEMO_STAFF_EMAIL} / {DEMO_STAFF_PASSWORD}; "
                f"supporter login: {DEMO_SUPPORTER_EMAIL} / {DEMO_SUPPORTER_PASSWORD}"
            )
        )
