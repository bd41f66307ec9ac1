"""Which failures are retried: one classification (northstar.failures) for every mail task.

Temporary failures (the provider unreachable, 429, 5xx, a locked database) are
retried with backoff; permanent ones (a refused recipient, another 4xx) are
recorded and not retried. The exceptions are made by the real Anymail SendGrid
backend against a stubbed API (`responses`), or by a real SQLite database.
"""

import smtplib
import socket
import sqlite3
import threading
from unittest import mock

import psycopg
import pytest
import requests
import responses
from anymail.exceptions import AnymailRecipientsRefused
from django.core.mail import EmailMessage
from django.db import InterfaceError, OperationalError
from django.db.utils import DatabaseErrorWrapper

from northstar.failures import Failure, classify
from northstar.models import OutboundEmail, OutboundEmailQuerySet
from northstar.tasks import send_outbound_email
from petitions.delivery.services import deliver_signatures, process_delivery
from petitions.models import Delivery, DeliverySchedule
from petitions.services import confirm_signature, record_signature
from tests.petitions.factories import PetitionPageFactory, TargetFactory, signer
from tests.support.fake_sendgrid import FakeSendGrid, QuietServer
from tests.support.services import require_postgresql_and_redis
from tests.support.waiting import wait_until

SENDGRID_SEND_URL = "https://api.sendgrid.com/v3/mail/send"


@pytest.fixture
def sendgrid(settings):
    settings.EMAIL_BACKEND = "anymail.backends.sendgrid.EmailBackend"
    settings.ANYMAIL = {"SENDGRID_API_KEY": "SG.test-key"}
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock_api:
        yield mock_api


def sendgrid_error(sendgrid, **answer):
    """The exception Anymail's SendGrid backend raises for this answer of the API."""
    sendgrid.post(SENDGRID_SEND_URL, **answer)
    message = EmailMessage("Subject", "Body", "from@example.org", ["to@example.org"])
    try:
        message.send()
    except Exception as exc:  # noqa: BLE001 (the exception is what the test looks at)
        return exc
    raise AssertionError("SendGrid's answer raised nothing")


def test_a_connection_refused_by_the_mail_provider_is_temporary(sendgrid):
    exc = sendgrid_error(sendgrid, body=requests.ConnectionError("Connection refused"))
    assert exc.status_code is None
    assert classify(exc) is Failure.TEMPORARY


def test_a_timeout_talking_to_the_mail_provider_is_temporary(sendgrid):
    exc = sendgrid_error(sendgrid, body=requests.ReadTimeout("Read timed out"))
    assert classify(exc) is Failure.TEMPORARY


@pytest.mark.parametrize("status", [429, 500, 502, 503])
def test_the_provider_asking_us_to_wait_or_failing_itself_is_temporary(sendgrid, status):
    assert classify(sendgrid_error(sendgrid, status=status)) is Failure.TEMPORARY


@pytest.mark.parametrize("status", [400, 401, 403, 413])
def test_the_provider_refusing_the_request_is_permanent(sendgrid, status):
    assert classify(sendgrid_error(sendgrid, status=status)) is Failure.PERMANENT


def test_a_refused_recipient_is_permanent():
    assert classify(AnymailRecipientsRefused()) is Failure.PERMANENT


def test_smtp_4xx_replies_are_temporary_and_5xx_permanent():
    assert classify(smtplib.SMTPDataError(451, b"Try again later")) is Failure.TEMPORARY
    assert classify(smtplib.SMTPDataError(554, b"Rejected")) is Failure.PERMANENT


def test_a_locked_sqlite_database_is_temporary(tmp_path):
    path = tmp_path / "locked.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (n INTEGER)")
    holder.execute("BEGIN IMMEDIATE")
    waiter = sqlite3.connect(path, timeout=0.01)
    with (
        pytest.raises(OperationalError) as raised,
        DatabaseErrorWrapper(mock.Mock(Database=sqlite3)),
    ):
        waiter.execute("INSERT INTO t VALUES (1)")
    holder.rollback()
    assert classify(raised.value) is Failure.TEMPORARY


def refused_postgresql_connection():
    """The error psycopg raises connecting to a port where nothing listens (a restarting server)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    try:
        psycopg.connect(host="127.0.0.1", port=port, dbname="northstar", connect_timeout=5)
    except psycopg.OperationalError as exc:
        return exc
    raise AssertionError(f"something listens on port {port}")


def wrapped_by_django(error):
    """`error` as Django's database layer raises it (a django.db.utils exception, its cause)."""
    with pytest.raises(Exception) as raised, DatabaseErrorWrapper(mock.Mock(Database=psycopg)):
        raise error
    return raised.value


