"""Confirming a signature by the emailed link."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from petitions.models import Signature
from petitions.services import confirmation_token, record_signature
from petitions.tasks import purge_unconfirmed_signatures
from tests.petitions.factories import signer

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(petition, texas_ag):
    return record_signature(petition, signer(), target=texas_ag).signature


def confirm_url(signature):
    return f"/petitions/confirm/{confirmation_token(signature)}/"


def test_the_confirmation_link_counts_the_signature(client, petition, pending):
    response = client.get(confirm_url(pending))
    assert response.status_code == 200
    assert "Your signature counts" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == Signature.Status.CONFIRMED
    assert petition.signature_count() == 1


def test_opening_the_link_twice_counts_once(client, petition, pending):
    client.get(confirm_url(pending))
    client.get(confirm_url(pending))
    assert petition.signature_count() == 1


def test_an_expired_link_counts_nothing_and_says_so(client, petition, pending):
    url = confirm_url(pending)
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        response = client.get(url)
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    assert petition.signature_count() == 0


def test_a_tampered_link_counts_nothing(client, petition, pending):
    response = client.get(confirm_url(pending)[:-3] + "xx/")
    assert response.status_code == 400
    assert petition.signature_count() == 0


def test_unconfirmed_signatures_older_than_seven_days_are_purged(petition, texas_ag):
    with time_machine.travel(timezone.now() - timedelta(days=8)):
        record_signature(petition, signer(email="old@example.org"), target=texas_ag)
    record_signature(petition, signer(email="new@example.org"), target=texas_ag)

    assert purge_unconfirmed_signatures.apply().get() == 1
    assert list(Signature.objects.values_list("email", flat=True)) == ["new@example.org"]


def test_recount_rebuilds_the_counts_from_the_signatures_and_reports_drift(
    client, petition, pending, capsys
):
    client.get(confirm_url(pending))
    from petitions.models import SignatureCount

    SignatureCount.objects.filter(petition=petition).update(count=7)

    call_command("recount_signatures")

    assert "counted 7, signatures 1: corrected" in capsys.readouterr().out
    assert petition.signature_count() == 1
