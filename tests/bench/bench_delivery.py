"""Building and sending deliveries for 10,000 and 100,000 signatures, per signature.

tests/run_suite.sh --bench has started PostgreSQL and exported DATABASE_URL.
This module creates a database of its own beside it (so bench_petitions'
data and this one's never meet), migrates it, and for each size N:

- `python -m tests.bench.delivery_worker setup N` loads the 56 Attorneys
  General, gives every office an email address (the real data set has 3; an
  email delivery is the heavy path: a PDF and a CSV built and sent, where a
  postal one only becomes ready to print), and bulk-creates N confirmed
  signatures over the 56 jurisdictions (California 10%, Texas 8%, Florida
  6.5%, New York 6%, the rest evenly);
- `python -m tests.bench.delivery_worker deliver` claims them all
  (`deliver_signatures(force=True)`) and runs `process_delivery` for every
  delivery in its own process, through Anymail's SendGrid backend, to a fake
  SendGrid on loopback (tests/support/fake_sendgrid.py, answering at once)
  running here, in the parent, so that its work is not measured.

Each measurement runs in a fresh process: its peak resident memory
(`ru_maxrss`) is about that work alone. What has to hold is that time and
memory per signature stay flat from 10,000 to 100,000: the ratio of the two
per-signature figures is the number to compare between runs.
"""

import json
import os
import subprocess
import sys
import time
from urllib.parse import urlsplit, urlunsplit

import psycopg

from tests.support.fake_sendgrid import FakeSendGrid

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SIZES = (10_000, 100_000)
DATABASE = "northstar_bench_delivery"
FLAT_RATIO = 1.25  # per-signature cost at 100k may be at most this times the cost at 10k
STARTED = time.monotonic()


def say(message):
    print(f"  bench_delivery +{time.monotonic() - STARTED:.0f}s: {message}", flush=True)


def run():
    server_url = os.environ["DATABASE_URL"]
    database_url = urlunsplit(urlsplit(server_url)._replace(path=f"/{DATABASE}"))
    recreate_database(server_url)
    results = []
    try:
        with FakeSendGrid(keep_bodies=False) as esp:
            env = worker_env(database_url, esp.api_url)
            say("migrate")
            python(env, "manage.py", "migrate", "--noinput")
            for size in SIZES:
                say(f"{size:,} signatures: setup")
                petition_id = int(python(env, "-m", "tests.bench.delivery_worker", "setup", size))
                say(f"{size:,} signatures: deliver")
                accepted_before = len(esp.accepted)
                rows_before = esp.csv_rows_accepted
                figures = json.loads(
                    python(env, "-m", "tests.bench.delivery_worker", "deliver", petition_id)
                )
                figures["accepted"] = len(esp.accepted) - accepted_before
                figures["rows_accepted"] = esp.csv_rows_accepted - rows_before
                if figures["signatures"] != size or figures["rows_accepted"] != size:
                    raise RuntimeError(f"{size} signatures, but delivered {figures}")
                if figures["accepted"] != figures["deliveries"]:
                    raise RuntimeError(f"SendGrid accepted {figures['accepted']} of {figures}")
                results.append(figures)
                say(f"{size:,} signatures: {figures}")
            duplicates = esp.duplicate_count
    finally:
        drop_database(server_url)
    return report(results, duplicates)


def admin_connection(server_url):
    return psycopg.connect(server_url, autocommit=True)


def recreate_database(server_url):
    with admin_connection(server_url) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}"')
        connection.execute(f'CREATE DATABASE "{DATABASE}"')


def drop_database(server_url):
    with admin_connection(server_url) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


def worker_env(database_url, api_url):
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="northstar.settings",
        DATABASE_URL=database_url,
        EMAIL_BACKEND="anymail.backends.sendgrid.EmailBackend",
        SENDGRID_API_KEY="SG.bench",
        SENDGRID_API_URL=api_url,
        DEBUG="false",
    )
    return env


