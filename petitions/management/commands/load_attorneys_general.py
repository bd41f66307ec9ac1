from django.core.management.base import BaseCommand, CommandError

from petitions.attorneys_general import DATA_FILE, load_attorneys_general


class Command(BaseCommand):
    help = (
        "Create and update the Attorneys General targets from the data set, "
        "keeping edits staff made since the last load."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--file", default=DATA_FILE, help=f"The CSV to load (default: {DATA_FILE})."
        )

    def handle(self, *args, file=DATA_FILE, **options):
        try:
            report = load_attorneys_general(file)
        except (OSError, ValueError) as error:
            raise CommandError(f"Nothing loaded: {error}") from error
        self.stdout.write(self.style.SUCCESS(report.summary()))
        for jurisdiction, field in report.staff_edits_kept:
            self.stdout.write(
                f"{jurisdiction} {field}: kept the staff's edit (the data set differs)."
            )
