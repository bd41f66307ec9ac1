import getpass
import os
import sys
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.http.request import validate_host

from northstar.demo import DEMO_STAFF_EMAIL
from northstar.models import normalise_email
from northstar.site_setup import set_up_site, site_setup_from_input

PASSWORD_VARIABLE = "NORTHSTAR_STAFF_PASSWORD"  # noqa: S105 (the variable's name)
# How each checked field is named to the operator.
OPTION_NAMES = {"staff_password": f"the password ({PASSWORD_VARIABLE}, or typed at a terminal)"}


class Command(BaseCommand):
    help = (
        "Set up a real site on an empty (migrated) database: the home page on your host, "
        "the 56 Attorneys General, the organisation's receipt details and a first staff "
        f"account. The new account's password is read from {PASSWORD_VARIABLE} or asked "
        "for. Safe to run again; bad input changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", required=True, help="The public host, e.g. act.example.org.")
        parser.add_argument(
            "--port",
            type=int,
            default=None,
            help="The port browsers use (default: 443 if SITE_URL is https, else 80).",
        )
        parser.add_argument(
            "--name", default="", help="The organisation's name (default: the legal name)."
        )
        parser.add_argument(
            "--legal-name", required=True, help="The legal name printed on receipts."
        )
        parser.add_argument(
            "--address",
            required=True,
            help='The postal address on receipts; "\\n" or a line break between lines.',
        )
        parser.add_argument("--ein", required=True, help="The EIN, as 12-3456789.")
        parser.add_argument("--contact-email", default="", help="Shown in the footer.")
        parser.add_argument("--staff-email", required=True, help="The first staff account's login.")

    def handle(self, *args, **options):
        try:
            setup = site_setup_from_input(
                host=options["host"],
                port=options["port"],
                name=options["name"],
                legal_name=options["legal_name"],
                address=options["address"].replace("\\n", "\n"),
                ein=options["ein"],
                contact_email=options["contact_email"],
                staff_email=options["staff_email"],
                staff_password=self.staff_password(options["staff_email"]),
            )
        except ValidationError as error:
            lines = [
                f"  {OPTION_NAMES.get(field, '--' + field.replace('_', '-'))}: {' '.join(messages)}"
                for field, messages in error.message_dict.items()
            ]
            raise CommandError("Nothing changed:\n" + "\n".join(lines)) from error
        report = set_up_site(setup)
        site = report.site
        self.stdout.write(
            self.style.SUCCESS(
                f"Site ready on {site.hostname}:{site.port}: home page "
                f"{'created' if report.home_created else 'kept'}, staff account "
                f"{setup.staff_email} {'created' if report.staff_created else 'kept'}. "
                f"{report.targets_summary}"
            )
        )
        for warning in self.warnings(setup):
            self.stderr.write(self.style.WARNING(warning))

    def warnings(self, setup):
        """What in the settings or the database disagrees with a working site on this host."""
        if not validate_host(setup.hostname, settings.ALLOWED_HOSTS):
            yield f"ALLOWED_HOSTS does not allow {setup.hostname}: every request to it gets 400."
        if urlsplit(settings.SITE_URL).hostname != setup.hostname:
            yield f"SITE_URL is {settings.SITE_URL}: links in email point there, not here."
        if get_user_model().objects.filter(email=DEMO_STAFF_EMAIL).exists():
            yield (
                f"The demo data's staff account {DEMO_STAFF_EMAIL} exists, with a published "
                "password: delete it (and the demo's pages) before going live."
            )

    def staff_password(self, email):
        """The new account's password: the environment's, or typed twice at a terminal."""
        if get_user_model().objects.filter(email=normalise_email(email)).exists():
            return ""
        if password := os.environ.get(PASSWORD_VARIABLE, ""):
            return password
        if not sys.stdin.isatty():
            return ""  # refused by the check, which names what is missing
        password = getpass.getpass(f"Password for {email}: ")
        if password != getpass.getpass("The same password again: "):
            raise CommandError("Nothing changed: the two passwords differ.")
        return password
