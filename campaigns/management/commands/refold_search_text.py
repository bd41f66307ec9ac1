from django.core.management.base import BaseCommand

from campaigns.models import FundraiserPage, refold_search_text


class Command(BaseCommand):
    help = (
        "Fold every fundraiser page's search text again from its title and its owner's names "
        "(after the search folding changed), reporting how many changed."
    )

    def handle(self, *args, **options):
        changed = refold_search_text()
        total = FundraiserPage.objects.count()
        if changed:
            self.stdout.write(
                self.style.WARNING(f"Refolded the search text of {changed} of {total} page(s).")
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"All {total} page(s) were folded already."))
