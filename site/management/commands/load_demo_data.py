from django.core.management.base import BaseCommand

from northstar.demo import DEMO_STAFF_EMAIL, DEMO_STAFF_PASSWORD, load_demo_data


class Command(BaseCommand):
    help = "Load the demo nonprofit, its home page and a staff login. Safe to run again."

    def handle(self, *args, **options):
        load_demo_data()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready. Staff login: {DEMO_STAFF_EMAIL} / {DEMO_STAFF_PASSWORD}"
            )
        )
