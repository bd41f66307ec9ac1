from django.db import migrations, models


def mark_pages_taken_down(apps, schema_editor):
    """Pages that are down after a take-down (logged `campaigns.fundraiser_taken_down`, with
    no publish since) keep being held down."""
    FundraiserPage = apps.get_model("campaigns", "FundraiserPage")
    PageLogEntry = apps.get_model("wagtailcore", "PageLogEntry")
    for page in FundraiserPage.objects.filter(live=False).only("pk"):
        entries = PageLogEntry.objects.filter(page_id=page.pk).order_by("-timestamp", "-pk")
        taken_down = entries.filter(action="campaigns.fundraiser_taken_down").first()
        if taken_down is None:
            continue
        published = entries.filter(action="wagtail.publish").first()
        if published is None or published.timestamp < taken_down.timestamp:
            FundraiserPage.objects.filter(pk=page.pk).update(taken_down_at=taken_down.timestamp)


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0007_invitation_stopped"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="fundraiserpage",
            name="taken_down_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(mark_pages_taken_down, migrations.RunPython.noop),
    ]
