"""A campaign's currency becomes a choice of donations.money.SUPPORTED_CURRENCIES, stored
lower-case as Stripe writes it; the goal's help text speaks of what staff type (not cents).

Existing campaigns, and every saved revision of them (so publishing an old draft cannot
bring a typed "USD" back), are lower-cased; a code the project does not take is set to
"usd" and named on the console, for staff to check.
"""

from django.db import migrations, models

FALLBACK = "usd"
SUPPORTED = {"usd"}  # donations.money.SUPPORTED_CURRENCIES when this migration was written


def stored(code, where):
    """`code` as it is stored from now on; says so when an unknown code becomes usd."""
    code = str(code or "").strip().lower()
    if code in SUPPORTED:
        return code
    print(f"\n  {where}: currency {code.upper() or '(empty)'!r} is not taken; set to USD")
    return FALLBACK


def normalise_currencies(apps, schema_editor):
    Campaign = apps.get_model("campaigns", "FundraisingCampaignPage")
    for pk, title, currency in Campaign.objects.values_list("pk", "title", "currency"):
        code = stored(currency, f"campaign {pk} ({title})")
        if code != currency:
            Campaign.objects.filter(pk=pk).update(currency=code)

    ContentType = apps.get_model("contenttypes", "ContentType")
    Revision = apps.get_model("wagtailcore", "Revision")
    content_type = ContentType.objects.filter(
        app_label="campaigns", model="fundraisingcampaignpage"
    ).first()
    if content_type is None:
        return
    for revision in Revision.objects.filter(content_type=content_type).iterator():
        content = revision.content or {}
        if "currency" not in content:
            continue
        code = stored(
            content["currency"], f"revision {revision.pk} of campaign {revision.object_id}"
        )
        if code != content["currency"]:
            content["currency"] = code
            Revision.objects.filter(pk=revision.pk).update(content=content)


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.RunPython(normalise_currencies, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="fundraisingcampaignpage",
            name="currency",
            field=models.CharField(
                choices=[("usd", "US dollars (USD)")],
                default="usd",
                help_text="What gifts to this campaign are paid in.",
                max_length=3,
            ),
        ),
        migrations.AlterField(
            model_name="fundraisingcampaignpage",
            name="goal_cents",
            field=models.PositiveBigIntegerField(
                help_text="The amount to raise, in the campaign's currency, e.g. 25,000 or 25,000.00.",
                verbose_name="goal",
            ),
        ),
    ]
