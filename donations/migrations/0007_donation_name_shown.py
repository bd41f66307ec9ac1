"""Replace the donor's "show my name publicly" box with a choice of who sees their name:
everyone, only the page's owner, or no one (`Donation.NameShown`).

A ticked box becomes "public" and an unticked one "anonymous": that is what each donor
agreed to (an unticked box hid the name from the page's owner too). The box itself is
removed by the next migration."""

from django.db import migrations, models

PUBLIC, ANONYMOUS = "public", "anonymous"


def name_shown_from_checkbox(apps, schema_editor):
    """Ticked: "public"; unticked: "anonymous" (the new field's default, set again here so
    that the mapping does not rest on it)."""
    Donation = apps.get_model("donations", "Donation")
    Donation.objects.filter(show_name_publicly=True).update(name_shown=PUBLIC)
    Donation.objects.filter(show_name_publicly=False).update(name_shown=ANONYMOUS)


def checkbox_from_name_shown(apps, schema_editor):
    """Back: only "public" ticks the box; "owner" was not shown publicly, so it is unticked."""
    Donation = apps.get_model("donations", "Donation")
    Donation.objects.filter(name_shown=PUBLIC).update(show_name_publicly=True)
    Donation.objects.exclude(name_shown=PUBLIC).update(show_name_publicly=False)


class Migration(migrations.Migration):
    dependencies = [("donations", "0006_donation_email_normalised")]

    operations = [
        migrations.AddField(
            model_name="donation",
            name="name_shown",
            field=models.CharField(
                choices=[
                    ("public", "Show my name publicly"),
                    ("owner", "Show my name only to the page's owner"),
                    ("anonymous", "Anonymous to everyone"),
                ],
                default="anonymous",
                help_text=(
                    "Who may see the donor's first name and last initial: everyone, only the "
                    "page's owner, or no one (staff always see it)."
                ),
                max_length=10,
            ),
        ),
        migrations.RunPython(name_shown_from_checkbox, checkbox_from_name_shown),
    ]
