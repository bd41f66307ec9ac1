from django.core.management.base import BaseCommand
from wagtail.models import Page

from donations.models import Donation, DonationTotal, recount_donations
from donations.money import format_money


class Command(BaseCommand):
    help = "Rebuild every page's donation total from the paid gifts, reporting any drift."

    def add_arguments(self, parser):
        parser.add_argument("--page", type=int, help="Only this page (page id).")

    def handle(self, *args, page=None, **options):
        page_ids = set(Donation.objects.values_list("page_id", flat=True)) | set(
            DonationTotal.objects.values_list("page_id", flat=True)
        )
        if page:
            page_ids &= {page}
        titles = dict(Page.objects.filter(pk__in=page_ids).values_list("pk", "title"))
        drifted = 0
        for page_id in sorted(page_ids):
            drift = recount_donations(page_id)
            if drift is None:
                continue
            drifted += 1
            was, now = drift
            self.stdout.write(
                f"{titles.get(page_id, '?')} ({page_id}): counted {format_money(was.amount_cents)} "
                f"from {was.donation_count} gifts, paid gifts {format_money(now.amount_cents)} "
                f"from {now.donation_count}: corrected"
            )
        if drifted:
            self.stdout.write(self.style.WARNING(f"Corrected drift on {drifted} page(s)."))
        else:
            self.stdout.write(self.style.SUCCESS("All totals match their paid gifts."))
