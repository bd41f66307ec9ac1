"""`northstar.rows.insert`: a new signature written in one statement, as `save()` would write it."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models.signals import post_save
from django.test.utils import CaptureQueriesContext

from northstar.rows import insert
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
    insert(inserted)
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


def test_it_is_one_statement(petition):
    signature = SignatureFactory.build(petition=petition)
    with CaptureQueriesContext(connection) as queries:
        insert(signature)
    assert len(queries) == 1
    assert queries[0]["sql"].startswith('INSERT INTO "petitions_signature"')


def test_a_second_signature_from_an_address_is_refused_and_writes_nothing(petition):
    insert(SignatureFactory.build(petition=petition, email="sam@example.org"))
    with pytest.raises(IntegrityError), transaction.atomic():
        insert(SignatureFactory.build(petition=petition, email="sam@example.org"))
    assert Signature.objects.filter(petition=petition).count() == 1


def test_nothing_listens_for_a_saved_signature():
    """`insert` sends no `post_save`: a receiver for saved signatures would miss every signing.

    (`pre_save` has one receiver for every model, Wagtail's, which sets the locale of
    translatable models only; a signature has none.)
    """
    assert not post_save.has_listeners(Signature)
