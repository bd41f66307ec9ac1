"""Signing a petition on the public site."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from northstar.models import OutboundEmail
from petitions.models import PetitionPage, Signature, SignatureCount
from petitions.services import queue_due_confirmations
from tests.petitions.factories import PetitionPageFactory, form_data
from tests.support.outbox import text_body

pytestmark = pytest.mark.django_db


def sign(client, petition, **overrides):
    return client.post(petition.url, form_data(**overrides))


def test_signing_with_a_texas_zip_routes_the_signature_to_the_texas_attorney_general(
    client, petition, texas_ag
):
    sign(client, petition, zip_code="78701")
    signature = Signature.objects.get()
    assert signature.state == "TX"
    assert signature.target == texas_ag


def test_signing_takes_the_signer_to_a_thank_you_page(client, petition):
    response = sign(client, petition)
    assert response.status_code == 302
    assert response["Location"] == f"{petition.url}thank-you/"


def test_the_thank_you_page_offers_plain_share_links(client, petition):
    html = client.get(f"{petition.url}thank-you/").content.decode()
    for host in ("facebook.com/sharer", "x.com/intent", "wa.me/", "mailto:?"):
        assert host in html
    assert '<script src="http' not in html


def test_a_signature_awaiting_confirmation_is_not_counted(client, petition):
    sign(client, petition)
    assert Signature.objects.get().status == Signature.Status.PENDING
    assert petition.signature_count() == 0


def test_the_worker_queues_a_confirmation_email_with_a_link(client, petition):
    sign(client, petition, email="Maria@Example.org")
    assert queue_due_confirmations() == 1
    email = OutboundEmail.objects.get()
    assert email.to == "maria@example.org"
    assert email.template == "petitions/confirm_signature"
    assert email.context["confirm_url"].startswith("http://testserver/petitions/confirm/")
    assert "Ken Paxton" in email.context["target_line"]


def test_signing_twice_with_the_same_email_changes_nothing(client, petition):
    sign(client, petition, email="maria@example.org")
    response = sign(client, petition, email=" MARIA@example.org ", first_name="Other")
    assert "You have already signed this petition" in response.content.decode()
    assert Signature.objects.count() == 1
    assert Signature.objects.get().first_name == "Maria"


def test_each_confirmation_email_is_queued_once(client, petition):
    sign(client, petition, email="a@example.org")
    sign(client, petition, email="b@example.org")
    assert queue_due_confirmations() == 2
    assert queue_due_confirmations() == 0
    assert sorted(OutboundEmail.objects.values_list("to", flat=True)) == [
        "a@example.org",
        "b@example.org",
    ]


def test_signing_again_before_the_email_is_queued_sends_it_once(client, petition):
    sign(client, petition)
    sign(client, petition)
    queue_due_confirmations()
    assert OutboundEmail.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_every_signer_gets_the_confirmation_email_from_the_worker(home_page, worker_outbox):
    petition = PetitionPageFactory()
    addresses = [f"signer{n}@example.org" for n in range(3)]
    for address in addresses:
        assert Client().post(petition.url, form_data(email=address)).status_code == 302

    for address in addresses:
        [email] = worker_outbox.wait_for(address)
        assert "/petitions/confirm/" in text_body(email)


def test_signing_again_resends_the_confirmation_at_most_once_an_hour(client, petition):
    sign(client, petition)
    queue_due_confirmations()
    sign(client, petition)
    assert OutboundEmail.objects.count() == 1
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        response = sign(client, petition)
    assert "We have sent the confirmation email again" in response.content.decode()
    assert OutboundEmail.objects.count() == 2


def test_without_confirmation_a_signature_counts_at_once(client, home_page, texas_ag):
    petition = PetitionPageFactory(require_confirmation=False)
    sign(client, petition)
    assert Signature.objects.get().status == Signature.Status.CONFIRMED
    assert petition.signature_count() == 1
    assert not OutboundEmail.objects.exists()


def test_a_closed_petition_accepts_no_signature(client, home_page):
    petition = PetitionPageFactory(status=PetitionPage.Status.CLOSED)
    response = sign(client, petition)
    assert "Signing has ended" in response.content.decode()
    assert not Signature.objects.exists()


def test_a_petition_past_its_close_date_accepts_no_signature(client, home_page):
    petition = PetitionPageFactory(close_date=timezone.now() - timedelta(minutes=1))
    sign(client, petition)
    assert not Signature.objects.exists()


def test_a_zip_spanning_two_states_asks_the_signer_to_choose(client, petition):
    response = sign(client, petition, zip_code="42223")
    html = response.content.decode()
    assert "ZIP code 42223 lies in Kentucky or Tennessee. Please choose your state." in html
    assert not Signature.objects.exists()


def test_an_unknown_zip_asks_the_signer_to_choose(client, petition):
    response = sign(client, petition, zip_code="00000")
    assert "We don&#x27;t recognise ZIP code 00000" in response.content.decode()
    assert not Signature.objects.exists()


def test_the_state_the_signer_chooses_is_used(client, petition):
    sign(client, petition, zip_code="42223", state="TN")
    assert Signature.objects.get().state == "TN"


def test_the_recipient_lookup_names_the_office_holder_who_receives_the_signature(client, petition):
    response = client.get(f"{petition.url}recipient/", {"zip": "78701"})
    assert response.json() == {
        "state": "TX",
        "state_name": "Texas",
        "recipient": "Your signature goes to the Attorney General of Texas, Ken Paxton.",
    }


def test_a_target_corrected_by_staff_is_used_at_once(client, petition, texas_ag):
    client.get(f"{petition.url}recipient/", {"zip": "78701"})
    texas_ag.name = "Jane Doe"
    texas_ag.save()
    response = client.get(f"{petition.url}recipient/", {"zip": "78701"})
    assert response.json()["recipient"].endswith("Texas, Jane Doe.")


def test_a_petition_closed_by_staff_stops_taking_signatures_at_once(client, petition):
    signing_address = f"/petitions/{petition.pk}/sign/"
    client.post(signing_address, form_data(email="first@example.org"))
    petition.status = PetitionPage.Status.CLOSED
    petition.save_revision().publish()
    client.post(signing_address, form_data(email="second@example.org"))
    assert list(Signature.objects.values_list("email", flat=True)) == ["first@example.org"]


def test_the_recipient_lookup_asks_for_a_state_when_the_zip_does_not_tell(client, petition):
    response = client.get(f"{petition.url}recipient/", {"zip": "42223"})
    assert response.json() == {"state": None, "choices": ["KY", "TN"]}


def test_a_signature_counts_toward_its_state(client, home_page, texas_ag):
    petition = PetitionPageFactory(require_confirmation=False)
    sign(client, petition, email="a@example.org", zip_code="78701")
    sign(client, petition, email="b@example.org", zip_code="10001")
    assert SignatureCount.objects.by_state(petition.pk) == {"NY": 1, "TX": 1}


def test_the_sign_form_posts_to_the_petitions_own_signing_address(client, petition):
    html = client.get(petition.url).content.decode()
    assert f'action="/petitions/{petition.pk}/sign/"' in html
    response = client.post(f"/petitions/{petition.pk}/sign/", form_data())
    assert response["Location"] == f"{petition.url}thank-you/"
    assert Signature.objects.count() == 1


def test_the_signing_address_of_an_unknown_petition_is_not_found(client, petition):
    assert client.post("/petitions/999999/sign/", form_data()).status_code == 404
