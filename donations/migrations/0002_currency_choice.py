"""Gifts' currencies lower-case, as Stripe writes them and campaigns now store them.

A gift to a campaign whose staff typed "USD" was stored as "USD", and fulfilment
(which compares with Stripe's "usd") never marked it paid. Lower-casing lets a
replayed webhook or test checkout for such a gift fulfil it. Codes are only
lower-cased, never replaced: a gift records what was charged.
"""

from django.db import migrations
from django.db.models.functions import Lower


def lower_case_currencies(apps, schema_editor):
    Donation = apps.get_model("donations", "Donation")
    Donation.objects.exclude(currency=Lower("currency")).update(currency=Lower("currency"))


class Migration(migrations.Migration):
    dependencies = [
        ("donations", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(lower_case_currencies, migrations.RunPython.noop),
    ]
