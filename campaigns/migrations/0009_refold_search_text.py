from django.db import migrations


def refold(apps, schema_editor):
    """The search folding changed (transliteration, apostrophes and punctuation dropped):
    every fundraiser page's `search_text` is folded again, by the current folding (the same
    as `manage.py refold_search_text`, which can run it again whenever the folding changes)."""
    from campaigns.models import refold_search_text

    refold_search_text(apps.get_model("campaigns", "FundraiserPage").objects.all())


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0008_fundraiser_taken_down"),
    ]

    operations = [
        migrations.RunPython(refold, migrations.RunPython.noop),
    ]
