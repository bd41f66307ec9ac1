"""The one-time links the petitions app emails: confirming a signature, and unsubscribing."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from northstar.emails import render_email
from petitions.models import Signature, SignatureCount
from petitions.services import confirmation_context, confirmation_token, record_signature
from petitions.tasks import purge_unconfirmed_signatures
from petitions.updates import unsubscribe_token
from tests.petitions.factories import signer

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(petition, texas_ag):
    return record_signature(petition, signer(), target=texas_ag).signature


def confirm_url(signature):
    return f"/petitions/confirm/{confirmation_token(signature)}/"


def test_opening_the_confirmation_link_shows_a_button_and_counts_nothing(client, petition, pending):
    response = client.get(confirm_url(pending))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Confirm my signature" in html
    assert petition.title in html
    assert pending.last_name not in html
    assert pending.email not in html
    pending.refresh_from_db()
    assert pending.status == Signature.Status.PENDING
    assert petition.signature_count() == 0


def test_a_head_request_for_the_confirmation_link_counts_nothing(client, petition, pending):
    response = client.head(confirm_url(pending))
    assert response.status_code == 200
    pending.refresh_from_db()
    assert pending.status == Signature.Status.PENDING
    assert petition.signature_count() == 0


def test_pressing_the_confirm_button_counts_the_signature_and_says_thank_you(
    client, petition, pending
):
    url = confirm_url(pending)
    response = client.post(url, follow=True)
    assert response.redirect_chain == [(url, 302)]
    assert "Your signature counts" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == Signature.Status.CONFIRMED
    assert petition.signature_count() == 1


def test_the_confirm_button_needs_the_pages_csrf_token(petition, pending):
    client = Client(enforce_csrf_checks=True)
    assert client.post(confirm_url(pending)).status_code == 403
    html = client.get(confirm_url(pending)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]

    response = client.post(confirm_url(pending), {"csrfmiddlewaretoken": token})

    assert response.status_code == 302
    assert petition.signature_count() == 1


def test_pressing_the_button_twice_counts_once_and_answers_the_same(client, petition, pending):
    url = confirm_url(pending)  # a token names the second it was made in: one link, pressed twice
    first = client.post(url)
    second = client.post(url)
    assert (second.status_code, second["Location"]) == (first.status_code, first["Location"])
    assert petition.signature_count() == 1


def test_other_methods_on_the_confirmation_link_are_refused(client, petition, pending):
    assert client.put(confirm_url(pending)).status_code == 405
    assert client.delete(confirm_url(pending)).status_code == 405
    assert petition.signature_count() == 0


@pytest.mark.parametrize("method", ["get", "head", "post"])
def test_the_confirmation_pages_are_never_stored_by_a_cache(client, pending, method):
    response = getattr(client, method)(confirm_url(pending), follow=True)
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_the_thank_you_for_the_only_supporter_reads_as_english(client, petition, pending):
    html = client.post(confirm_url(pending), follow=True).content.decode()
    assert "You are the first supporter of" in html
    assert "one of 1 supporters" not in html


def test_the_thank_you_counts_the_supporters_with_thousands_separated(client, petition, pending):
    SignatureCount.objects.add(petition.pk, "NY", count=1233)
    html = client.post(confirm_url(pending), follow=True).content.decode()
    assert "You are one of 1,234 supporters of" in html


def test_the_thank_you_isolates_the_signers_name_from_the_text_around_it(client, petition):
    name = "‮Maria"
    signature = record_signature(petition, signer(email="rtl@example.org", first_name=name))
    html = client.post(confirm_url(signature.signature), follow=True).content.decode()
    assert f"Thank you, <bdi>{name}</bdi>." in html


def test_an_expired_link_counts_nothing_and_says_so(client, settings, petition, pending):
    settings.PETITION_CONFIRMATION_MAX_AGE_DAYS = 3
    url = confirm_url(pending)
    with time_machine.travel(timezone.now() + timedelta(days=4)):
        response = client.get(url)
    assert response.status_code == 400
    assert "It may have expired (links last 3 days)" in response.content.decode()
    with time_machine.travel(timezone.now() + timedelta(days=4)):
        assert client.post(url).status_code == 400
    assert petition.signature_count() == 0


def test_a_tampered_link_counts_nothing(client, petition, pending):
    response = client.post(confirm_url(pending)[:-3] + "xx/")
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
    client.post(confirm_url(pending))
    SignatureCount.objects.filter(petition=petition).update(count=7)

    call_command("recount")

    assert "counted 7, signatures 1: corrected" in capsys.readouterr().out
    assert petition.signature_count() == 1


# The unsubscribe link in update emails: the other one-time link the petitions app sends.


@pytest.fixture
def subscriber(petition, texas_ag):
    data = signer(email="updates@example.org", opt_in_updates=True)
    return record_signature(petition, data, target=texas_ag).signature


def unsubscribe_url(signature):
    return f"/petitions/unsubscribe/{unsubscribe_token(signature)}/"


def is_subscribed(signature):
    signature.refresh_from_db()
    return signature.opt_in_updates


@pytest.mark.parametrize("method", ["get", "head"])
def test_opening_the_unsubscribe_link_changes_nothing(client, subscriber, method):
    response = getattr(client, method)(unsubscribe_url(subscriber))
    assert response.status_code == 200
    assert is_subscribed(subscriber)


def test_pressing_unsubscribe_twice_answers_the_same_and_stops_updates(client, subscriber):
    first = client.post(unsubscribe_url(subscriber))
    second = client.post(unsubscribe_url(subscriber))
    assert "You are unsubscribed" in first.content.decode()
    assert (second.status_code, second.content) == (first.status_code, first.content)
    assert not is_subscribed(subscriber)


def test_other_methods_on_the_unsubscribe_link_are_refused(client, subscriber):
    assert client.put(unsubscribe_url(subscriber)).status_code == 405
    assert is_subscribed(subscriber)


@pytest.mark.parametrize("method", ["get", "head", "post"])
def test_the_unsubscribe_pages_are_never_stored_by_a_cache(client, subscriber, method):
    response = getattr(client, method)(unsubscribe_url(subscriber))
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_the_confirmation_email_tells_the_signer_to_press_the_button(pending):
    _, text, html = render_email("petitions/confirm_signature", confirmation_context(pending))
    assert 'open this link and press the "Confirm my signature" button' in text
    assert "press the <strong>Confirm my signature</strong> button" in html
    assert "The link works for 7 days." in text