def test_a_postgresql_connection_refused_is_temporary():
    exc = refused_postgresql_connection()
    assert exc.sqlstate is None
    assert classify(exc) is Failure.TEMPORARY


def test_a_postgresql_connection_refused_as_django_raises_it_is_temporary():
    exc = wrapped_by_django(refused_postgresql_connection())
    assert isinstance(exc, OperationalError)
    assert classify(exc) is Failure.TEMPORARY


@pytest.mark.parametrize(
    "message", ["server closed the connection unexpectedly", "consuming input failed: EOF"]
)
def test_a_postgresql_connection_lost_without_sqlstate_is_temporary(message):
    assert classify(psycopg.OperationalError(message)) is Failure.TEMPORARY
    assert classify(wrapped_by_django(psycopg.OperationalError(message))) is Failure.TEMPORARY


def test_a_closed_postgresql_connection_is_temporary():
    assert classify(psycopg.InterfaceError("the connection is closed")) is Failure.TEMPORARY
    exc = wrapped_by_django(psycopg.InterfaceError("the connection is closed"))
    assert isinstance(exc, InterfaceError)
    assert classify(exc) is Failure.TEMPORARY


@pytest.mark.parametrize(
    "sqlstate",
    [
        "08000",  # connection_exception
        "08006",  # connection_failure
        "57P01",  # admin_shutdown
        "57P02",  # crash_shutdown
        "57P03",  # cannot_connect_now (starting up)
        "40001",  # serialization_failure
        "40P01",  # deadlock_detected
    ],
)
def test_postgresql_connection_shutdown_and_rollback_sqlstates_are_temporary(sqlstate):
    error = psycopg.errors.lookup(sqlstate)("from the server")
    assert classify(error) is Failure.TEMPORARY
    assert classify(wrapped_by_django(error)) is Failure.TEMPORARY


def test_a_postgresql_error_that_waiting_cannot_fix_is_neither():
    # 57014 query_canceled and 53100 disk_full are OperationalErrors with another SQLSTATE.
    for sqlstate in ("57014", "53100"):
        assert classify(wrapped_by_django(psycopg.errors.lookup(sqlstate)("no"))) is None


def test_a_database_error_that_waiting_cannot_fix_is_neither_and_raises():
    assert classify(OperationalError("no such table: northstar_outboundemail")) is None
    assert classify(KeyError("subject")) is None


# The tasks ask that one classification.


def queue_message(to):
    from northstar.emails import send_email

    return send_email("account_message", to, {"subject": "Hello", "body": "Thanks."})


@pytest.mark.django_db
def test_an_email_whose_first_tries_meet_a_refused_connection_is_sent_once(home_page, sendgrid):
    refused = requests.ConnectionError("Connection refused")
    sendgrid.post(SENDGRID_SEND_URL, body=refused)
    sendgrid.post(SENDGRID_SEND_URL, body=refused)
    sendgrid.post(SENDGRID_SEND_URL, status=202)
    queued = queue_message("refused-first@example.org")

    send_outbound_email.apply(args=[queued.pk])

    queued.refresh_from_db()
    assert (queued.status, queued.attempts) == (OutboundEmail.Status.SENT, 3)
    assert len(sendgrid.calls) == 3


@pytest.mark.django_db
def test_an_email_refused_by_the_provider_is_marked_failed_at_once(home_page, sendgrid):
    sendgrid.post(SENDGRID_SEND_URL, status=400, json={"errors": [{"message": "bad address"}]})
    queued = queue_message("refused@example.org")

    send_outbound_email.apply(args=[queued.pk])

    queued.refresh_from_db()
    assert (queued.status, queued.attempts) == (OutboundEmail.Status.FAILED, 1)
    assert "bad address" in queued.error


@pytest.mark.django_db
def test_an_email_that_meets_a_locked_database_is_retried_and_sent(home_page, mailoutbox):
    queued = queue_message("locked@example.org")
    claim = OutboundEmailQuerySet.claim_for_sending
    tries = []

    def locked_once(self, pk):
        tries.append(pk)
        if len(tries) == 1:
            raise OperationalError("database is locked")
        return claim(self, pk)

    with mock.patch.object(OutboundEmailQuerySet, "claim_for_sending", locked_once):
        send_outbound_email.apply(args=[queued.pk])

    queued.refresh_from_db()
    assert queued.status == OutboundEmail.Status.SENT
    assert len(tries) == 2
    assert [message.to for message in mailoutbox] == [["locked@example.org"]]


