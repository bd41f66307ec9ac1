"""`northstar.rows.insert_if_new`: a new signature in one statement, as `save()` would write it."""

import pytest
from django.db import connection
from django.db.models.signals import post_save
from django.test.utils import CaptureQueriesContext

from northstar.models import RateLimitWindow
from northstar.ratelimit import Attempt
from northstar.rows import insert_if_new
from petitions.models import Signature
from tests.petitions.factories import PetitionPageFactory, SignatureFactory, TargetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def texas_ag(db):
    return TargetFactory(jurisdiction="TX", name="Ken Paxton")


@pytest.fixture
def petition(home_page):
    return PetitionPageFactory()


# Every column but the automatic primary key, as the database holds it.
STORED = [field.attname for field in Signature._meta.concrete_fields if not field.primary_key]


def test_a_signature_is_written_as_save_writes_it(petition, texas_ag):
    signer = {
        "petition": petition,
        "target": texas_ag,
        "first_name": "Zoë",
        "comment": "Line one\nline two",
        "show_publicly": True,
        "opt_in_updates": True,
    }
    inserted = SignatureFactory.build(email="zoe@example.org", **signer)
    saved = SignatureFactory.build(
        email="zoe.saved@example.org", created_at=inserted.created_at, **signer
    )
    assert insert_if_new(inserted, "one_signature_per_email") == (True, None)
    saved.save()

    assert inserted.pk is not None and not inserted._state.adding
    from_insert = Signature.objects.values(*STORED).get(pk=inserted.pk)
    from_save = Signature.objects.values(*STORED).get(pk=saved.pk)
    assert from_insert.pop("uuid") != from_save.pop("uuid")  # each its own default
    assert from_insert.pop("email") == "zoe@example.org"
    from_save.pop("email")
    assert from_insert == from_save
    assert from_insert["status"] == Signature.Status.PENDING
    assert from_insert["first_name"] == "Zoë"


def insert(signature, **counting):
    return insert_if_new(signature, "one_signature_per_email", **counting)


def test_it_is_one_statement(petition):
    signature = SignatureFactory.build(petition=petition)
    with CaptureQueriesContext(connection) as queries:
        insert(signature)
    assert len(queries) == 1
    assert queries[0]["sql"].startswith('INSERT INTO "petitions_signature"')


def test_with_its_rate_limit_count_it_is_still_one_statement(petition):
    signature = SignatureFactory.build(petition=petition)
    with CaptureQueriesContext(connection) as queries:
        assert insert(signature, attempt=Attempt("sign", "203.0.113.9", 60), limit=5) == (True, 1)
    assert len(queries) == 1
    assert Signature.objects.filter(pk=signature.pk).exists()


def test_a_second_signature_from_an_address_writes_nothing_and_raises_nothing(petition):
    first = SignatureFactory.build(petition=petition, email="sam@example.org")
    again = SignatureFactory.build(petition=petition, email="sam@example.org", first_name="Other")
    assert insert(first) == (True, None)
    assert insert(again) == (False, None)
    assert again.pk is None
    assert list(Signature.objects.values_list("first_name", flat=True)) == ["Maria"]


def test_past_the_limit_nothing_is_written_and_the_attempt_is_counted(petition):
    attempt = Attempt("sign", "203.0.113.9", 60)
    results = [
        insert(SignatureFactory.build(petition=petition), attempt=attempt, limit=2)
        for _ in range(3)
    ]
    assert results == [(True, 1), (True, 2), (False, 3)]
    assert Signature.objects.count() == 2
    assert RateLimitWindow.objects.get().count == 3


def test_a_repeated_address_is_counted_as_a_new_one(petition):
    attempt = Attempt("sign", "203.0.113.9", 60)
    SignatureFactory(petition=petition, email="sam@example.org")
    repeat = SignatureFactory.build(petition=petition, email="sam@example.org")
    new = SignatureFactory.build(petition=petition, email="kim@example.org")
    assert insert(repeat, attempt=attempt, limit=2) == (False, 1)
    assert insert(new, attempt=attempt, limit=2) == (True, 2)


def test_nothing_listens_for_a_saved_signature():
    """`insert` sends no `post_save`: a receiver for saved signatures would miss every signing.

    (`pre_save` has one receiver for every model, Wagtail's, which sets the locale of
    translatable models only; a signature has none.)
    """
    assert not post_save.has_listeners(Signature)
