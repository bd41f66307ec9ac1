"""Email whose task was lost is sent within a few minutes, and once.

A task is lost when its worker is killed outright holding it (or, on Redis,
between the queue and the unacknowledged set). Beat's sweep
(`requeue_stalled_email`, every minute) enqueues it again; the outbox's claim
makes sure that a message a live worker is sending is not sent by a second task.
"""

from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from northstar.emails import send_email
from northstar.models import OutboundEmail
from northstar.tasks import requeue_stalled_email, send_outbound_email

pytestmark = pytest.mark.django_db


def queue_message(to="signer@example.org"):
    return send_email("account_message", to, {"subject": "Hello", "body": "Thanks."})


def sweep_at(moment):
    """The sweep as beat runs it at `moment`: the ids it enqueues again."""
    with (
        time_machine.travel(moment, tick=False),
        mock.patch.object(send_outbound_email, "delay_on_commit") as enqueue,
    ):
        requeue_stalled_email()
    return [call.args[0] for call in enqueue.call_args_list]


def test_a_queued_message_whose_task_was_lost_is_enqueued_again_after_two_minutes(
    home_page, mail_kept_queued
):
    message = queue_message()

    assert sweep_at(timezone.now() + timedelta(seconds=90)) == []
    assert sweep_at(timezone.now() + OutboundEmail.LOST_AFTER + timedelta(seconds=1)) == [
        message.pk
    ]


def test_a_lost_message_swept_while_its_first_task_also_runs_is_sent_once(
    home_page, mail_kept_queued, mailoutbox
):
    message = queue_message()
    [swept] = sweep_at(timezone.now() + timedelta(minutes=3))

    send_outbound_email.apply(args=[message.pk])  # the original task, only slow
    send_outbound_email.apply(args=[swept])

    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboundEmail.Status.SENT, 1)
    assert [sent.to for sent in mailoutbox] == [["signer@example.org"]]


def test_a_message_a_live_worker_is_sending_is_not_sent_by_a_second_task(
    home_page, mail_kept_queued, mailoutbox
):
    message = queue_message()
    claimed = OutboundEmail.objects.claim_for_sending(message.pk)  # a worker, mid-send

    send_outbound_email.apply(args=[message.pk])

    claimed.refresh_from_db()
    assert (claimed.status, claimed.attempts) == (OutboundEmail.Status.SENDING, 1)
    assert mailoutbox == []


def test_a_message_whose_worker_died_mid_send_is_swept_and_sent_after_its_claim_expires(
    home_page, mail_kept_queued, mailoutbox
):
    message = queue_message()
    OutboundEmail.objects.claim_for_sending(message.pk)  # then the worker is killed
    expired = timezone.now() + OutboundEmail.CLAIM_EXPIRES + timedelta(seconds=1)

    assert sweep_at(expired - timedelta(minutes=1)) == []
    [swept] = sweep_at(expired)
    with time_machine.travel(expired, tick=False):
        send_outbound_email.apply(args=[swept])

    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboundEmail.Status.SENT, 2)
    assert len(mailoutbox) == 1


def test_a_message_swept_once_is_not_enqueued_again_at_the_next_minute(home_page, mail_kept_queued):
    queue_message()
    first = timezone.now() + timedelta(minutes=3)
    assert len(sweep_at(first)) == 1

    assert sweep_at(first + timedelta(minutes=1)) == []
    assert len(sweep_at(first + OutboundEmail.LOST_AFTER + timedelta(seconds=1))) == 1


def test_a_message_waiting_for_its_retry_is_not_swept_before_the_longest_backoff(
    home_page, mail_kept_queued
):
    message = queue_message()
    OutboundEmail.objects.claim_for_sending(message.pk).release()  # a temporary failure

    assert sweep_at(timezone.now() + timedelta(minutes=10)) == []
    assert sweep_at(timezone.now() + OutboundEmail.STALL_AFTER + timedelta(seconds=1)) == [
        message.pk
    ]


def test_beat_sweeps_lost_email_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["requeue-stalled-email"]
    assert entry == {"task": "northstar.tasks.requeue_stalled_email", "schedule": 60.0}


def test_a_claim_outlives_any_live_send():
    """A worker's send ends (the task is killed at its time limit) before its claim expires,
    and the time limit exceeds the provider's connect and read timeouts."""
    provider_timeout = settings.ANYMAIL["REQUESTS_TIMEOUT"]
    assert send_outbound_email.time_limit == OutboundEmail.SEND_TIME_LIMIT
    assert 2 * provider_timeout < OutboundEmail.SEND_TIME_LIMIT
    assert timedelta(seconds=OutboundEmail.SEND_TIME_LIMIT) < OutboundEmail.CLAIM_EXPIRES
