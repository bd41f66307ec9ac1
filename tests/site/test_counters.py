"""The sharded counter every count and total uses (`northstar.counters`).

Exercised through its two concrete counters: `SignatureCount` (keyed by
petition and state) and `DonationTotal` (keyed by page, two amounts).
"""

import pytest
from django.db import connections
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper

from donations.models import DonationTotal
from northstar.counters import registered_counters
from petitions.models import Signature, SignatureCount
from petitions.services import confirm_signature
from tests.petitions.factories import PetitionPageFactory, SignatureFactory
from tests.support.services import require_postgresql
from tests.support.threads import run_at_once


@pytest.fixture
def petition(home_page):
    return PetitionPageFactory()


@pytest.mark.django_db
def test_adding_to_a_counter_is_one_statement(petition, django_assert_num_queries):
    with django_assert_num_queries(1):
        SignatureCount.objects.add(petition.pk, "NY", count=1)
    assert petition.signature_count() == 1


@pytest.mark.django_db
def test_adding_at_several_levels_is_one_statement(home_page, django_assert_num_queries):
    with django_assert_num_queries(1):
        DonationTotal.objects.add_many([(home_page.pk,)], amount_cents=500, donation_count=1)
    assert DonationTotal.objects.total(page=home_page.pk) == (500, 1)


@pytest.mark.django_db
def test_a_total_sums_every_shard_of_its_key(petition):
    for shard in range(SignatureCount.SHARDS):
        SignatureCount.objects.create(petition=petition, state="TX", shard=shard, count=shard + 1)
    assert SignatureCount.objects.total(petition=petition.pk, state="TX").count == 36


@pytest.mark.django_db
def test_negative_amounts_subtract(home_page):
    DonationTotal.objects.add(home_page.pk, amount_cents=5000, donation_count=1)
    DonationTotal.objects.add(home_page.pk, amount_cents=2000, donation_count=1)
    DonationTotal.objects.add(home_page.pk, amount_cents=-5000, donation_count=-1)
    assert DonationTotal.objects.total(page=home_page.pk) == (2000, 1)


@pytest.mark.django_db
def test_totals_group_the_keys_in_one_query(petition, django_assert_num_queries):
    SignatureCount.objects.add(petition.pk, "TX", count=2)
    SignatureCount.objects.add(petition.pk, "NY", count=1)
    with django_assert_num_queries(1):
        by_state = SignatureCount.objects.totals(by=["state"], petition=petition.pk)
    assert by_state == {"TX": SignatureCount.Totals(2), "NY": SignatureCount.Totals(1)}


@pytest.mark.django_db
def test_a_key_never_counted_totals_zero(petition):
    assert SignatureCount.objects.total(petition=petition.pk) == SignatureCount.ZERO


@pytest.mark.django_db
def test_adding_without_an_amount_or_to_an_unknown_amount_is_refused(petition):
    with pytest.raises(TypeError, match="Name amounts"):
        SignatureCount.objects.add(petition.pk, "TX")
    with pytest.raises(TypeError, match="no amount field"):
        SignatureCount.objects.add(petition.pk, "TX", signatures=1)
    with pytest.raises(TypeError, match="keys are"):
        SignatureCount.objects.add(petition.pk, count=1)
    assert not SignatureCount.objects.exists()


@pytest.mark.django_db
def test_rebuild_repairs_drift_and_reports_what_it_was(petition):
    SignatureFactory(petition=petition, state="TX", confirmed=True)
    SignatureFactory(petition=petition, state="TX", confirmed=True)
    SignatureFactory(petition=petition, state="NY", confirmed=True)
    SignatureCount.objects.filter(state="TX").delete()
    SignatureCount.objects.add(petition.pk, "TX", count=7)
    SignatureCount.objects.add(petition.pk, "CA", count=3)

    drift = SignatureCount.objects.rebuild(petition=petition.pk)

    zero, one, two = (SignatureCount.Totals(n) for n in (0, 1, 2))
    assert drift == {
        (petition.pk, "TX"): (SignatureCount.Totals(7), two),
        (petition.pk, "CA"): (SignatureCount.Totals(3), zero),
    }
    assert SignatureCount.objects.totals(by=["state"], petition=petition.pk) == {
        "TX": two,
        "NY": one,
    }