@pytest.mark.django_db
def test_an_email_that_meets_postgresql_refusing_connections_is_retried_and_sent(
    home_page, mailoutbox
):
    queued = queue_message("restart@example.org")
    claim = OutboundEmailQuerySet.claim_for_sending
    refused = wrapped_by_django(refused_postgresql_connection())
    tries = []

    def refused_once(self, pk):
        tries.append(pk)
        if len(tries) == 1:
            raise refused
        return claim(self, pk)

    with mock.patch.object(OutboundEmailQuerySet, "claim_for_sending", refused_once):
        send_outbound_email.apply(args=[queued.pk])

    queued.refresh_from_db()
    assert queued.status == OutboundEmail.Status.SENT
    assert len(tries) == 2
    assert [message.to for message in mailoutbox] == [["restart@example.org"]]


@pytest.mark.django_db
def test_an_email_sent_while_postgresql_went_away_is_recorded_later_and_never_sent_again(
    home_page, mailoutbox
):
    queued = queue_message("recorded-later@example.org")
    mark_sent = OutboundEmail.mark_sent
    refused = wrapped_by_django(refused_postgresql_connection())
    tries = []

    def refused_once(self):
        tries.append(self.pk)
        if len(tries) == 1:
            raise refused
        return mark_sent(self)

    with mock.patch.object(OutboundEmail, "mark_sent", refused_once):
        send_outbound_email.apply(args=[queued.pk])

    queued.refresh_from_db()
    assert (queued.status, queued.attempts) == (OutboundEmail.Status.SENT, 1)
    assert len(tries) == 2
    assert [message.to for message in mailoutbox] == [["recorded-later@example.org"]]


@pytest.mark.django_db
def test_an_error_in_our_own_code_is_raised_not_recorded_as_a_mail_failure(home_page):
    queued = queue_message("bug@example.org")
    with mock.patch("northstar.emails.render_email", side_effect=KeyError("subject")):
        result = send_outbound_email.apply(args=[queued.pk])
    assert isinstance(result.result, KeyError)
    queued.refresh_from_db()
    assert (
        queued.status == OutboundEmail.Status.QUEUED
    )  # given back: the stalled-mail sweep tries again


@pytest.mark.django_db
def test_a_delivery_whose_first_try_meets_a_refused_connection_is_sent(home_page, sendgrid):
    target = TargetFactory(jurisdiction="AK", name="Stephen Cox", email="ag@alaska.gov")
    petition = PetitionPageFactory(delivery_schedule=DeliverySchedule.OFF)
    signature = record_signature(
        petition, signer(email="ak@example.org", state="AK", zip_code="99501"), target=target
    ).signature
    confirm_signature(signature)
    [delivery] = deliver_signatures(petition, force=True)
    sendgrid.post(SENDGRID_SEND_URL, body=requests.ConnectionError("Connection refused"))
    sendgrid.post(SENDGRID_SEND_URL, status=202)

    process_delivery.apply(args=[delivery.pk])

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.SENT, 2)


# With the real worker: a provider that refuses connections for a while.


class FakeSendGridOnPort(FakeSendGrid):
    """The loopback SendGrid stand-in, listening on a port chosen before it starts."""

    def __init__(self, port, **kwargs):
        super().__init__(**kwargs)
        self.port = port

    def start(self):
        self.server = QuietServer(("127.0.0.1", self.port), self.handler_class())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self


def unused_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_with_the_real_worker_an_email_first_refused_a_connection_is_sent_once(
    home_page, own_worker
):
    require_postgresql_and_redis()
    port = unused_port()  # nothing listens here yet: every connection is refused
    worker = own_worker(f"http://127.0.0.1:{port}/v3/")
    worker.purge_broker()
    worker.start()
    try:
        queued = queue_message("refused-then-sent@example.org")
        wait_until(
            lambda: OutboundEmail.objects.get(pk=queued.pk).attempts >= 2,
            timeout=30,
            message="a second try after the refused connection",
        )
        assert OutboundEmail.objects.get(pk=queued.pk).status != OutboundEmail.Status.FAILED
        with FakeSendGridOnPort(port) as esp:
            wait_until(
                lambda: OutboundEmail.objects.get(pk=queued.pk).status == OutboundEmail.Status.SENT,
                timeout=60,
                message="the email to be sent once the provider answers",
            )
            assert [request.message_id for request in esp.requests] == [queued.message_id]
    finally:
        worker.stop()
        worker.purge_broker()


# With the real worker: a delivery to an office meets the same network errors.
# Each ends `sent`, carried once: the stand-in accepts one message per
# X-Delivery-Key, and the delivery's signatures are the ones it holds.


