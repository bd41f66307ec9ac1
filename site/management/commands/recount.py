from django.core.management.base import BaseCommand, CommandError

from northstar.counters import registered_counters


class Command(BaseCommand):
    help = (
        "Rebuild every sharded counter (signature counts, donation totals at every level) "
        "from the rows it counts, reporting and correcting any drift."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--counter",
            action="append",
            metavar="APP.MODEL",
            help="Only this counter (e.g. petitions.SignatureCount); may be repeated.",
        )

    def handle(self, *args, counter=None, **options):
        counters = registered_counters()
        if counter:
            wanted = {label.lower() for label in counter}
            counters = [model for model in counters if model._meta.label_lower in wanted]
            missing = wanted - {model._meta.label_lower for model in counters}
            if missing:
                known = ", ".join(model._meta.label for model in registered_counters())
                raise CommandError(f"No counter {', '.join(sorted(missing))}; counters: {known}")
        drifted_counters = 0
        for model in counters:
            drift = model.objects.rebuild()
            label = model._meta.label
            for key, (was, now) in sorted(drift.items(), key=lambda item: repr(item[0])):
                where, what = model.describe_key(key), model.describe_drift(was, now)
                self.stdout.write(f"{label}: {where}: {what}: corrected")
            if drift:
                drifted_counters += 1
                self.stdout.write(
                    self.style.WARNING(f"{label}: corrected drift on {len(drift)} key(s).")
                )
            else:
                self.stdout.write(self.style.SUCCESS(f"{label}: every total matches its rows."))
        if drifted_counters:
            summary = f"Drift corrected in {drifted_counters} counter(s)."
            self.stdout.write(self.style.WARNING(summary))
        else:
            self.stdout.write(self.style.SUCCESS("All counters match the rows they count."))
