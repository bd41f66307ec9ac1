"""Stripe's signed `checkout.session.completed` events handled end to end, beside pgbench.

tests/run_suite.sh --bench has started PostgreSQL (fsync on) and Redis and
exported DATABASE_URL, CACHE_URL and CELERY_BROKER_URL. This module creates a
database of its own beside the suite's, migrates it, builds a campaign with one
team and one fundraiser page in it (tests/bench/programs/webhook_data.py), and
runs the site under gunicorn as bench_petitions does (same workers and
threads), with an endpoint secret of its own. Then, in rounds:

- N pending gifts to the fundraiser page, as Stripe Checkout leaves them, and
  one `checkout.session.completed` event per gift, paid in full and signed as
  Stripe signs (HMAC-SHA256 of "<timestamp>.<payload>"), written to a file;
- wrk POSTs them to /donations/stripe/webhook/ (tests/bench/webhook.lua, each
  request a different event, none twice), where each is verified with Stripe's
  own `construct_event`, stored, and fulfilled: the gift marked paid, the
  page's, the team's and the campaign's totals added to, the owner's notice
  recorded, the receipt's task published on commit. Events handled per second is the
  figure; the events wrk did not reach are delivered after the timed run, so
  that every gift ends paid;
- pgbench's bare one-row INSERT-and-COMMIT on the same PostgreSQL before the
  first round and after each: each round is set against the mean of the runs
  just before and after it, and the median round is reported.

No Celery worker runs: each receipt's task waits in the broker, and the check
after the rounds numbers and queues the receipts as a worker would (never
sent). After the rounds every gift must be paid, every total equal its true
value (`DonationTotal.true_values`: no drift), each gift have one receipt
queued and the receipt numbers be 1..n without a gap. The target is half the signing ratio
(signing rate over the same pgbench) of this run if bench_petitions ran
before, else of the committed report.

NORTHSTAR_BENCH_SECONDS (default 10) and NORTHSTAR_BENCH_ROUNDS (default 5) set
each wrk run's length and the number of rounds, for a quick check that the
benchmark works. Every loop is bounded in time and all traffic goes to 127.0.0.1.
"""

import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg

from tests.bench.harness import (
    BENCH_DIR,
    GUNICORN_LOG,
    PGBENCH_CLIENTS,
    ROOT,
    RUN_FIGURES,
    THREADS,
    WARM_UP_WRK,
    WORKERS,
    Gunicorn,
    cpu_line,
    drop_database,
    measure_insert_ceiling,
    per_request_ms,
    program,
    recreate_database,
    server_env,
    steady,
    verdict,
)
from tests.bench.harness import wrk as run_wrk

DATABASE = "northstar_bench_webhooks"
WEBHOOK_PATH = "/donations/stripe/webhook/"
WEBHOOK_SCRIPT = BENCH_DIR / "webhook.lua"
SECONDS = int(os.environ.get("NORTHSTAR_BENCH_SECONDS", "10"))
ROUNDS = int(os.environ.get("NORTHSTAR_BENCH_ROUNDS", "5"))
WRK_THREADS = 2
CONNECTIONS = 8
WEBHOOK_WRK = [
    f"-t{WRK_THREADS}",
    f"-c{CONNECTIONS}",
    f"-d{SECONDS}s",
    "--latency",
    "--timeout",
    "5s",
]
WARM_UP_GIFTS = 2_000
MIN_GIFTS = 1_000
HEADROOM = 1.6  # events made for a round: this times the fastest rate yet times its length
DRAIN_CONNECTIONS = 4
SIGNING_TARGET_SHARE = 0.5  # of the signing ratio (signing rate over pgbench's)
SIGNING_ROW = re.compile(r"^\| signing rate \(POST → 302\).*?\| ([\d.]+)% \(rounds", re.M)
REPORT_PATH = "docs/benchmarks.md"
STARTED = time.monotonic()


def say(message):
    print(f"  bench_webhooks +{time.monotonic() - STARTED:.0f}s: {message}", flush=True)


