"""Deliveries survive a worker SIGKILLed at random points: each signature reaches its target once.

A real `celery -A northstar worker` sends through Anymail's SendGrid backend to
a fake SendGrid on loopback (tests/support/fake_sendgrid.py), which answers
after a short delay so that kills land inside sends, and which keeps one
message per X-Delivery-Key, as an ESP honouring the idempotency key does.
Each trial claims new signatures, kills the worker's whole process group
after a random delay (before its tasks start, while it renders a packet, or
while SendGrid holds the request), starts a new worker (in some trials kills
that one too, while it recovers), and lets Redis (a 2 s visibility timeout)
and the beat sweeper (`resume_stalled_deliveries`, run with the clock moved
past `STALLED_AFTER`) hand back whatever the dead worker held. Repeated sends
that SendGrid discarded are counted and printed, not forbidden: a worker
killed after SendGrid accepted a message and before the row says `sent` sends
it again, with the same key.

The suite's shared worker listens on the same broker, so it is stopped while
this test runs and started again afterwards.
"""

import random
import time
from collections import Counter
from datetime import timedelta

import pytest
import redis
import time_machine
from django.conf import settings
from django.utils import timezone

from petitions.delivery.services import STALLED_AFTER, deliver_signatures, resume_stalled_deliveries
from petitions.models import Delivery, DeliverySchedule, Signature
from tests.petitions.factories import PetitionPageFactory, SignatureFactory, TargetFactory
from tests.support.fake_sendgrid import FakeSendGrid
from tests.support.waiting import wait_until

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(480),
]

MIN_TRIALS = 20
MAX_TRIALS = 30
TRIALS_BUDGET_SECONDS = 150  # stop starting new trials after this (once MIN_TRIALS ran)
KILL_WITHIN_SECONDS = 1.5  # the kill lands this long after the claim, at most
SECOND_KILL_CHANCE = 0.25  # also kill the restarted worker while it recovers
ESP_DELAY = (0.02, 0.15)  # SendGrid holds each request this long before answering
SETTLE_TIMEOUT = 45

STATES = {  # jurisdiction: (office email, "" for post; ZIP prefix)
    "AK": ("attorney.general@alaska.gov", "995"),
    "CA": ("ag@doj.ca.gov", "900"),
    "NY": ("ag@ag.ny.gov", "100"),
    "WA": ("ag@atg.wa.gov", "981"),
    "TX": ("", "787"),
}
FIRST_NAMES = ("Maria", "Zoë", "Nguyễn", "Ana-Lucía", "O'Brien", "=Formula")


@pytest.fixture
def fake_sendgrid():
    with FakeSendGrid(delay=ESP_DELAY) as esp:
        yield esp


@pytest.fixture
def sendgrid_worker(own_worker, fake_sendgrid):
    """A worker that sends through Anymail's SendGrid backend to the fake SendGrid."""
    # Redis hands an unacknowledged task back after 2 s, not an hour.
    worker = own_worker(fake_sendgrid.api_url, CELERY_VISIBILITY_TIMEOUT="2")
    worker.purge_broker()
    worker.start()
    return worker


@pytest.fixture
def targets(db):
    return {
        state: TargetFactory(jurisdiction=state, name=f"Attorney {state}", email=email)
        for state, (email, _zip) in STATES.items()
    }


@pytest.fixture
def petition(home_page, targets):
    return PetitionPageFactory(delivery_schedule=DeliverySchedule.OFF, share_signer_emails=True)


def add_signatures(petition, targets, trial, rng):
    """A few new confirmed signatures in most states, and one that is never confirmed."""
    n = 0
    for state, (_email, zip_prefix) in STATES.items():
        for i in range(rng.randint(0, 6)):
            SignatureFactory(
                petition=petition,
                target=targets[state],
                first_name=rng.choice(FIRST_NAMES),
                last_name=f"Signer {trial}-{i}",
                email=f"t{trial}-{state.lower()}{i}@example.org",
                zip_code=f"{zip_prefix}{n % 100:02d}",
                state=state,
                comment=rng.choice(["", "Post the hotline, please.", "Line one,\nline two"]),
                share_email_with_target=True,
                confirmed=True,
            )
            n += 1
    SignatureFactory(
        petition=petition,
        target=targets["AK"],
        first_name="Pending",
        last_name=f"Signer {trial}",
        email=f"t{trial}-pending@example.org",
        zip_code="99501",
        state="AK",
    )


def in_flight():
    return list(Delivery.objects.filter(status__in=Delivery.IN_FLIGHT_STATES))


def sweep_as_beat_would():
    """Run the real sweeper with the clock past STALLED_AFTER: it re-enqueues what is in flight."""
    with time_machine.travel(timezone.now() + STALLED_AFTER + timedelta(minutes=1)):
        return resume_stalled_deliveries()


def wait_for_queue_to_drain(broker, timeout=15):
    wait_until(lambda: broker.llen("celery") == 0, timeout=timeout, message="the queue to drain")


def settle(worker, broker):
    """Recover like beat: let the new worker drain the queue, sweep, until nothing is in flight."""
    deadline = time.monotonic() + SETTLE_TIMEOUT
    wait_for_queue_to_drain(broker)
    sweeps = 0
    while True:
        # Give the new worker a moment to finish what it took from the queue,
        # so that the sweep picks up only what the dead worker held.
        quiet_until = time.monotonic() + 1.0
        while in_flight() and time.monotonic() < quiet_until:
            time.sleep(0.05)
        if not in_flight():
            return sweeps
        failed = Delivery.objects.filter(status=Delivery.Status.FAILED)
        assert not failed.exists(), f"Failed deliveries: {list(failed.values())}\n{worker.log()}"
        assert time.monotonic() < deadline, (
            f"Deliveries still in flight after {SETTLE_TIMEOUT}s: "
            f"{[(d.pk, d.status, d.attempts) for d in in_flight()]}\n{worker.log()[-5000:]}"
        )
        sweeps += 1
        sweep_as_beat_would()
        time.sleep(0.5)


