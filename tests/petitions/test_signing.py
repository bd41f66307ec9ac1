"""Signing a petition on the public site."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from northstar.emails import absolute_url, render_email
from northstar.models import OutboundEmail
from petitions.models import PetitionPage, Signature, SignatureCount
from petitions.services import queue_due_confirmations, signature_for_token
from tests.petitions.factories import PetitionPageFactory, SignatureFactory, form_data
from tests.support.outbox import text_body

pytestmark = pytest.mark.django_db

SAVEPOINT = re.compile(r"(RELEASE |ROLLBACK TO )?SAVEPOINT ")


def sign(client, petition, **overrides):
    return client.post(petition.sign_url(), form_data(**overrides))


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


def test_the_thank_you_page_gives_the_confirmation_links_lifetime_from_the_setting(
    client, settings, petition
):
    settings.PETITION_CONFIRMATION_MAX_AGE_DAYS = 3
    html = client.get(f"{petition.url}thank-you/").content.decode()
    assert "The link works for 3 days." in html


def test_the_thank_you_page_promises_no_email_to_someone_who_signed_before(client, petition):
    # The page is the same for every address (privacy), so it says when no email comes.
    html = client.get(f"{petition.url}thank-you/").content.decode()
    assert "We have emailed you" not in html
    assert "we send at most one email an hour about a signature" in html


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
    sign(client, petition, email=" MARIA@example.org ", first_name="Other")
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
        assert Client().post(petition.sign_url(), form_data(email=address)).status_code == 302

    for address in addresses:
        [email] = worker_outbox.wait_for(address)
        assert "/petitions/confirm/" in text_body(email)


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
    by_state = SignatureCount.objects.totals(by=["state"], petition=petition.pk)
    assert {state: total.count for state, total in by_state.items()} == {"NY": 1, "TX": 1}


def test_the_sign_form_posts_to_the_petitions_own_signing_address(client, petition):
    html = client.get(petition.url).content.decode()
    assert f'action="/petitions/{petition.pk}/sign/"' in html
    response = client.post(f"/petitions/{petition.pk}/sign/", form_data())
    assert response["Location"] == f"{petition.url}thank-you/"
    assert Signature.objects.count() == 1


def test_the_signing_address_of_an_unknown_petition_is_not_found(client, petition):
    assert client.post("/petitions/999999/sign/", form_data()).status_code == 404


def test_a_post_to_the_petition_page_itself_is_refused_and_signs_nothing(client, petition):
    response = client.post(petition.url, form_data())
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert not Signature.objects.exists()


def test_opening_the_signing_address_takes_the_visitor_to_the_petition(client, petition):
    response = client.get(petition.sign_url())
    assert response.status_code == 302
    assert response["Location"] == petition.url


# An address that has signed: the visitor learns nothing, its owner is told by email.


@pytest.fixture
def tasks_run_at_once(monkeypatch, django_capture_on_commit_callbacks):
    """Sign with the client; the background work it enqueues runs here, as a worker would.

    The worker's sweep of new signatures is left to the test (`queue_due_confirmations`).
    """
    from petitions import tasks

    monkeypatch.setattr(
        tasks.notify_signed_again,
        "delay",
        lambda *args, **kwargs: tasks.notify_signed_again.apply(args, kwargs),
    )
    monkeypatch.setattr(tasks.queue_due_confirmations, "apply_async", lambda *a, **kw: None)

    def sign_and_work(client, petition, **overrides):
        with django_capture_on_commit_callbacks(execute=True):
            return sign(client, petition, **overrides)

    return sign_and_work


def signed_again_emails(address):
    return list(OutboundEmail.objects.filter(template="petitions/signed_again", to=address))


def what_the_visitor_sees(client, response):
    """Everything the signing answer shows: status, headers, cookies, body, the next page."""
    next_page = client.get(response["Location"])
    return (
        response.status_code,
        sorted(response.headers.items()),
        sorted((name, morsel.value) for name, morsel in response.cookies.items()),
        response.content,
        next_page.status_code,
        next_page.content,
    )


def test_a_new_a_pending_and_a_confirmed_address_get_the_same_answer(tasks_run_at_once, petition):
    SignatureFactory(petition=petition, email="pending@example.org")
    SignatureFactory(petition=petition, email="confirmed@example.org", confirmed=True)

    answers = [
        what_the_visitor_sees(client, tasks_run_at_once(client, petition, email=address))
        for client, address in (
            (Client(), "new@example.org"),
            (Client(), "pending@example.org"),
            (Client(), "confirmed@example.org"),
        )
    ]

    assert answers[0][0] == 302
    assert dict(answers[0][1])["Location"] == f"{petition.url}thank-you/"
    assert answers[1] == answers[0]
    assert answers[2] == answers[0]


def test_signing_again_with_a_confirmed_address_tells_its_owner_by_email(
    tasks_run_at_once, client, petition
):
    SignatureFactory(petition=petition, email="ana@example.org", confirmed=True)

    tasks_run_at_once(client, petition, email="ana@example.org", first_name="Somebody")

    [email] = signed_again_emails("ana@example.org")
    assert email.context["confirmed"] is True
    assert email.context["first_name"] == "Maria"  # the name the owner signed with
    assert "confirm_url" not in email.context
    subject, text, _ = render_email(email.template, email.context)
    assert subject.startswith("You have already signed: ")
    assert "There is nothing more to do." in text


def test_signing_again_with_a_pending_address_emails_its_owner_the_link_again(
    tasks_run_at_once, client, petition
):
    signature = SignatureFactory(petition=petition, email="ana@example.org")
    queue_due_confirmations()

    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        tasks_run_at_once(client, petition, email="ana@example.org")

    [email] = signed_again_emails("ana@example.org")
    assert email.context["confirmed"] is False
    prefix = absolute_url("/petitions/confirm/")
    assert email.context["confirm_url"].startswith(prefix)
    token = email.context["confirm_url"].removeprefix(prefix).rstrip("/")
    assert signature_for_token(token) == signature
    _, text, _ = render_email(email.template, email.context)
    assert 'open this link and press the "Confirm my signature" button' in text
    assert email.context["confirm_url"] in text


def test_the_owner_is_emailed_about_signing_again_at_most_once_an_hour(
    tasks_run_at_once, client, petition
):
    SignatureFactory(petition=petition, email="ana@example.org", confirmed=True)
    for _ in range(3):
        tasks_run_at_once(client, petition, email="ana@example.org")
    assert len(signed_again_emails("ana@example.org")) == 1

    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        tasks_run_at_once(client, petition, email="ana@example.org")
    assert len(signed_again_emails("ana@example.org")) == 2


def test_signing_again_within_the_hour_of_the_confirmation_email_sends_nothing_more(
    tasks_run_at_once, client, petition
):
    SignatureFactory(petition=petition, email="ana@example.org")
    queue_due_confirmations()

    tasks_run_at_once(client, petition, email="ana@example.org")

    assert list(OutboundEmail.objects.values_list("template", flat=True)) == [
        "petitions/confirm_signature"
    ]


def test_signing_again_before_the_confirmation_is_queued_leaves_it_to_the_worker(
    tasks_run_at_once, client, petition
):
    SignatureFactory(petition=petition, email="ana@example.org")

    tasks_run_at_once(client, petition, email="ana@example.org")
    queue_due_confirmations()

    assert list(OutboundEmail.objects.values_list("template", flat=True)) == [
        "petitions/confirm_signature"
    ]


@override_settings(PETITION_SIGNS_PER_EMAIL_PER_HOUR=1)
def test_the_per_email_limit_skips_the_email_and_answers_as_ever(
    tasks_run_at_once, client, petition
):
    signature = SignatureFactory(petition=petition, email="ana@example.org", confirmed=True)
    tasks_run_at_once(client, petition, email="ana@example.org")
    Signature.objects.filter(pk=signature.pk).update(
        confirmation_sent_at=timezone.now() - timedelta(hours=2)
    )

    response = tasks_run_at_once(client, petition, email="ana@example.org")

    assert response.status_code == 302
    assert response["Location"] == f"{petition.url}thank-you/"
    assert len(signed_again_emails("ana@example.org")) == 1


def test_signing_again_does_no_more_work_in_the_request_than_a_new_signature(
    client, petition, django_capture_on_commit_callbacks
):
    SignatureFactory(petition=petition, email="ana@example.org", confirmed=True)
    sign(client, petition, email="warm-up@example.org")  # site and petition lookups, read once

    with CaptureQueriesContext(connection) as new, django_capture_on_commit_callbacks():
        sign(client, petition, email="new@example.org")
    with CaptureQueriesContext(connection) as again, django_capture_on_commit_callbacks() as work:
        sign(client, petition, email="ana@example.org")

    assert len(statements(again)) == len(statements(new)) + 1  # finding the signature
    assert not any("outboundemail" in sql for sql in statements(again))  # no email written
    assert len(work) == 1  # the worker's task, published after commit


def statements(queries):
    """The SQL a request sent, less the savepoints that only the test's transaction adds."""
    return [query["sql"] for query in queries.captured_queries if not SAVEPOINT.match(query["sql"])]


@pytest.mark.django_db(transaction=True)
def test_a_signer_who_signs_again_hears_it_from_the_worker(home_page, worker_outbox):
    petition = PetitionPageFactory(require_confirmation=False)
    for _ in range(2):
        assert (
            Client().post(petition.sign_url(), form_data(email="twice@example.org")).status_code
            == 302
        )

    [email] = worker_outbox.wait_for("twice@example.org")
    assert email["Subject"].startswith("You have already signed: ")
    assert "Your signature is confirmed" in text_body(email)


def test_signing_while_the_broker_cannot_be_reached_still_thanks_the_signer(
    client, petition, django_capture_on_commit_callbacks, monkeypatch
):
    from unittest import mock

    from kombu.exceptions import OperationalError

    from petitions import services

    monkeypatch.setattr(services, "_last_wake_up", float("-inf"))  # this signing wakes the worker

    refused = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    with (
        mock.patch("kombu.messaging.Producer.publish", side_effect=refused) as publish,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = sign(client, petition)

    assert response.status_code == 302
    assert Signature.objects.count() == 1
    assert publish.called  # the wake-up was tried, failed, and was logged