def run():
    server_url = os.environ["DATABASE_URL"]
    env = server_env()
    env["STRIPE_WEBHOOK_SECRET"] = "whsec_bench_" + uuid.uuid4().hex
    run_id = uuid.uuid4().hex[:6]
    started = time.monotonic()
    database_url = recreate_database(server_url, DATABASE)
    env["DATABASE_URL"] = database_url
    results = {}
    try:
        say("migrate; a campaign, a team and a fundraiser page in it")
        program(env, "manage.py", "migrate", "--noinput", timeout=600)
        results["pages"] = program(env, "-m", PROGRAM, "setup", tag="PAGES")
        with tempfile.TemporaryDirectory() as events_dir, Gunicorn(env) as server:
            deliver = Deliverer(env, server, database_url, Path(events_dir))
            say(f"warm-up: {WARM_UP_GIFTS:,} events")
            warm_up = deliver.round(f"w{run_id}", WARM_UP_GIFTS, WARM_UP_WRK)
            results.update(measure_rounds(database_url, server, deliver, run_id, warm_up))
            results["tags"] = deliver.tags
        say("checking every gift, receipt and total")
        results["check"] = program(env, "-m", PROGRAM, "check", *results["tags"], tag="CHECK")
    finally:
        drop_database(server_url, DATABASE)
    results["signing"] = signing_ratio()
    results["seconds"] = time.monotonic() - started
    return report(results)


PROGRAM = "tests.bench.programs.webhook_data"


class Deliverer:
    """Makes a round's gifts and events, has wrk deliver them, then delivers what wrk did not."""

    def __init__(self, env, server, database_url, events_dir):
        self.env = env
        self.server = server
        self.database_url = database_url
        self.events_dir = events_dir
        self.tags = []

    def round(self, tag, gifts, params):
        """One wrk run over `gifts` new events; wrk's figures, with `made` (the gifts),
        `paid_in_run` (gifts paid once wrk stopped) and `drained` (events sent after)."""
        events = self.events_dir / f"{tag}.events"
        made = program(self.env, "-m", PROGRAM, "gifts", tag, gifts, events, tag="GIFTS")
        self.tags.append(tag)
        figures = run_wrk(
            self.server, params, WEBHOOK_PATH, WEBHOOK_SCRIPT, events, str(WRK_THREADS)
        )
        if figures["repeated"]:
            raise RuntimeError(
                f"wrk ran out of the {gifts:,} events of round {tag} and sent "
                f"{figures['repeated']:,} again: raise HEADROOM in {__file__}"
            )
        figures["made"] = made
        figures["paid_in_run"] = steady(lambda: paid_gifts(self.database_url, tag))
        figures["events_per_s"] = figures["handled"] / (figures["duration_us"] / 1e6)
        figures["drained"] = self.drain(events, tag)
        events.unlink()
        return figures

    def drain(self, events, tag):
        """POST, a few at a time, the events of the gifts of `tag` still pending; how many.

        wrk's first thread spends one event on checking its script, and the
        rest are those wrk had no time for.
        """
        pending = pending_sessions(self.database_url, tag)
        bodies = [
            (header, body)
            for header, body in (line.split("\t", 1) for line in events.read_text().splitlines())
            if json.loads(body)["data"]["object"]["id"] in pending
        ]
        url = self.server.url(WEBHOOK_PATH)
        with ThreadPoolExecutor(DRAIN_CONNECTIONS) as pool:
            statuses = list(pool.map(lambda pair: post_event(url, *pair), bodies))
        refused = [status for status in statuses if status != 200]
        if refused:
            raise RuntimeError(
                f"{len(refused)} events after the run answered {refused[:5]}; see {GUNICORN_LOG}"
            )
        return len(bodies)


