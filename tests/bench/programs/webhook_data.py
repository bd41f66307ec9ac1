"""Pending gifts and their signed Stripe events, for tests/bench/bench_webhooks.py.

Run from the repository root with the site's environment, on a migrated database:

- `python -m tests.bench.programs.webhook_data setup`: the campaign "Bench Campaign"
  with one team and one live fundraiser page in it (`campaign_data`'s loaders), so a
  paid gift counts at three levels. Prints `PAGES {"campaign": id, "team": id, "page": id}`.
- `... gifts <tag> <count> <events file>`: `count` pending gifts to that page, as
  `start_donation` leaves them once Stripe has opened their checkouts (a session id
  each), bulk-inserted; then one `checkout.session.completed` event per gift, paid in
  full, written to `<events file>` one a line as `<Stripe-Signature header><TAB><body>`,
  signed now with STRIPE_WEBHOOK_SECRET as Stripe signs (tests/support/stripe_events.py;
  Stripe's `construct_event` accepts a signature for 300 s). Prints
  `GIFTS {"gifts": n, "cents": total, "seconds": s}`.
- `... check <tag>...`: what the webhook made of the gifts of those tags, and of every
  total. Prints `CHECK {...}` (see `check`).
"""

import importlib
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

from tests.bench.programs.campaign_data import (
    AMOUNTS_DOLLARS,
    load_campaign,
    load_pages,
    load_teams,
)
from tests.support.stripe_events import event, signature_header, stripe_object

RECEIPT_TEMPLATE = "donation_receipt"  # donations.receipts.send_receipt


def setup_django():
    importlib.import_module("northstar.wsgi")  # django.setup(), as a gunicorn worker is


def fundraiser_page():
    from campaigns.models import FundraiserPage

    return FundraiserPage.objects.get(slug="page-0000")


def setup():
    from django.db import transaction

    with transaction.atomic():
        campaign = load_campaign()
        teams = load_teams(campaign, 1)
        load_pages(campaign, teams, 1)  # the first page is in the first team
    page = fundraiser_page()
    if page.team_id is None:
        raise RuntimeError("the bench fundraiser page is in no team")
    print("PAGES " + json.dumps({"campaign": campaign.pk, "team": page.team_id, "page": page.pk}))


def email(tag, n):
    return f"bench-{tag}-{n}@example.org"


def session_id(tag, n):
    return f"cs_test_bench_{tag}_{n}"


def gifts(tag, count, events_file):
    from django.conf import settings

    from donations.models import Donation

    started = time.monotonic()
    page = fundraiser_page()
    rng = random.Random(tag)
    Donation.objects.bulk_create(
        [
            Donation(
                page=page,
                amount_cents=rng.choice(AMOUNTS_DOLLARS) * 100,
                currency=page.currency,
                first_name="Bench",
                last_name="Donor",
                email=email(tag, n),
                name_shown=Donation.NameShown.PUBLIC,
                checkout_session_id=session_id(tag, n),
            )
            for n in range(count)
        ],
        batch_size=2_000,
    )
    pending = Donation.objects.filter(checkout_session_id__startswith=session_id(tag, ""))
    lines = []
    for pk, session, cents, currency in pending.order_by("pk").values_list(
        "pk", "checkout_session_id", "amount_cents", "currency"
    ):
        number = session.rsplit("_", 1)[1]
        session_object = stripe_object(
            "checkout.session",
            id=session,
            amount_subtotal=cents,
            amount_total=cents,
            currency=currency,
            client_reference_id=str(pk),
            customer_email=email(tag, number),
            metadata={"donation_id": str(pk), "page_id": str(page.pk)},
            mode="payment",
            payment_intent=f"pi_bench_{tag}_{number}",
            payment_status="paid",
            status="complete",
        )
        completed = event(
            "checkout.session.completed", session_object, event_id=f"evt_bench_{tag}_{number}"
        )
        body = json.dumps(completed, separators=(",", ":"))
        lines.append(f"{signature_header(body, settings.STRIPE_WEBHOOK_SECRET)}\t{body}\n")
    Path(events_file).write_text("".join(lines))
    cents = sum(pending.values_list("amount_cents", flat=True))
    print(
        "GIFTS "
        + json.dumps(
            {"gifts": len(lines), "cents": cents, "seconds": round(time.monotonic() - started, 1)}
        )
    )


