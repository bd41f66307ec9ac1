"""`manage.py recount` rebuilds the petitions' signature counts and names what drifted."""

import pytest
from django.core.management import call_command

from petitions.models import SignatureCount
from petitions.services import confirm_signature, record_signature
from tests.petitions.factories import signer

pytestmark = pytest.mark.django_db


def confirmed(petition, email, state="TX"):
    signature = record_signature(petition, signer(email=email, state=state)).signature
    confirm_signature(signature)
    return signature


def test_recount_names_the_petition_and_state_whose_count_drifted(petition, capsys):
    confirmed(petition, "a@example.org")
    SignatureCount.objects.add(petition.pk, "CA", count=3)

    call_command("recount")

    out = capsys.readouterr().out
    assert (
        f"petitions.SignatureCount: State Attorneys General: Stop human traffickers "
        f"({petition.pk}), California: counted 3, signatures 0: corrected"
    ) in out
    assert "petitions.SignatureCount: corrected drift on 1 key(s)." in out
    assert "Drift corrected in 1 counter(s)." in out


def test_recount_puts_back_a_count_whose_rows_were_lost(petition):
    for n in range(3):
        confirmed(petition, f"s{n}@example.org")
    SignatureCount.objects.all().delete()

    call_command("recount", counter=["petitions.SignatureCount"])

    assert petition.signature_count() == 3


def test_recount_of_counts_that_match_says_so_and_changes_nothing(petition, capsys):
    confirmed(petition, "a@example.org")

    call_command("recount")

    out = capsys.readouterr().out
    assert "petitions.SignatureCount: every total matches its rows." in out
    assert "All counters match the rows they count." in out
    assert petition.signature_count() == 1