class StallingSendGrid(FakeSendGridOnPort):
    """The stand-in, answering nothing to its first `stall_first` requests (the client times
    out); it records them in `stalled` and accepts none of them."""

    def __init__(self, port, stall_first, stall_seconds, **kwargs):
        super().__init__(port, **kwargs)
        self.stall_first = stall_first
        self.stall_seconds = stall_seconds
        self.stalled = []
        self.stopping = threading.Event()  # set on stop, so no stalled answer outlives the test

    def stop(self):
        self.stopping.set()
        super().stop()

    def record(self, body):
        with self.lock:
            stall = len(self.stalled) < self.stall_first
            if stall:
                self.stalled.append(body)
        if stall:
            self.stopping.wait(self.stall_seconds)  # the client times out meanwhile
            return False
        return super().record(body)


def claimed_email_delivery():
    """An email delivery of two Alaskan signatures, claimed (its task queued on commit)."""
    target = TargetFactory(jurisdiction="AK", name="Stephen Cox", email="ag@alaska.gov")
    petition = PetitionPageFactory(delivery_schedule=DeliverySchedule.OFF)
    for email in ("one@example.org", "two@example.org"):
        signature = record_signature(
            petition, signer(email=email, state="AK", zip_code="99501"), target=target
        ).signature
        confirm_signature(signature)
    [delivery] = deliver_signatures(petition, force=True)
    return delivery


def delivery_status(delivery):
    return Delivery.objects.get(pk=delivery.pk).status


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_with_the_real_worker_a_delivery_first_refused_a_connection_is_sent_once(
    home_page, own_worker
):
    require_postgresql_and_redis()
    port = unused_port()  # nothing listens here yet: every connection is refused
    worker = own_worker(f"http://127.0.0.1:{port}/v3/")
    worker.purge_broker()
    worker.start()
    try:
        delivery = claimed_email_delivery()
        wait_until(
            lambda: Delivery.objects.get(pk=delivery.pk).attempts >= 2,
            timeout=30,
            message="a second try after the refused connection",
        )
        assert delivery_status(delivery) != Delivery.Status.FAILED
        with FakeSendGridOnPort(port) as esp:
            wait_until(
                lambda: delivery_status(delivery) == Delivery.Status.SENT,
                timeout=60,
                message="the delivery to be sent once the provider answers",
            )
            assert [request.key for request in esp.requests] == [str(delivery.key)]
            assert len(esp.requests[0].csv_rows()) == delivery.signature_count == 2
    finally:
        worker.stop()
        worker.purge_broker()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_with_the_real_worker_a_delivery_whose_first_tries_time_out_is_sent_once(
    home_page, own_worker
):
    require_postgresql_and_redis()
    port = unused_port()
    worker = own_worker(f"http://127.0.0.1:{port}/v3/", ANYMAIL_REQUESTS_TIMEOUT="1")
    with StallingSendGrid(port, stall_first=2, stall_seconds=3) as esp:
        worker.purge_broker()
        worker.start()
        try:
            delivery = claimed_email_delivery()
            wait_until(
                lambda: delivery_status(delivery) == Delivery.Status.SENT,
                timeout=90,
                message="the delivery to be sent after two timeouts",
            )
            sent = Delivery.objects.get(pk=delivery.pk)
            assert len(esp.stalled) == 2
            assert sent.attempts == 3
            assert [request.key for request in esp.requests] == [str(delivery.key)]
            assert list(esp.accepted) == [str(delivery.key)]
        finally:
            worker.stop()
            worker.purge_broker()


@pytest.mark.django_db
def test_any_task_that_meets_postgresql_refusing_connections_is_retried():
    from campaigns.tasks import erase_expired_invitations

    refused = wrapped_by_django(refused_postgresql_connection())
    tries = []

    def refused_once():
        tries.append(1)
        if len(tries) == 1:
            raise refused
        return 3

    with mock.patch("campaigns.invitations.erase_expired", refused_once):
        result = erase_expired_invitations.apply()

    assert (result.get(), len(tries)) == (3, 2)


@pytest.mark.django_db
def test_a_task_that_meets_a_bug_in_the_database_is_not_retried():
    from campaigns.tasks import erase_expired_invitations

    tries = []

    def no_such_table():
        tries.append(1)
        raise OperationalError("no such table: campaigns_invitation")

    with mock.patch("campaigns.invitations.erase_expired", no_such_table):
        result = erase_expired_invitations.apply()

    assert result.failed() and len(tries) == 1
