"""Test mode: bill each active monthly gift's due installment, as Stripe does in production."""

from django.core.management.base import BaseCommand, CommandError

from donations.recurring import StripeBills, bill_due_gifts


class Command(BaseCommand):
    help = (
        "Test mode only: count each active monthly gift's due installment (--now: every "
        "active gift's next installment, now), through the same service as Stripe's "
        "invoice.paid. With Stripe set up it refuses: Stripe bills."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--now", action="store_true", help="Bill every active gift's next installment now."
        )

    def handle(self, *args, now=False, **options):
        try:
            made = bill_due_gifts(now=now)
        except StripeBills as exc:
            raise CommandError(str(exc)) from exc
        for donation in made:
            self.stdout.write(f"{donation.amount_display} from {donation.short_name}")
        self.stdout.write(f"{len(made)} installment(s) billed.")
