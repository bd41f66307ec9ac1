"""The measured half of tests/bench/bench_delivery.py, run in its own process.

    python -m tests.bench.delivery_worker setup N    # a petition with N confirmed signatures
    python -m tests.bench.delivery_worker deliver PETITION_ID

`setup` prints the petition's id. `deliver` claims every waiting signature
(`deliver_signatures(force=True)`), runs `process_delivery` for each delivery
in this process, and prints one JSON object: wall times, where the time went
(PDF, CSV, the rest of sending), and the process's peak resident memory over
what it held once Django was set up. A process of its own per measurement
keeps the peak (`ru_maxrss` never goes down) about this work alone.
"""

import json
import os
import random
import resource
import sys
import time
from datetime import timedelta

SHARE_OF = {"CA": 0.10, "TX": 0.08, "FL": 0.065, "NY": 0.06}  # the rest share what is left
FIRST_NAMES = ("Maria", "James", "Zoë", "Nguyễn", "Aaliyah", "Chen", "José", "Olivia", "Ahmed")
LAST_NAMES = ("Garcia", "Smith", "O'Brien", "Tran", "Johnson", "Müller", "Lee", "Okafor")
COMMENTS = (
    "",
    "",
    "",
    "",
    "Post the hotline number in every bus and train station.",
    "I am a survivor. Seeing that number on a wall would have changed everything for me, "
    "years earlier than it did. Please make it law in our state, and fund the shelters too.",
)
BATCH = 5000


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "northstar.settings")
    import django

    django.setup()


def states_for(count, jurisdictions, rng):
    """`count` state codes: a few large states by their share, the others evenly."""
    rest = [code for code in jurisdictions if code not in SHARE_OF]
    weights = [SHARE_OF.get(code, 0) for code in jurisdictions]
    left = 1 - sum(SHARE_OF.values())
    weights = [w or left / len(rest) for w in weights]
    return rng.choices(jurisdictions, weights=weights, k=count)


def setup(count):
    """A live petition with `count` confirmed signatures spread over every target's state."""
    from django.utils import timezone

    from northstar.demo import load_home_page
    from petitions.attorneys_general import load_attorneys_general
    from petitions.models import DeliverySchedule, PetitionPage, Signature, Target

    load_attorneys_general()
    # Every office takes email, so every delivery builds its PDF and CSV and is sent.
    for target in Target.objects.filter(email=""):
        target.email = f"ag-{target.jurisdiction.lower()}@bench.example"
        target.save(update_fields=["email"])
    targets = {t.jurisdiction: t for t in Target.objects.all()}
    home = load_home_page()
    petition = home.add_child(
        instance=PetitionPage(
            title=f"Stop human traffickers ({count:,} signatures)",
            slug=f"bench-delivery-{count}-{int(time.time())}",
            summary="Post the national hotline number in every bus and train station.",
            letter="We ask you to require the hotline number to be posted in public places.",
            delivery_schedule=DeliverySchedule.OFF,
            share_signer_emails=True,
        )
    )
    rng = random.Random(count)
    states = states_for(count, sorted(targets), rng)
    start = timezone.now() - timedelta(days=30)
    for offset in range(0, count, BATCH):
        Signature.objects.bulk_create(
            Signature(
                petition=petition,
                target=targets[state],
                first_name=rng.choice(FIRST_NAMES),
                last_name=f"{rng.choice(LAST_NAMES)} {i}",
                email=f"signer{i}@example.org",
                zip_code=f"{rng.randrange(100000):05d}",
                state=state,
                comment=rng.choice(COMMENTS),
                status=Signature.Status.CONFIRMED,
                created_at=start + timedelta(seconds=i),
                confirmed_at=start + timedelta(seconds=i, minutes=5),
                share_email_with_target=rng.random() < 0.5,
            )
            for i, state in enumerate(states[offset : offset + BATCH], start=offset)
        )
    print(petition.pk)


class Stopwatch:
    """Wraps a function and adds up the seconds spent in it."""

    def __init__(self, function):
        self.function = function
        self.seconds = 0.0

    def __call__(self, *args, **kwargs):
        started = time.perf_counter()
        try:
            return self.function(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - started


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def deliver(petition_id):
    from petitions.delivery import packets, services
    from petitions.delivery.services import process_delivery
    from petitions.models import Delivery, PetitionPage

    petition = PetitionPage.objects.get(pk=petition_id)
    pdf = packets.packet_pdf = Stopwatch(packets.packet_pdf)
    csv = packets.delivery_csv = Stopwatch(packets.delivery_csv)
    baseline = peak_rss_mib()

    started = time.perf_counter()
    deliveries = services.deliver_signatures(petition, force=True)
    claimed = time.perf_counter()
    pdf_at_claim, csv_at_claim = pdf.seconds, csv.seconds  # packets are made at claim
    for delivery in deliveries:
        process_delivery.apply(args=[delivery.pk], throw=True)
    finished = time.perf_counter()

    statuses = sorted(set(petition.deliveries.values_list("status", flat=True)))
    if statuses != [Delivery.Status.SENT]:
        raise SystemExit(f"Deliveries not all sent: {statuses}")
    json.dump(
        {
            "signatures": sum(d.signature_count for d in deliveries),
            "deliveries": len(deliveries),
            "largest": max(d.signature_count for d in deliveries),
            "claim_seconds": claimed - started,
            "send_seconds": finished - claimed,
            "pdf_seconds": pdf.seconds,
            "csv_seconds": csv.seconds,
            "pdf_claim_seconds": pdf_at_claim,
            "csv_claim_seconds": csv_at_claim,
            "baseline_rss_mib": baseline,
            "peak_rss_mib": peak_rss_mib(),
        },
        sys.stdout,
    )


def main(argv):
    command, argument = argv
    setup_django()
    if command == "setup":
        setup(int(argument))
    elif command == "deliver":
        deliver(int(argument))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