@pytest.mark.django_db
def test_rebuild_of_a_counter_that_matches_reports_nothing_and_keeps_its_totals(petition):
    SignatureFactory(petition=petition, state="TX", confirmed=True)
    SignatureFactory(petition=petition, state="NY", confirmed=True)

    assert SignatureCount.objects.rebuild() == {}
    assert petition.signature_count() == 2


@pytest.mark.django_db
def test_rebuild_leaves_no_empty_shard_rows_behind(petition):
    SignatureFactory(petition=petition, state="TX", confirmed=True)

    SignatureCount.objects.rebuild(petition=petition.pk)

    assert list(SignatureCount.objects.values_list("state", "count")) == [("TX", 1)]


@pytest.mark.django_db
def test_rebuild_of_one_petition_leaves_the_others_alone(home_page, petition):
    other = PetitionPageFactory(slug="other-petition")
    SignatureCount.objects.add(other.pk, "TX", count=5)

    assert SignatureCount.objects.rebuild(petition=petition.pk) == {}
    assert other.signature_count() == 5


@pytest.mark.django_db
def test_every_counter_is_registered_with_a_unique_key_per_shard():
    counters = registered_counters()
    assert {model._meta.label for model in counters} >= {
        "petitions.SignatureCount",
        "donations.DonationTotal",
    }
    for model in counters:
        unique = [tuple(c.fields) for c in model._meta.constraints if hasattr(c, "fields")]
        keys = tuple(model._meta.get_field(name).name for name in model.key_fields)
        assert (*keys, "shard") in unique, model


@pytest.mark.django_db(transaction=True)
def test_a_hundred_adds_at_once_are_all_counted(petition):
    require_postgresql()

    run_at_once(lambda i: SignatureCount.objects.add(petition.pk, "TX", count=1), 100)

    assert petition.signature_count() == 100
    assert SignatureCount.objects.count() <= SignatureCount.SHARDS


@pytest.mark.django_db(transaction=True)
def test_a_rebuild_while_supporters_confirm_loses_and_doubles_nothing(petition):
    require_postgresql()
    pending = SignatureFactory.create_batch(40, petition=petition, state="TX")
    SignatureCount.objects.add(petition.pk, "TX", count=5)  # drift for the rebuilds to find

    def confirm_or_rebuild(i):
        if i % 5 == 0:
            SignatureCount.objects.rebuild(petition=petition.pk)
        else:
            confirm_signature(pending[i])

    run_at_once(confirm_or_rebuild, 40)

    counted = Signature.objects.filter(petition=petition, status__in=Signature.COUNTED_STATES)
    assert petition.signature_count() == counted.count() == 32


@pytest.fixture
def sqlite_counters(db):
    """The counter tables in an in-memory SQLite database, as the embedded default uses."""
    wrapper = SQLiteWrapper(
        {
            **connections["default"].settings_dict,
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": ":memory:",
            "TEST": {},
        },
        alias="counters_sqlite",
    )
    connections["counters_sqlite"] = wrapper
    try:
        with wrapper.schema_editor() as editor:
            editor.create_model(SignatureCount)
            editor.create_model(DonationTotal)
        wrapper.disable_constraint_checking()  # the pages they point to live in the main database
        yield "counters_sqlite"
    finally:
        wrapper.close()
        del connections["counters_sqlite"]


def test_the_upsert_adds_and_subtracts_on_sqlite_too(sqlite_counters):
    counts = SignatureCount.objects.using(sqlite_counters)
    for _ in range(20):
        counts.add(1, "TX", count=2)
    counts.add(1, "TX", count=-4)
    counts.add(1, "NY", count=1)

    assert counts.total(petition=1, state="TX").count == 36
    assert counts.totals(by=["state"], petition=1) == {
        "TX": SignatureCount.Totals(36),
        "NY": SignatureCount.Totals(1),
    }
    assert counts.count() <= 1 + SignatureCount.SHARDS


def test_adding_at_several_levels_is_one_upsert_on_sqlite_too(sqlite_counters):
    totals = DonationTotal.objects.using(sqlite_counters)
    totals.add_many([(10,), (3,)], amount_cents=5000, donation_count=1)
    totals.add_many([(11,), (3,)], amount_cents=2500, donation_count=1)

    assert totals.totals() == {
        10: DonationTotal.Totals(5000, 1),
        11: DonationTotal.Totals(2500, 1),
        3: DonationTotal.Totals(7500, 2),
    }
