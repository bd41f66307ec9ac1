from django.core.management.base import BaseCommand

from petitions.jurisdictions import jurisdiction_name
from petitions.models import PetitionPage, recount_signatures


class Command(BaseCommand):
    help = "Rebuild every petition's signature counts from the signatures, reporting any drift."

    def add_arguments(self, parser):
        parser.add_argument("--petition", type=int, help="Only this petition (page id).")

    def handle(self, *args, petition=None, **options):
        petitions = PetitionPage.objects.all()
        if petition:
            petitions = petitions.filter(pk=petition)
        drifted = 0
        for page in petitions:
            drift = recount_signatures(page.pk)
            if not drift:
                continue
            drifted += 1
            for state, (was, now) in sorted(drift.items()):
                self.stdout.write(
                    f"{page.title} ({page.pk}), {jurisdiction_name(state)}: counted {was}, "
                    f"signatures {now}: corrected"
                )
        if drifted:
            self.stdout.write(self.style.WARNING(f"Corrected drift on {drifted} petition(s)."))
        else:
            self.stdout.write(self.style.SUCCESS("All counts match their signatures."))
