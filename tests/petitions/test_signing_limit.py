"""The per-IP limit on signing: `PETITION_SIGNS_PER_IP_PER_HOUR` signings an hour from one
address, new and repeated alike.

On a petition that asks signers to confirm, a worker counts each signing about two
seconds after it (the sweep that queues confirmation emails, `queue_due_confirmations`,
or the task that tells an owner their email signed again). A signing past the limit
gets no email, and the address is then refused by every web process. On a petition
that counts signatures at once, the request counts the address before it writes.
"""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import override_settings

from northstar.models import OutboundEmail
from northstar.ratelimit import address_key
from petitions import tasks
from petitions.models import Signature
from petitions.services import queue_due_confirmations
from tests.petitions.factories import PetitionPageFactory, form_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("limit")]

LIMIT = 3
ADDRESS = "203.0.113.9"
TOO_MANY = "Too many attempts from your connection. Please try again in an hour."


@pytest.fixture
def limit(settings):
    settings.PETITION_SIGNS_PER_IP_PER_HOUR = LIMIT


@pytest.fixture
def sign(client, monkeypatch, django_capture_on_commit_callbacks):
    """Sign from `address`; the task a repeated signing enqueues runs at once, as a worker
    would. The sweep of new signatures is the test's to run (`queue_due_confirmations`)."""
    monkeypatch.setattr(
        tasks.notify_signed_again,
        "apply_async",
        lambda args=(), kwargs=None, **options: tasks.notify_signed_again.apply(args, kwargs),
    )
    monkeypatch.setattr(tasks.queue_due_confirmations, "apply_async", lambda *a, **kw: None)

    def sign(petition, email, address=ADDRESS, **overrides):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                petition.sign_url(), form_data(email=email, **overrides), REMOTE_ADDR=address
            )

    return sign


def emails_to(address):
    return list(OutboundEmail.objects.filter(to=address).values_list("template", flat=True))


def test_a_signing_past_the_limit_gets_no_email_and_the_address_is_then_refused(sign, petition):
    statuses = [sign(petition, f"person{n}@example.org").status_code for n in range(LIMIT + 1)]
    assert statuses == [302] * (LIMIT + 1)  # the request does not wait for the count

    assert queue_due_confirmations() == LIMIT
    for n in range(LIMIT):
        assert emails_to(f"person{n}@example.org") == ["petitions/confirm_signature"]
    assert emails_to(f"person{LIMIT}@example.org") == []
    assert not Signature.objects.filter(email=f"person{LIMIT}@example.org").exists()

    response = sign(petition, "one-more@example.org")
    assert response.status_code == 429
    assert TOO_MANY in response.content.decode()
    assert not Signature.objects.filter(email="one-more@example.org").exists()


def test_other_addresses_sign_on_while_one_is_refused(sign, petition):
    for n in range(LIMIT + 1):
        sign(petition, f"person{n}@example.org")
    queue_due_confirmations()

    assert sign(petition, "neighbour@example.org", address="198.51.100.7").status_code == 302


def test_the_refusal_ends_an_hour_after_the_addresses_first_signing(sign, petition):
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), tick=False) as clock:
        for n in range(LIMIT + 1):
            sign(petition, f"person{n}@example.org")
        queue_due_confirmations()
        clock.shift(timedelta(minutes=59))
        assert sign(petition, "later@example.org").status_code == 429
        clock.shift(timedelta(minutes=2))
        assert sign(petition, "later@example.org").status_code == 302


@pytest.mark.parametrize("had_signed", [False, True], ids=["new emails", "emails that had signed"])
def test_signing_again_counts_as_signing_so_the_refusal_tells_nothing_of_the_emails(
    sign, petition, had_signed
):
    emails = [f"person{n}@example.org" for n in range(LIMIT + 1)]
    if had_signed:
        for email in emails:
            sign(petition, email, address="198.51.100.7")
        queue_due_confirmations()

    statuses = [sign(petition, email).status_code for email in emails]
    queue_due_confirmations()
    statuses.append(sign(petition, "one-more@example.org").status_code)

    assert statuses == [302] * (LIMIT + 1) + [429]


def test_a_form_with_errors_counts_against_no_limit(sign, petition):
    for _ in range(LIMIT + 2):
        assert sign(petition, "not-an-email").status_code == 200
    for n in range(LIMIT):
        sign(petition, f"person{n}@example.org")
    assert queue_due_confirmations() == LIMIT

    assert sign(petition, "one-more@example.org").status_code == 302


def test_a_signature_keeps_a_keyed_hash_of_its_address_only_until_it_is_counted(sign, petition):
    sign(petition, "maria@example.org")
    stored = Signature.objects.get().address_key
    assert stored == address_key(ADDRESS)
    assert ADDRESS not in stored and len(stored) == 32
    assert address_key("198.51.100.7") != stored

    queue_due_confirmations()
    assert Signature.objects.get().address_key == ""


@override_settings(PETITION_SIGNS_PER_IP_PER_HOUR=0)
def test_a_limit_of_zero_keeps_no_key_and_refuses_no_one(sign, petition):
    for n in range(LIMIT + 2):
        sign(petition, f"person{n}@example.org")
    assert queue_due_confirmations() == LIMIT + 2
    assert sign(petition, "one-more@example.org").status_code == 302


def test_a_petition_that_counts_at_once_refuses_in_the_request(sign, home_page):
    petition = PetitionPageFactory(require_confirmation=False)
    statuses = [sign(petition, f"person{n}@example.org").status_code for n in range(LIMIT + 1)]

    assert statuses == [302] * LIMIT + [429]
    assert petition.signature_count() == LIMIT
    assert not Signature.objects.filter(email=f"person{LIMIT}@example.org").exists()
    assert Signature.objects.filter(address_key="").count() == LIMIT