def kill_after(worker, delay, claimed_pks):
    """SIGKILL the worker after `delay` seconds; return (kill time, delivery states at the kill)."""
    time.sleep(delay)
    worker.kill()
    killed_at = time.time()
    states = Counter(Delivery.objects.filter(pk__in=claimed_pks).values_list("status", flat=True))
    return killed_at, states


def test_deliveries_survive_a_worker_killed_at_random_points(
    petition, targets, sendgrid_worker, fake_sendgrid
):
    seed = random.randrange(1_000_000)
    rng = random.Random(seed)
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    kill_times = []
    states_at_kill = Counter()
    trials = 0
    started = time.monotonic()
    print(f"\nfault trials (seed {seed}):")
    while trials < MAX_TRIALS and (
        trials < MIN_TRIALS or time.monotonic() - started < TRIALS_BUDGET_SECONDS
    ):
        trials += 1
        add_signatures(petition, targets, trials, rng)
        claimed = [d.pk for d in deliver_signatures(petition, force=True)]
        requests_before = fake_sendgrid.request_count

        kills = []
        delay = rng.uniform(0, KILL_WITHIN_SECONDS)
        killed_at, states = kill_after(sendgrid_worker, delay, claimed)
        kills.append((delay, states))
        kill_times.append(killed_at)
        sendgrid_worker.start()
        if rng.random() < SECOND_KILL_CHANCE:
            # Kill the new worker too, while it works through what it found.
            sweep_as_beat_would()
            delay = rng.uniform(0, KILL_WITHIN_SECONDS / 2)
            killed_at, states = kill_after(sendgrid_worker, delay, claimed)
            kills.append((delay, states))
            kill_times.append(killed_at)
            sendgrid_worker.start()
        sweeps = settle(sendgrid_worker, broker)

        for _delay, states in kills:
            states_at_kill.update(states)
        described = "; ".join(
            f"kill at {delay:.2f}s: " + ", ".join(f"{n} {s}" for s, n in sorted(states.items()))
            for delay, states in kills
        )
        print(
            f"  trial {trials:2d}: {len(claimed)} deliveries, {described}; "
            f"{fake_sendgrid.request_count - requests_before} requests to SendGrid, "
            f"{sweeps} sweep(s)"
        )

    assert trials >= MIN_TRIALS

    # Every confirmed signature is in exactly one delivery, which is sent (email) or ready (post).
    confirmed = Signature.objects.filter(petition=petition, status=Signature.Status.CONFIRMED)
    assert not confirmed.filter(delivery__isnull=True).exists()
    assert not Signature.objects.filter(
        status=Signature.Status.PENDING, delivery__isnull=False
    ).exists()
    deliveries = list(Delivery.objects.select_related("target"))
    for delivery in deliveries:
        expected = (
            Delivery.Status.SENT
            if delivery.channel == Delivery.Channel.EMAIL
            else Delivery.Status.READY
        )
        assert delivery.status == expected, (delivery.pk, delivery.channel, delivery.status)
        assert delivery.signatures.count() == delivery.signature_count
    email_deliveries = {str(d.key): d for d in deliveries if d.channel == Delivery.Channel.EMAIL}
    assert any(d.channel == Delivery.Channel.POST for d in deliveries)

    # The ESP accepted each email delivery exactly once (its key is a dict key), and no other.
    assert set(fake_sendgrid.accepted) == set(email_deliveries)

    # Across the accepted messages no signature appears twice, and each carries its delivery's.
    seen_emails = Counter()
    seen_names = Counter()
    for key, message in fake_sendgrid.accepted.items():
        delivery = email_deliveries[key]
        assert message.recipients == [delivery.target.email]
        assert message.message_id.startswith(f"<delivery-{key}@")
        rows = message.csv_rows()
        assert sorted(row["email"] for row in rows) == sorted(
            delivery.signatures.values_list("email", flat=True)
        )
        seen_emails.update(row["email"] for row in rows)
        seen_names.update((row["name"], row["zip_code"]) for row in rows)
    assert [email for email, n in seen_emails.items() if n > 1] == []
    assert [name for name, n in seen_names.items() if n > 1] == []
    assert (
        sum(seen_emails.values())
        == confirmed.filter(delivery__channel=Delivery.Channel.EMAIL).count()
    )

    # What the ESP threw away: sends repeated with the same key, carrying the same signatures.
    duplicates = fake_sendgrid.duplicates()
    after_kill = 0
    for duplicate in duplicates:
        first = fake_sendgrid.accepted[duplicate.key]
        assert sorted(map(str, duplicate.csv_rows())) == sorted(map(str, first.csv_rows()))
        assert duplicate.message_id == first.message_id
        if any(first.received_at < t < duplicate.received_at for t in kill_times):
            after_kill += 1
    assert all(request.key for request in fake_sendgrid.requests)
    print(
        f"{trials} trials, {len(kill_times)} kills (delivery states at the kills: "
        f"{dict(states_at_kill)}); {len(deliveries)} deliveries "
        f"({len(email_deliveries)} by email) carrying {confirmed.count()} signatures; "
        f"SendGrid saw {fake_sendgrid.request_count} requests, {len(duplicates)} of them "
        f"repeats of an accepted key ({after_kill} across a kill: the provider-call window; "
        f"{len(duplicates) - after_kill} from two live runs of one delivery), all discarded "
        f"by the idempotency key."
    )