def python(env, *args):
    done = subprocess.run(
        [sys.executable, *map(str, args)],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=3600,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def per_signature(figures):
    n = figures["signatures"]
    total = figures["claim_seconds"] + figures["send_seconds"]
    return {
        "ms": total / n * 1000,
        "claim_us": figures["claim_seconds"] / n * 1e6,
        "pdf_ms": figures["pdf_seconds"] / n * 1000,
        "csv_us": figures["csv_seconds"] / n * 1e6,
        # Packets are built when a delivery is claimed (and again only if one is missing
        # at send): each phase's own time is what is left once its PDF and CSV are taken out.
        "claim_rest_us": (
            figures["claim_seconds"] - figures["pdf_claim_seconds"] - figures["csv_claim_seconds"]
        )
        / n
        * 1e6,
        "rest_ms": (
            figures["send_seconds"]
            - (figures["pdf_seconds"] - figures["pdf_claim_seconds"])
            - (figures["csv_seconds"] - figures["csv_claim_seconds"])
        )
        / n
        * 1000,
        "memory_kib": (figures["peak_rss_mib"] - figures["baseline_rss_mib"]) * 1024 / n,
    }


def report(results, duplicates):
    small, large = results[0], results[-1]
    small_each, large_each = per_signature(small), per_signature(large)
    time_ratio = large_each["ms"] / small_each["ms"]
    memory_ratio = large_each["memory_kib"] / small_each["memory_kib"]
    rows = []
    for figures in results:
        each = per_signature(figures)
        total = figures["claim_seconds"] + figures["send_seconds"]
        grown = figures["peak_rss_mib"] - figures["baseline_rss_mib"]
        rows.append(
            f"| {figures['signatures']:,} | {figures['deliveries']} "
            f"(largest {figures['largest']:,}) "
            f"| {total:.1f} s ({figures['claim_seconds']:.1f} claim + "
            f"{figures['send_seconds']:.1f} send) "
            f"| {each['ms']:.3f} ms "
            f"| {figures['pdf_seconds']:.1f} s / {figures['csv_seconds']:.2f} s "
            f"| {figures['peak_rss_mib']:.0f} MiB (+{grown:.0f}) "
            f"| {each['memory_kib']:.2f} KiB |"
        )
    # Time = a fixed cost per delivery + a cost per signature: two runs, two unknowns.
    (d1, n1, t1), (d2, n2, t2) = (
        (f["deliveries"], f["signatures"], f["claim_seconds"] + f["send_seconds"])
        for f in (small, large)
    )
    marginal = (d1 * t2 - d2 * t1) / (d1 * n2 - d2 * n1)
    fixed = (t1 - marginal * n1) / d1
    pdf_share = large["pdf_seconds"] / t2
    flat = time_ratio <= FLAT_RATIO and memory_ratio <= FLAT_RATIO
    return "\n".join(
        [
            "## Delivering signatures to the 56 Attorneys General",
            "",
            "Claiming every confirmed signature (`deliver_signatures(force=True)`) and running",
            "`process_delivery` for each delivery in one process: a PDF packet and a CSV built",
            "from the delivery's signatures and sent through Anymail's SendGrid backend to a",
            "fake SendGrid on loopback that answers at once. Every office is given an email",
            "address (the data set has 3), so all 56 deliveries take the heavy path;",
            "deliveries hold at most 5,000 signatures, so California is split at 100,000.",
            "Memory is the process's peak resident set over what it held once Django was set",
            "up (`ru_maxrss`), in a fresh process per size.",
            "",
            "| signatures | deliveries | wall time | per signature | PDF / CSV time "
            "| peak memory (over baseline) | memory per signature |",
            "| --- | --- | --- | --- | --- | --- | --- |",
            *rows,
            "",
            f"- 100k / 10k per signature: time **{time_ratio:.2f}×**, memory "
            f"**{memory_ratio:.2f}×** (flat means ≤ {FLAT_RATIO}×): "
            f"{'flat' if flat else 'NOT flat'}.",
            f"- The two runs fit {fixed:.2f} s per delivery plus {marginal * 1000:.2f} ms per "
            "signature. The fixed part is fpdf2 parsing the two DejaVu Sans files with "
            "fontTools for every packet and subsetting them into it, so at 10,000 the "
            "per-signature figure is mostly the 56 packets, and it falls as the count grows.",
            f"- What dominates: building the PDF, {pdf_share:.0%} of the wall time at "
            f"{large['signatures']:,} ({large_each['pdf_ms']:.2f} ms per signature: fpdf2 lays "
            "out every cell of every row). The CSV costs "
            f"{large_each['csv_us']:.0f} µs per signature. Both are built when a delivery is "
            f"claimed: the claim took {large_each['claim_us']:.0f} µs per signature, "
            f"{large_each['claim_rest_us']:.0f} µs of it besides the PDF and the CSV (reading "
            "the signatures, storing the files); the rest of sending (templates, the JSON "
            "payload with base64 attachments, the HTTP call) "
            f"{large_each['rest_ms'] * 1000:.0f} µs.",
            "- Peak memory is mostly fixed (fonts, templates, one packet built at a time): "
            f"+{small['peak_rss_mib'] - small['baseline_rss_mib']:.0f} MiB when the largest "
            f"delivery holds {small['largest']:,} signatures, "
            f"+{large['peak_rss_mib'] - large['baseline_rss_mib']:.0f} MiB at "
            f"{large['largest']:,}; deliveries are capped at 5,000 signatures and read in "
            "chunks, so it does not grow with the count.",
            f"- SendGrid accepted one message per delivery ({duplicates} repeated keys).",
            "",
        ]
    )
