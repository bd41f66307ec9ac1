"""Store every donor's address as `normalise_email` gives it (trimmed, NFC, lower-case), as
`Donation.save` now does, so that gifts from one address are counted as one donor."""

import unicodedata

from django.db import migrations

BATCH = 1000


def normalise_email(email):
    # A frozen copy of northstar.models.normalise_email: a migration must not change when
    # the code it was written against does.
    email = unicodedata.normalize("NFC", (email or "").strip())
    return unicodedata.normalize("NFC", email.lower())


def normalise_donor_emails(apps, schema_editor):
    Donation = apps.get_model("donations", "Donation")
    changed = []
    for donation in Donation.objects.only("email").iterator(chunk_size=BATCH):
        email = normalise_email(donation.email)
        if email != donation.email:
            donation.email = email
            changed.append(donation)
    Donation.objects.bulk_update(changed, ["email"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [("donations", "0005_donation_paid_newest_index")]

    operations = [migrations.RunPython(normalise_donor_emails, migrations.RunPython.noop)]
