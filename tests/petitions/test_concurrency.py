"""Counts stay exact when many supporters sign and confirm at the same moment (PostgreSQL)."""

import pytest

from petitions.models import Signature, SignatureCount
from petitions.services import confirm_signature, record_signature
from tests.petitions.factories import PetitionPageFactory, signer
from tests.support.threads import run_at_once

SIGNERS = 50
STATES = ["TX", "CA", "NY", "FL", "AK"]


@pytest.mark.django_db(transaction=True)
def test_fifty_supporters_signing_and_confirming_at_once_are_all_counted(home_page):
    petition = PetitionPageFactory()

    def sign_and_confirm(i):
        result = record_signature(
            petition, signer(email=f"signer{i}@example.org", state=STATES[i % len(STATES)])
        )
        confirm_signature(result.signature)

    run_at_once(sign_and_confirm, SIGNERS)

    confirmed = Signature.objects.filter(petition=petition, status=Signature.Status.CONFIRMED)
    assert confirmed.count() == SIGNERS
    assert petition.signature_count() == SIGNERS
    by_state = SignatureCount.objects.totals(by=["state"], petition=petition.pk)
    assert {state: total.count for state, total in by_state.items()} == {
        state: SIGNERS // len(STATES) for state in STATES
    }


@pytest.mark.django_db(transaction=True)
def test_the_same_email_signing_in_many_requests_at_once_is_one_signature(home_page):
    petition = PetitionPageFactory(require_confirmation=False)

    run_at_once(lambda i: record_signature(petition, signer(email="twin@example.org")), 10)

    assert Signature.objects.filter(petition=petition).count() == 1
    assert petition.signature_count() == 1