def check(*tags):
    """The gifts of `tags`: by status, their events stored, their receipts by status (and how
    many addresses got other than one), and every `DonationTotal` key whose counted total
    differs from its true value (`true_values`), with the three levels' totals.

    No worker ran: each paid gift's receipt task (`donations.tasks.send_receipt`, published on
    commit) is done here first, as a worker would, oldest gift first; `receipt_numbers` says
    whether the year's numbers are 1..n without a gap or a repeat."""
    from django.db.models import Q

    from donations.models import Donation, DonationTotal, ReceiptSequence, StripeEvent
    from donations.receipts import send_receipt
    from northstar.models import OutboundEmail

    gifts_of = Q()
    emails_of = Q()
    events_of = Q()
    for tag in tags:
        gifts_of |= Q(checkout_session_id__startswith=session_id(tag, ""))
        emails_of |= Q(to__startswith=f"bench-{tag}-")
        events_of |= Q(event_id__startswith=f"evt_bench_{tag}_")
    ours = Donation.objects.filter(gifts_of)
    ours_paid = ours.filter(status="paid")
    for pk in (
        ours_paid.filter(receipt_number=None).order_by("paid_at", "pk").values_list("pk", flat=True)
    ):
        send_receipt(pk)
    numbers = sorted(
        Donation.objects.exclude(receipt_number=None).values_list("receipt_number", flat=True)
    )
    last = ReceiptSequence.objects.values_list("last_number", flat=True).first()
    receipts = OutboundEmail.objects.filter(emails_of, template=RECEIPT_TEMPLATE)
    per_address = Counter(receipts.values_list("to", flat=True))
    counted = DonationTotal.objects.totals()
    truth = DonationTotal.true_values()
    keys = set(counted) | {key for (key,) in truth}
    drift = {}
    for key in keys:
        now = truth.get((key,), {"amount_cents": 0, "donation_count": 0})
        was = counted.get(key, DonationTotal.ZERO)
        if (was.amount_cents, was.donation_count) != (now["amount_cents"], now["donation_count"]):
            drift[key] = {"counted": was._asdict(), "true": now}
    page = fundraiser_page()
    levels = {"page": page.pk, "team": page.team_id, "campaign": page.get_parent().pk}
    print(
        "CHECK "
        + json.dumps(
            {
                "gifts": dict(Counter(ours.values_list("status", flat=True))),
                "paid_cents": sum(ours_paid.values_list("amount_cents", flat=True)),
                "events": StripeEvent.objects.filter(events_of).count(),
                "receipts": dict(Counter(receipts.values_list("status", flat=True))),
                "receipts_sent": receipts.exclude(sent_at=None).count(),
                "addresses_not_one_receipt": sum(1 for email_, n in per_address.items() if n != 1)
                + ours_paid.exclude(email__in=per_address).count(),
                "receipt_numbers": numbers
                == list(range(1, len(numbers) + 1))
                == list(range(1, (last or 0) + 1)),
                "drift": {str(key): value for key, value in drift.items()},
                "levels": {
                    name: counted.get(pk, DonationTotal.ZERO)._asdict()
                    for name, pk in levels.items()
                },
                "all_paid_cents": sum(
                    Donation.objects.filter(status="paid").values_list("amount_cents", flat=True)
                ),
                "all_paid": Donation.objects.filter(status="paid").count(),
            }
        )
    )


if __name__ == "__main__":
    setup_django()
    command, *args = sys.argv[1:]
    if command == "setup":
        setup()
    elif command == "gifts":
        gifts(args[0], int(args[1]), args[2])
    elif command == "check":
        check(*args)
    else:
        raise SystemExit(f"unknown command {command!r}")
