"""The "show my name publicly" box, now `Donation.name_shown` (see the previous migration)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("donations", "0007_donation_name_shown")]

    operations = [migrations.RemoveField(model_name="donation", name="show_name_publicly")]