def post_event(url, header, body):
    request = urllib.request.Request(  # noqa: S310
        url,
        data=body.encode(),
        headers={"Content-Type": "application/json", "Stripe-Signature": header},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def paid_gifts(database_url, tag):
    with psycopg.connect(database_url) as connection:
        return connection.execute(
            "SELECT count(*) FROM donations_donation"
            " WHERE checkout_session_id LIKE %s AND status = 'paid'",
            [f"cs_test_bench_{tag}_%"],
        ).fetchone()[0]


def pending_sessions(database_url, tag):
    with psycopg.connect(database_url) as connection:
        rows = connection.execute(
            "SELECT checkout_session_id FROM donations_donation"
            " WHERE checkout_session_id LIKE %s AND status = 'pending'",
            [f"cs_test_bench_{tag}_%"],
        ).fetchall()
    return {session for (session,) in rows}


def measure_rounds(database_url, server, deliver, run_id, warm_up):
    """ROUNDS rounds, each set against the mean of the pgbench runs just before and after it."""
    say("pgbench: the insert ceiling")
    ceilings = [measure_insert_ceiling(database_url, server)]
    fastest = warm_up["events_per_s"]
    rounds = []
    for number in range(ROUNDS):
        gifts = max(MIN_GIFTS, math.ceil(fastest * SECONDS * HEADROOM))
        say(f"round {number + 1} of {ROUNDS}: {gifts:,} events, then pgbench")
        figures = deliver.round(f"{run_id}r{number}", gifts, WEBHOOK_WRK)
        ceilings.append(measure_insert_ceiling(database_url, server))
        figures["ceiling_tps"] = (ceilings[-2]["tps"] + ceilings[-1]["tps"]) / 2
        figures["ratio"] = figures["events_per_s"] / figures["ceiling_tps"]
        fastest = max(fastest, figures["events_per_s"])
        rounds.append(figures)
    median = sorted(rounds, key=lambda r: r["ratio"])[len(rounds) // 2]
    return {"median": median, "rounds": rounds, "ceilings": ceilings, "warm_up": warm_up}


def signing_ratio():
    """(the signing ratio as a fraction, where it comes from): this run's, if bench_petitions
    ran before this benchmark, else the one in the committed docs/benchmarks.md."""
    if "signing_ratio" in RUN_FIGURES:
        return RUN_FIGURES["signing_ratio"], "this run's signing ratio"
    committed = subprocess.run(
        ["git", "show", f"HEAD:{REPORT_PATH}"], cwd=ROOT, capture_output=True, text=True
    )
    text = committed.stdout if committed.returncode == 0 else (ROOT / REPORT_PATH).read_text()
    match = SIGNING_ROW.search(text)
    if match is None:
        return None, f"no signing ratio in the committed {REPORT_PATH}"
    written = re.search(r"Written by `make bench` on ([^(]+?) \(", text)
    when = f", written {written.group(1)}" if written else ""
    return float(match.group(1)) / 100, f"the signing ratio of the committed {REPORT_PATH}{when}"


# The report


def check_failures(check, gifts):
    """What the check after the rounds found wrong, as sentences (none: all is well)."""
    paid = check["gifts"].get("paid", 0)
    wrong = []
    if check["gifts"] != {"paid": gifts}:
        wrong.append(f"gifts by status {check['gifts']}, of {gifts:,} made")
    if check["events"] != gifts:
        wrong.append(f"{check['events']:,} events stored for {gifts:,} gifts")
    if check["receipts"] != {"queued": paid} or check["receipts_sent"]:
        wrong.append(f"receipts by status {check['receipts']}, {check['receipts_sent']} sent")
    if not check.get("receipt_numbers"):
        wrong.append("receipt numbers not 1..n without a gap")
    if check["addresses_not_one_receipt"]:
        wrong.append(f"{check['addresses_not_one_receipt']} gifts without exactly one receipt")
    if check["drift"]:
        wrong.append(f"totals drifted: {check['drift']}")
    expected = {"amount_cents": check["all_paid_cents"], "donation_count": check["all_paid"]}
    for level, totals in check["levels"].items():
        if totals != expected:
            wrong.append(f"the {level}'s total {totals}, where its gifts sum to {expected}")
    return wrong


def money(cents):
    return f"${cents / 100:,.2f}"


def report(results):
    median, rounds = results["median"], results["rounds"]
    ceilings, check = results["ceilings"], results["check"]
    every = [results["warm_up"], *rounds]
    gifts = sum(r["made"]["gifts"] for r in every)
    wrong = check_failures(check, gifts)
    failures = sum(r["other"] + r["non_2xx_3xx"] + r["timeouts"] for r in rounds)
    signing, source = results["signing"]
    target = signing * SIGNING_TARGET_SHARE if signing is not None else None
    ratio = median["ratio"]
    latency_ms = sum(c["latency_ms"] for c in ceilings) / len(ceilings)
    cores = os.cpu_count()
    target_text = (
        f"≥ half the signing ratio: {target:.1%} ({source}: {signing:.1%})"
        if target is not None
        else f"≥ half the signing ratio ({source})"
    )
    met = target is not None and ratio >= target and failures == 0 and not wrong
    levels = check["levels"]
    table = [
        "| measurement | figure | ceiling, same run | ratio | target | |",
        "| --- | --- | --- | --- | --- | --- |",
        f"| signed `checkout.session.completed` events handled (POST → 200), median of "
        f"{len(rounds)} rounds | {median['events_per_s']:.1f} events/s "
        f"| {median['ceiling_tps']:.0f} bare one-row INSERT+COMMIT/s (pgbench, "
        f"{PGBENCH_CLIENTS} clients; mean of the runs just before and after the round) "
        f"| {ratio:.1%} (rounds: " + ", ".join(f"{r['ratio']:.1%}" for r in rounds) + ") "
        f"| {target_text} | {verdict(met)} |",
        f"| latency p50 / p99, {CONNECTIONS} connections "
        f"| {median['p50_ms']:.0f} / {median['p99_ms']:.0f} ms "
        f"| pgbench average {latency_ms:.1f} ms | | | |",
        f"| answers other than 200, all rounds | {failures} | | | 0 | {verdict(failures == 0)} |",
        f"| after the rounds: every gift paid, no total drifted, one receipt queued per gift "
        f"and none sent | {check['gifts'].get('paid', 0):,} of {gifts:,} paid; "
        f"{sum(check['receipts'].values()):,} receipts "
        f"({', '.join(f'{n:,} {s}' for s, n in check['receipts'].items()) or 'none'}); "
        f"{len(check['drift'])} totals drifted | | | all | {verdict(not wrong)} |",
    ]
    checks = [
        f"- The median round: wrk completed {median['requests']:,} requests, "
        f"{median['handled']:,} answered 200, {median['other']} otherwise "
        f"(first statuses: {median['other_statuses']}); socket errors: connect "
        f"{median['connect_errors']}, read {median['read_errors']}, write "
        f"{median['write_errors']}, timeout {median['timeouts']}. Gifts paid once wrk "
        f"stopped: {median['paid_in_run']:,} (the difference is requests in flight when wrk "
        "stopped counting; they completed on the server).",
        "- Each round: "
        + "; ".join(
            f"{r['made']['gifts']:,} events made, {r['handled']:,} handled in "
            f"{r['duration_us'] / 1e6:.1f} s, {r['drained']:,} delivered after"
            for r in rounds
        )
        + f". The warm-up ({WARM_UP_GIFTS:,} events, 2 s): "
        f"{results['warm_up']['handled']:,} handled, {results['warm_up']['drained']:,} after.",
        f"- After every round, in the database: {check['gifts'].get('paid', 0):,} of the "
        f"{gifts:,} gifts paid, {check['events']:,} events stored once each; totals (sum of "
        f"the shards) {money(levels['page']['amount_cents'])} from "
        f"{levels['page']['donation_count']:,} gifts on the fundraiser page, "
        f"{money(levels['team']['amount_cents'])} from {levels['team']['donation_count']:,} "
        f"on its team, {money(levels['campaign']['amount_cents'])} from "
        f"{levels['campaign']['donation_count']:,} on the campaign, against "
        f"{money(check['all_paid_cents'])} from {check['all_paid']:,} paid gifts; every "
        f"`DonationTotal` against `true_values()`: {len(check['drift'])} drifted; receipts "
        f"(`donation_receipt` in the outbox): "
        + (", ".join(f"{n:,} {s}" for s, n in check["receipts"].items()) or "none")
        + f", {check['receipts_sent']} sent, {check['addresses_not_one_receipt']} gifts "
        "without exactly one.",
        *(f"- **Wrong:** {sentence}." for sentence in wrong),
    ]
    python_ms = per_request_ms(median | {"rps": median["events_per_s"]}, "gunicorn")
    postgres_ms = per_request_ms(median | {"rps": median["events_per_s"]}, "postgres")
    insert_ms = (
        ceilings[0]["cpu"]["cores"].get("postgres", 0) / ceilings[0]["tps"] * 1000
        if ceilings[0]["tps"]
        else 0
    )
    runs = (*ceilings, *rounds)
    busiest_other = max(r["cpu"]["cores"]["other"] for r in runs)
    lines = [
        "",
        "## Donations: Stripe's webhook, signed events handled end to end",
        "",
        "One fundraiser page in a team of a campaign (so a paid gift counts at three levels), "
        "and pending gifts to it as Stripe Checkout leaves them. Each gift's "
        "`checkout.session.completed` event (Stripe's published example, paid in full) is "
        "signed as Stripe signs it, with an endpoint secret of this run, and POSTed once to "
        f"`{WEBHOOK_PATH}`, served by `gunicorn northstar.wsgi --workers {WORKERS} "
        f"--worker-class gthread --threads {THREADS}` (connections kept alive; DEBUG=false, "
        "CONN_MAX_AGE=60), in a database of its own; PostgreSQL with fsync on, Redis, wrk and "
        f"pgbench, all on these {cores} cores over loopback. Each event is verified with "
        "Stripe's `construct_event`, stored once (`StripeEvent`), and fulfilled in the same "
        "transaction: the gift locked and marked paid, the page's, team's and campaign's "
        "totals added to in one upsert, the owner's notice recorded (its row locked: every "
        "gift here is to the one page), the receipt's task (numbering and queueing it) "
        "published on commit. No Celery worker runs: the check numbers and queues the "
        "receipts afterwards, and none is sent.",
        "",
        *table,
        "",
        "### Checks",
        "",
        *checks,
        "",
        "### Where the cores went",
        "",
        f'CPU from /proc during each run, in cores (of {cores}); "other" is everything else '
        'running on the machine at the time; "postgres" counts every PostgreSQL process on '
        "the machine (another suite's too, on a shared machine).",
        "",
        *(
            f"- pgbench ceiling, run {number}: {cpu_line(run['cpu'])}"
            for number, run in enumerate(ceilings, start=1)
        ),
        f"- webhook events (the median round): {cpu_line(median['cpu'])}; about "
        f"{python_ms:.1f} ms of gunicorn CPU and {postgres_ms:.1f} ms of PostgreSQL CPU per "
        f"event, where a bare insert costs PostgreSQL about {insert_ms:.2f} ms",
        "",
        "### Commands",
        "",
        f"- Insert ceiling: `{ceilings[0]['command']}`, before the first round and after each.",
        f"- Events: `python -m {PROGRAM} gifts <tag> <count> <file>` before each round (gifts "
        f"and signatures made then: Stripe accepts a signature for 300 s), then "
        f"`{median['command']} -- <path> <file> {WRK_THREADS}`, {len(rounds)} times after a "
        f"warm-up of `{' '.join(WARM_UP_WRK)}`; a round is made {HEADROOM} times the events "
        "the fastest run yet handled in its length, and the events wrk did not reach are "
        f"POSTed after it, {DRAIN_CONNECTIONS} at a time; then "
        f"`python -m {PROGRAM} check <tags>`.",
        f"- The whole benchmark took {results['seconds']:.0f} s, migrate and data included.",
        "",
        "### What limits us, and what would move it",
        "",
        f"**An event costs about {python_ms:.1f} ms of gunicorn CPU and {postgres_ms:.1f} ms "
        f"of PostgreSQL CPU** (the median round): verifying the signature and "
        "building Stripe's event object from about 3.5 kB of JSON (about 1 ms in-process), then"
        " one transaction of twelve statements, eighteen with BEGIN, COMMIT and the savepoints "
        "(the event stored, the gift locked and updated, the page read as its own type, the "
        "levels it counts at, the totals' upsert, the owner's notice made if missing and "
        "locked, the gift noted for it, the page's total read back for its milestones) and "
        "the receipt's task published to Redis on commit. Every gift here is"
        " to one page, so the events queue on that page's notice row from its lock to their "
        "commit, as a viral page's would; gifts to many pages would not. Stripe sends events at"
        " the rate gifts are made and retries any that fail for three days, so this rate bounds"
        " how fast gifts are confirmed, not how many are taken.",
    ]
    if busiest_other > 0.25:
        lines += [
            "",
            f"**This run shared the machine**: other processes took up to {busiest_other:.2f} "
            f"of the {cores} cores during a measurement (see above), which lowers every figure "
            "and, as a figure and its ceiling ran at different moments, moves the ratios too: "
            "compare runs on a quiet machine.",
        ]
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit("Run it with `make bench` (tests/bench/run.py), which starts PostgreSQL and Redis.")
