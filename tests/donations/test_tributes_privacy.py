"""The person a donor asks us to tell is used for the card and nothing else: no export, list,
receipt or public page carries them; staff see the dedication (donations/tributes.py)."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from donations.models import Donation
from donations.receipts import receipt_details
from tests.donations.test_tributes_card import pay, tribute_gift

pytestmark = pytest.mark.django_db

PROJECT = Path(settings.BASE_DIR)
# Where the person to tell may be named: the module that sends the card and erases them, the
# model and its migrations, the card's templates, the donate form's fields, and the gift's own
# staff screen (the Donations viewset and its templates); and the demo data, which gives one
# gift in memory of someone through the donate form's path.
ALLOWED = (
    "campaigns/demo.py",
    "donations/tributes.py",
    "donations/models.py",
    "donations/migrations/",
    "donations/gift_admin.py",
    "donations/wagtail_hooks.py",
    "templates/donations/admin/",
    "templates/donations/includes/tribute_fields.html",
    "templates/email/donations/tribute_card",
)
NOTIFY_FIELD = re.compile(r"tribute_notify_(email|name|message)")


def test_no_export_list_or_other_screen_reads_the_person_to_tell():
    readers = sorted(
        str(path.relative_to(PROJECT))
        for folder in ("campaigns", "donations", "petitions", "site", "templates")
        for path in (PROJECT / folder).rglob("*")
        if path.suffix in {".py", ".html", ".txt", ".csv"}
        and NOTIFY_FIELD.search(path.read_text(encoding="utf-8", errors="ignore"))
    )
    assert [path for path in readers if not path.startswith(ALLOWED)] == []


def test_the_receipt_carries_the_dedication_and_not_the_person_told(campaign):
    pay(tribute_gift(campaign))

    details = receipt_details(Donation.objects.get())
    assert details["dedication"] == "In memory of Rosa Diaz"
    assert "Carlos" not in repr(details)
    assert "carlos@example.org" not in repr(details)


def test_the_page_given_to_never_shows_the_person_told(client, fundraiser):
    pay(tribute_gift(fundraiser, message="For Rosa"))

    page_html = client.get(fundraiser.url).content.decode()
    assert "For Rosa" in page_html  # the donor's public message is there
    assert "carlos" not in page_html.lower()
    assert "Rosa loved this work." not in page_html
