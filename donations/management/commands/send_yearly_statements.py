"""Send the yearly statements of a given year by hand (beat sends the previous year's in
January): each donor of that year who has no statement yet gets one."""

from django.core.management.base import BaseCommand

from donations.statements import previous_year, send_yearly_statements


class Command(BaseCommand):
    help = (
        "Email each donor of --year (the organisation's previous year by default) one "
        "statement of that year's gifts, unless they have one already: a rerun sends nothing "
        "twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="The year (default: last year).")

    def handle(self, *args, year=None, **options):
        year = year or previous_year()
        sent = send_yearly_statements(year)
        self.stdout.write(f"{sent} statement(s) for {year} sent.")
