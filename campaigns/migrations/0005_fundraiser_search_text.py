import unicodedata

from django.db import migrations, models


def fold_for_search(text):
    """As campaigns.models.fold_for_search at the time of writing (kept here, frozen)."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())


def fill_search_text(apps, schema_editor):
    """Existing fundraiser pages get their folded title and owner's names."""
    FundraiserPage = apps.get_model("campaigns", "FundraiserPage")
    pages = FundraiserPage.objects.select_related("supporter").only(
        "pk", "title", "supporter__first_name", "supporter__last_name"
    )
    for page in pages.iterator(chunk_size=500):
        owner = page.supporter
        text = fold_for_search(" ".join([page.title, owner.first_name, owner.last_name]))
        FundraiserPage.objects.filter(pk=page.pk).update(search_text=text)


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0004_invitation"),
    ]

    operations = [
        migrations.AddField(
            model_name="fundraiserpage",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
    ]
