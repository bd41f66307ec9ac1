"""Signing a petition and reading its page under load, each beside its ceiling.

tests/run_suite.sh --bench has started PostgreSQL (fsync on) and Redis and
exported DATABASE_URL, CELERY_BROKER_URL, CACHE_URL and NORTHSTAR_PG_BIN. This
module migrates, loads the demo data, collects static files and runs the site
under gunicorn (2 workers of 2 threads) on loopback, then measures:

- signing: wrk POSTing the sign form (tests/bench/sign.lua, a new email per
  request) against two ceilings: pgbench running a one-row INSERT-and-COMMIT on
  the same PostgreSQL, the fastest a durable write can go here, and the same
  POST to the smallest Django view that validates a form and inserts one row
  (tests/bench/programs/minimal_form.py), served by the same gunicorn, the
  framework's own limit; in rounds, each set against the pgbench runs just
  before and after it and against the minimal view's runs just before and after it;
- the cost of one request in-process (tests/bench/programs/cost_per_request.py):
  CPU time, SQL statements and Redis commands, figures that depend far less on
  the machine and on what else runs on it than throughput does;
- reading: wrk GETting the petition page against a static file of the same
  bytes served by WhiteNoise from the same gunicorn, the fastest this stack
  can answer a request of that size;
- freshness: while the page is under load, the count is changed in the
  database and the page polled until it shows the change.

Every loop is bounded in time and all traffic goes to 127.0.0.1.
"""

import contextlib
import functools
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid

import psycopg

from tests.bench.harness import (
    BENCH_DIR,
    GUNICORN_LOG,
    PGBENCH_CLIENTS,
    REPORT_SCRIPT,
    ROOT,
    RUN_FIGURES,
    STATIC_ROOT,
    THREADS,
    WARM_UP_WRK,
    WORKERS,
    Gunicorn,
    NoRedirect,
    cpu_line,
    fetch,
    get,
    measure_insert_ceiling,
    per_request_ms,
    run_program,
    server_env,
    steady,
    verdict,
    wrk,
)

SIGN_SCRIPT = BENCH_DIR / "sign.lua"
CEILING_FILE = "bench/petition-page-copy.html"

PETITION_PATH = "/stop-human-traffickers/"
MINIMAL_PATH = "/bench/minimal-form/"  # tests/bench/programs/minimal_form.py, bench URLs only
SIGN_ROUNDS = 5  # each between two pgbench runs; the median round is reported (single rounds
# of identical code range from 55% to 109% of the minimal view on the benchmark machine)
SIGN_WRK = ["-t2", "-c8", "-d10s", "--latency", "--timeout", "5s"]
SIGN_SOLO_WRK = ["-t2", "-c2", "-d8s", "--latency", "--timeout", "5s"]
READ_ROUNDS = 3  # each between two runs of the static file; the median round is reported
READ_WRK = ["-t2", "-c16", "-d12s", "--latency", "--timeout", "5s"]
PAGE_CACHE_SECONDS = 1  # petitions.views.PAGE_CACHE_SECONDS
FRESHNESS_PROBES = 4

SIGN_RPS_TARGET = 0.10  # of the bare insert rate
SIGN_MINIMAL_TARGET = 0.80  # of the minimal form view's rate
SIGN_P99_TARGET_MS = 100
PAGE_RPS_TARGET = 0.80  # of the same-size static file's rate


HIDDEN_TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
FORM_ACTION = re.compile(rb'action="(/petitions/\d+/sign/)"')
SHOWN_COUNT = re.compile(rb'aria-valuenow="(\d+)"')


def run():
    database_url = os.environ["DATABASE_URL"]
    env = server_env()
    run_id = uuid.uuid4().hex[:8]
    ceiling_file = STATIC_ROOT / CEILING_FILE
    started = time.monotonic()
    GUNICORN_LOG.parent.mkdir(parents=True, exist_ok=True)
    GUNICORN_LOG.write_bytes(b"")
    say("migrate, demo data, collectstatic")
    prepare_site(env)
    say("the cost of one request, in-process (also makes the minimal view's table)")
    results = {"cost": run_program(env, "cost_per_request", PETITION_PATH, tag="COST", timeout=600)}
    say("counting SQL statements per request")
    results["statements"] = count_statements(env)
    try:
        with Gunicorn(env) as server:
            page, token, cookie = fetch_page(server.url(PETITION_PATH))
            sign_path = FORM_ACTION.search(page).group(1).decode()
            check_one_signing(server, sign_path, token, cookie)
            sign = [sign_path, SIGN_SCRIPT, token, cookie]
            wrk(server, WARM_UP_WRK, *sign, f"w{run_id}")
            results.update(measure_signing_rounds(database_url, server, sign, run_id))
            results["signing_solo"] = wrk(server, SIGN_SOLO_WRK, *sign, f"s{run_id}")
            say("the worker's share: queueing the confirmation emails of the run")
            results["confirmations"] = measure_confirmation_queueing(env)
            page, _, _ = fetch_page(server.url(PETITION_PATH))
        ceiling_file.parent.mkdir(parents=True, exist_ok=True)
        ceiling_file.write_bytes(page)  # WhiteNoise indexes STATIC_ROOT as a worker starts
        results["page_bytes"] = len(page)
        with Gunicorn(env) as server:
            fetch_page(server.url(PETITION_PATH))  # still answers 200 after the restart
            static_path = f"/static/{CEILING_FILE}"
            if fetch(server.url(static_path)) != page:
                raise RuntimeError(f"{static_path} is not a copy of the page")
            results.update(measure_reading_rounds(database_url, server, static_path))
    finally:
        ceiling_file.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            ceiling_file.parent.rmdir()
    results["seconds"] = time.monotonic() - started
    return report(results)


STARTED = time.monotonic()


def say(message):
    print(f"  bench_petitions +{time.monotonic() - STARTED:.0f}s: {message}", flush=True)


def manage(env, *args):
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
        stdout=subprocess.DEVNULL,
    )


def prepare_site(env):
    """Migrate and load the demo data while collectstatic (no database) runs beside them."""
    collect = subprocess.Popen(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    try:
        manage(env, "migrate", "--noinput")
        manage(env, "load_demo_data")
    finally:
        collected = collect.wait(timeout=300)
    if collected != 0:
        raise RuntimeError("collectstatic failed")


def fetch_page(url):
    """The page's bytes, its form's CSRF value and the csrftoken cookie that goes with it."""
    body, cookies = get(url)
    token = HIDDEN_TOKEN.search(body)
    cookie = next(
        (c.split(";")[0].split("=", 1)[1] for c in cookies if c.startswith("csrftoken=")), None
    )
    if token is None or cookie is None:
        raise RuntimeError("the petition page carried no CSRF token or cookie")
    return body, token.group(1).decode(), cookie


def check_one_signing(server, sign_path, token, cookie):
    """One POST like wrk's, which must answer 302 to thank-you/ (a 200 is a form error)."""
    body = (
        f"csrfmiddlewaretoken={token}&first_name=Bench&last_name=Check"
        f"&email=bench-check-{uuid.uuid4().hex[:8]}%40example.org&zip_code=78701&state="
        "&comment=&website="
    ).encode()
    request = urllib.request.Request(  # noqa: S310
        server.url(sign_path),
        data=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookie}",
        },
    )
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            status, location, text = response.status, "", response.read()[:2000]
    except urllib.error.HTTPError as error:
        status, location, text = error.code, error.headers.get("Location", ""), error.read()[:2000]
    if status != 302 or not location.endswith("thank-you/"):
        raise RuntimeError(f"signing answered {status} {location!r}: {text!r}")


def measure_signing_rounds(database_url, server, sign, run_id):
    """SIGN_ROUNDS wrk runs of signing, each set against the ceilings measured on both sides.

    The machine's speed drifts by a third over minutes, and a shared virtual
    machine's by more over seconds. Each signing run is set against the mean
    of a minimal-view run just before it and one just after it, and its round
    against the mean of the pgbench runs before and after the round; the median
    round is reported. A steady drift then cancels out of both ratios.
    """
    say("pgbench: the insert ceiling")
    ceilings = [measure_insert_ceiling(database_url, server)]
    rounds = []
    minimal = [MINIMAL_PATH, *sign[1:]]
    for number in range(SIGN_ROUNDS):
        say(
            f"wrk: the minimal view, signing, the minimal view (round {number + 1} of "
            f"{SIGN_ROUNDS}), then pgbench"
        )
        round_id = f"{run_id}r{number}"
        before = wrk(server, SIGN_WRK, *minimal, f"m{round_id}")
        signing = wrk(server, SIGN_WRK, *sign, round_id)
        signing["rows"] = steady(functools.partial(bench_signatures, database_url, round_id))
        after = wrk(server, SIGN_WRK, *minimal, f"n{round_id}")
        ceilings.append(measure_insert_ceiling(database_url, server))
        signing["ceiling_tps"] = (ceilings[-2]["tps"] + ceilings[-1]["tps"]) / 2
        signing["ratio"] = signing["rps"] / signing["ceiling_tps"]
        signing["minimal"] = bracketing(before, after)
        framework_rps = signing["minimal"]["rps"]
        signing["minimal_ratio"] = signing["rps"] / framework_rps if framework_rps else 0
        rounds.append(signing)
    median = sorted(rounds, key=lambda r: r["ratio"])[len(rounds) // 2]
    median_minimal = sorted(rounds, key=lambda r: r["minimal_ratio"])[len(rounds) // 2]
    return {
        "signing": median,
        "signing_vs_minimal": median_minimal,
        "signing_rounds": rounds,
        "insert_ceilings": ceilings,
    }


def bracketing(before, after):
    """The minimal view's two runs around a signing run, as one: the mean rate (requests/s),
    the answers summed, and both runs as `runs`."""
    counted = ("requests", "signed", "non_2xx_3xx", "other", "timeouts")
    return {
        "rps": (before["rps"] + after["rps"]) / 2,
        **{name: before[name] + after[name] for name in counted},
        "runs": [before, after],
    }


def measure_reading_rounds(database_url, server, static_path):
    """READ_ROUNDS page runs, each between two runs of the static file, as for signing.

    The freshness probe runs during the middle round.
    """
    wrk(server, WARM_UP_WRK, static_path, REPORT_SCRIPT)
    wrk(server, WARM_UP_WRK, PETITION_PATH, REPORT_SCRIPT)
    say("wrk: the static file")
    statics = [wrk(server, READ_WRK, static_path, REPORT_SCRIPT)]
    rounds = []
    probe = None
    for number in range(READ_ROUNDS):
        say(f"wrk: the petition page, round {number + 1} of {READ_ROUNDS}, then the static file")
        if number == READ_ROUNDS // 2:
            with FreshnessProbe(database_url, server.url(PETITION_PATH)) as probe:
                reading = wrk(server, READ_WRK, PETITION_PATH, REPORT_SCRIPT)
        else:
            reading = wrk(server, READ_WRK, PETITION_PATH, REPORT_SCRIPT)
        reading["static_before"] = statics[-1]
        statics.append(wrk(server, READ_WRK, static_path, REPORT_SCRIPT))
        reading["ceiling_rps"] = (statics[-2]["rps"] + statics[-1]["rps"]) / 2
        reading["ratio"] = reading["rps"] / reading["ceiling_rps"]
        rounds.append(reading)
    median = sorted(rounds, key=lambda r: r["ratio"])[len(rounds) // 2]
    return {
        "reading": median,
        "reading_rounds": rounds,
        "static": median["static_before"],
        "static_runs": statics,
        "probe": probe,
    }


def bench_signatures(database_url, run_id):
    with psycopg.connect(database_url) as connection:
        row = connection.execute(
            "SELECT count(*) FROM petitions_signature WHERE email LIKE %s",
            [f"bench-{run_id}-%"],
        ).fetchone()
    return row[0]


class FreshnessProbe:
    """While the page is under load, change the count and time until a reader sees it.

    Each probe adds one to (then, on the next probe, takes one from) a count
    row of the petition in its own committed transaction, then polls the page
    until `aria-valuenow` shows the new total. Whatever was added is taken
    back at the end.
    """

    def __init__(self, database_url, url):
        self.database_url = database_url
        self.url = url
        self.lags = []
        self.errors = []
        self.thread = threading.Thread(target=self.probe, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.thread.join(timeout=30)

    def shown_count(self):
        match = SHOWN_COUNT.search(fetch(self.url))
        return int(match.group(1)) if match else None

    def probe(self):
        added = 0
        try:
            with psycopg.connect(self.database_url, autocommit=True) as connection:
                row_id = connection.execute(
                    "SELECT c.id FROM petitions_signaturecount c"
                    " JOIN wagtailcore_page p ON p.id = c.petition_id"
                    " WHERE p.url_path LIKE %s ORDER BY c.id LIMIT 1",
                    [f"%{PETITION_PATH}"],
                ).fetchone()[0]
                time.sleep(2)
                for number in range(FRESHNESS_PROBES):
                    change = 1 if number % 2 == 0 else -1
                    expected = self.shown_count_settled() + change
                    connection.execute(
                        "UPDATE petitions_signaturecount SET count = count + %s WHERE id = %s",
                        [change, row_id],
                    )
                    added += change
                    changed_at = time.monotonic()
                    deadline = changed_at + 5
                    last_old = 0.0
                    while time.monotonic() < deadline:
                        asked_at = time.monotonic()
                        if self.shown_count() == expected:
                            self.lags.append((last_old, time.monotonic() - changed_at))
                            break
                        last_old = asked_at - changed_at
                        time.sleep(0.02)
                    else:
                        self.errors.append(f"count {expected} not shown within 5 s")
                    time.sleep(1)
                if added:
                    connection.execute(
                        "UPDATE petitions_signaturecount SET count = count - %s WHERE id = %s",
                        [added, row_id],
                    )
        except Exception as error:  # reported, never left running
            self.errors.append(repr(error))

    def shown_count_settled(self):
        """The count once the cache has caught up with any earlier change."""
        time.sleep(PAGE_CACHE_SECONDS + 0.1)
        return self.shown_count()


def measure_confirmation_queueing(env):
    """What signing left to the worker: `queue_due_confirmations` for the run's signatures."""
    return run_program(env, "queue_confirmations", tag="QUEUED", timeout=600)


def count_statements(env):
    """SQL statements per request (BEGIN, COMMIT, savepoints included), in the test client."""
    counts = run_program(env, "count_statements", PETITION_PATH, tag="STATEMENTS", timeout=120)
    expected = {"render": 200, "cached": 200, "first_sign": 302, "sign": 302}
    for name, (status, _) in counts.items():
        if status != expected[name]:
            raise RuntimeError(f"counting statements: {name} answered {status}")
    return {name: number for name, (_, number) in counts.items()}


# The report


COST_ROWS = {
    "sign": "signing (POST → 302), from a new address",
    "sign_same_ip": "signing from an address this process has seen (the per-IP limit asks Redis)",
    "minimal": "the minimal form view (POST → 302)",
    "page_cached": "petition page from the page cache, new visitor (no cookie)",
    "page_cached_cookie": "petition page from the page cache, with the csrftoken cookie",
    "static": "a static file (WhiteNoise)",
    "page_render": "petition page rendered (not in the page cache)",
}


def ratio(cost, name, against):
    return cost[name]["cpu_ms"] / cost[against]["cpu_ms"] if cost[against]["cpu_ms"] else 0


def cost_table(cost):
    """The in-process cost of each kind of request (tests/bench/programs/cost_per_request.py)."""
    rows = [
        "One request at a time through the WSGI application gunicorn serves (every "
        "middleware, CSRF checked), in one process: CPU time per request (`time.process_time`, "
        "median of rounds of each kind in turn), and the SQL statements and Redis commands "
        "of one request (a script's own commands counted, as Redis counts them). These depend "
        "far less on the machine's load than throughput does, and the Python and C function "
        "calls of one request (`sys.setprofile`) not at all: the same code makes the same "
        "calls on any machine.",
        "",
        "| request | CPU per request | Python and C function calls | SQL statements "
        "| Redis commands |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, label in COST_ROWS.items():
        figures = cost[name]
        rows.append(
            f"| {label} | {figures['cpu_ms']:.2f} ms | {figures['calls']:,} "
            f"| {figures['statements']} | {figures['redis']} |"
        )
    calls = cost["sign"]["calls"] / cost["minimal"]["calls"]
    rows += [
        "",
        f"- By CPU alone, signing costs {ratio(cost, 'sign', 'minimal'):.2f}× the minimal "
        f"view, and a cached page {ratio(cost, 'page_cached', 'static'):.2f}× the static file "
        "(gunicorn's own work per request comes on top of both). By function calls, signing "
        f"makes {calls:.2f}× the minimal view's; what that count leaves out is the work in "
        "the kernel and in C beneath each call, most of it the round trips (one to "
        "PostgreSQL for each; a signing from an address this process has seen adds one to "
        f"Redis, {ratio(cost, 'sign_same_ip', 'sign'):.2f}× a new address's CPU).",
    ]
    return rows


def report(results):
    signing, solo = results["signing"], results["signing_solo"]
    ceilings, rounds = results["insert_ceilings"], results["signing_rounds"]
    versus = results["signing_vs_minimal"]
    minimal_ratio = versus["minimal_ratio"]
    minimal_failures = sum(
        r["minimal"]["non_2xx_3xx"] + r["minimal"]["other"] + r["minimal"]["timeouts"]
        for r in rounds
    )
    ceiling = {
        "tps": signing["ceiling_tps"],
        "latency_ms": sum(c["latency_ms"] for c in ceilings) / len(ceilings),
    }
    confirmations = results["confirmations"]
    static, reading, probe = results["static"], results["reading"], results["probe"]
    cores = os.cpu_count()
    sign_ratio = signing["rps"] / ceiling["tps"]
    RUN_FIGURES["signing_ratio"] = sign_ratio  # bench_webhooks' target is half of it
    page_ratio = reading["ratio"]
    page_rounds = results["reading_rounds"]
    sign_failures = signing["non_2xx_3xx"] + signing["other"]
    lags = probe.lags
    stale = max(old for old, _ in lags) if lags else None
    seen = max(new for _, new in lags) if lags else None
    fresh = stale is not None and stale <= PAGE_CACHE_SECONDS + 0.25 and not probe.errors
    lag_text = (
        f"old count last served to a request sent {stale * 1000:.0f} ms after the change; "
        f"new count received within {seen * 1000:.0f} ms (worst of {len(lags)})"
        if lags
        else "no probe completed"
    )
    table = [
        "| measurement | figure | ceiling, same run | ratio | target | |",
        "| --- | --- | --- | --- | --- | --- |",
        f"| signing rate (POST → 302), median of {len(rounds)} rounds "
        f"| {signing['rps']:.1f} signatures/s "
        f"| {ceiling['tps']:.0f} bare one-row INSERT+COMMIT/s (pgbench, "
        f"{PGBENCH_CLIENTS} clients; mean of the runs just before and after the round) "
        f"| {sign_ratio:.1%} (rounds: "
        + ", ".join(f"{r['ratio']:.1%}" for r in rounds)
        + f") | ≥ {SIGN_RPS_TARGET:.0%} | {verdict(sign_ratio >= SIGN_RPS_TARGET)} |",
        f"| signing rate against the framework's own limit, median of {len(rounds)} rounds "
        f"| {versus['rps']:.1f} signatures/s "
        f"| {versus['minimal']['rps']:.1f} POSTs/s of the same body to the smallest Django view "
        "that validates a form and inserts one row (same gunicorn and middleware, same wrk "
        "command; mean of the runs just before and after the signing run) "
        f"| {minimal_ratio:.0%} (rounds: "
        + ", ".join(f"{r['minimal_ratio']:.0%}" for r in rounds)
        + f") | ≥ {SIGN_MINIMAL_TARGET:.0%} "
        f"| {verdict(minimal_ratio >= SIGN_MINIMAL_TARGET and minimal_failures == 0)} |",
        f"| signing latency p50 / p99, {WORKERS * 4} connections "
        f"| {signing['p50_ms']:.0f} / {signing['p99_ms']:.0f} ms "
        f"| pgbench average {ceiling['latency_ms']:.1f} ms | | p99 < {SIGN_P99_TARGET_MS} ms "
        f"| {verdict(signing['p99_ms'] < SIGN_P99_TARGET_MS)} |",
        f"| signing latency p50 / p99, {WORKERS} connections (no queueing) "
        f"| {solo['p50_ms']:.0f} / {solo['p99_ms']:.0f} ms at {solo['rps']:.1f}/s "
        f"| | | p99 < {SIGN_P99_TARGET_MS} ms | {verdict(solo['p99_ms'] < SIGN_P99_TARGET_MS)} |",
        f"| signing errors | {sign_failures} answers other than 302, "
        f"{signing['timeouts']} timeouts | | | 0 "
        f"| {verdict(sign_failures == 0 and signing['timeouts'] == 0)} |",
        f"| page read rate (anonymous GET), median of {len(page_rounds)} rounds "
        f"| {reading['rps']:.0f} pages/s "
        f"| {reading['ceiling_rps']:.0f} GETs/s of a static file of the same "
        f"{results['page_bytes']:,} bytes (mean of the runs just before and after the round) "
        f"| {page_ratio:.0%} (rounds: "
        + ", ".join(f"{r['ratio']:.0%}" for r in page_rounds)
        + f") | ≥ {PAGE_RPS_TARGET:.0%} "
        f"| {verdict(page_ratio >= PAGE_RPS_TARGET and reading['non_2xx_3xx'] == 0)} |",
        f"| page latency p50 / p99, 16 connections "
        f"| {reading['p50_ms']:.1f} / {reading['p99_ms']:.1f} ms "
        f"| {static['p50_ms']:.1f} / {static['p99_ms']:.1f} ms | | | |",
        f"| age of the count a reader sees | {lag_text} "
        f"| page cache TTL {PAGE_CACHE_SECONDS} s | | ≤ {PAGE_CACHE_SECONDS} s "
        f"(+ one render) | {verdict(fresh)} |",
    ]
    statements = results["statements"]
    checks = [
        f"- Signing, {WORKERS * 4} connections, the median round: wrk completed "
        f"{signing['requests']:,} requests; "
        f"{signing['signed']:,} answered 302 to thank-you/, {signing['other']} otherwise "
        f"(first statuses: {signing['other_statuses']}). wrk's own \"Non-2xx or 3xx "
        f'responses": {signing["non_2xx_3xx"]}. Socket errors: connect '
        f"{signing['connect_errors']}, read {signing['read_errors']}, write "
        f"{signing['write_errors']}, timeout {signing['timeouts']}.",
        f"- New Signature rows with this run's addresses: {signing['rows']:,}, against "
        f"{signing['signed']:,} 302s counted by wrk (the difference is requests in flight "
        "when wrk stopped counting; they completed on the server).",
        "- The minimal view, all rounds (two runs each): "
        + ", ".join(
            f"{r['minimal']['requests']:,} requests, {r['minimal']['signed']:,} 302s"
            for r in rounds
        )
        + f"; {minimal_failures} other answers or timeouts.",
        f"- Signing, {WORKERS} connections: {solo['requests']:,} requests, "
        f"{solo['signed']:,} 302s, {solo['other'] + solo['non_2xx_3xx']} other answers.",
        f"- The worker's share, timed after the runs: `queue_due_confirmations` queued "
        f"{confirmations['queued']:,} confirmation emails (an OutboundEmail row and a Celery "
        f"task each) in {confirmations['seconds']:.1f} s, "
        f"{confirmations['cpu'] / max(confirmations['queued'], 1) * 1000:.2f} ms of CPU each; "
        "rendering and sending them is the email worker's, as for every message.",
        "- Page reads, all rounds: "
        f"{sum(r['non_2xx_3xx'] for r in page_rounds)} non-2xx/3xx answers, "
        f"{sum(r['timeouts'] for r in page_rounds)} timeouts; static file: "
        f"{sum(r['non_2xx_3xx'] for r in results['static_runs'])} and "
        f"{sum(r['timeouts'] for r in results['static_runs'])}.",
        f"- Freshness: anonymous readers get the page from a {PAGE_CACHE_SECONDS}-second cache "
        "in each gunicorn worker's memory (`northstar.pagecache`), so the count they see is "
        "at most "
        f"{PAGE_CACHE_SECONDS} s old plus the time their own request takes. Measured during "
        "the page run: a count row changed in the database, then the page polled every "
        "20 ms until it showed the change (last request still answered with the old count, "
        "sent after / first answer with the new one, received after): "
        + (", ".join(f"{old * 1000:.0f} / {new * 1000:.0f} ms" for old, new in lags) or "none")
        + "."
        + (f" Probe errors: {'; '.join(probe.errors)}." if probe.errors else ""),
        f"- Work per request: a signing made {statements['sign']} SQL statement(s) "
        f"(BEGIN, COMMIT and savepoints included; {statements['first_sign']} for a worker's "
        "first signing in a second, which reads the petition and the target) and "
        f"{signing['redis_per_request']:.1f} Redis commands; an uncached page render "
        f"{statements['render']} statements; a cached page {statements['cached']} statements "
        f"and {reading['redis_per_request']:.1f} Redis commands.",
    ]
    lines = [
        "",
        "## Petitions: signing and reading the page",
        "",
        f"The demo petition `{PETITION_PATH}` (2,424 signatures) served by "
        f"`gunicorn northstar.wsgi --workers {WORKERS} --worker-class gthread "
        f"--threads {THREADS}` (connections kept alive; DEBUG=false, "
        "CONN_MAX_AGE=60; email confirmation on: each signing writes its row, and each "
        "worker publishes at most one Celery task a second that queues the confirmation "
        "emails; no Celery worker runs during the measurement, and that queueing is timed "
        "apart below), "
        f"PostgreSQL with fsync on, Redis, wrk and pgbench, all on these {cores} cores over "
        "loopback. Each signing comes from an address of its own, as a viral petition's "
        "signers do (X-Forwarded-For, NUM_PROXIES=1, as behind a load balancer); rate "
        "limits lifted for the run (`PETITION_SIGNS_PER_IP_PER_HOUR` and "
        "`PETITION_SIGNS_PER_EMAIL_PER_HOUR` = 100000000), as the in-process measure "
        "signs hundreds of times from one address.",
        "",
        *table,
        "",
        "### Checks",
        "",
        *checks,
        "",
        "### The cost of one request, in-process",
        "",
        *cost_table(results["cost"]),
        "",
        "### Where the cores went",
        "",
        "CPU from /proc during each run, in cores (of "
        f'{cores}); "other" is everything else running on the machine at the time.',
        "",
        *(
            f"- pgbench ceiling, run {number}: {cpu_line(run['cpu'])}"
            for number, run in enumerate(ceilings, start=1)
        ),
        f"- signing, {WORKERS * 4} connections (the median round): {cpu_line(signing['cpu'])}",
        f"- signing, {WORKERS} connections: {cpu_line(solo['cpu'])}",
        f"- static file (the run before the median page round): {cpu_line(static['cpu'])}",
        f"- petition page (the median round): {cpu_line(reading['cpu'])}",
        "",
        "### Commands",
        "",
        f"- Insert ceiling: `{ceilings[0]['command']}`, before the first signing round and "
        "after each, on a fresh table "
        "`(id bigserial primary key, email text, created_at timestamptz)`, dropped after.",
        f"- Signing: `{signing['command']} -- <path> <csrf value> <csrf cookie> <run id>` "
        f"{len(rounds)} times after a 2 s warm-up, each beside the same command on "
        f"`{MINIMAL_PATH}` (before it in even rounds, after it in odd ones) and followed by "
        "pgbench, then "
        f"`{solo['command']} -- ...`. Every POST carries the CSRF pair from one GET "
        "(hidden field and csrftoken cookie), a unique `bench-<run>-<thread>-<n>@example.org`, "
        "ZIP 78701 and an empty state, from a unique address (`X-Forwarded-For: "
        "2001:2:0:<run>:<thread>:…`, RFC 5180's range for benchmarks).",
        f"- Static ceiling: `{static['command']}`: a byte-for-byte copy of the petition page, "
        "written into STATIC_ROOT before gunicorn starts and served by WhiteNoise from the "
        "same gunicorn, after a 2 s warm-up, before the first page round and after each.",
        f"- Page: `{reading['command']}`, anonymous (no cookies), after a 2 s warm-up, "
        f"{len(page_rounds)} times.",
        f"- The whole benchmark took {results['seconds']:.0f} s, migrate, demo data and "
        "collectstatic included.",
        "",
        "### What limits us, and what would move it",
        "",
        *limits(results),
        "",
    ]
    return "\n".join(lines)


def limits(results):
    signing, static, reading = results["signing"], results["static"], results["reading"]
    ceiling = results["insert_ceilings"][0]
    cores = os.cpu_count()
    sign_python = per_request_ms(signing, "gunicorn")
    sign_postgres = per_request_ms(signing, "postgres")
    insert_postgres = (
        ceiling["cpu"]["cores"].get("postgres", 0) / ceiling["tps"] * 1000 if ceiling["tps"] else 0
    )
    cost = results["cost"]
    page_python = per_request_ms(reading, "gunicorn")
    static_python = per_request_ms(static, "gunicorn")
    runs = (*results["insert_ceilings"], *results["signing_rounds"], static, reading)
    busiest_other = max(run["cpu"]["cores"]["other"] for run in runs)
    bound = (
        "the web process's CPU, not by PostgreSQL"
        if sign_python > 3 * sign_postgres
        else "the web process and PostgreSQL together"
    )
    paragraphs = [
        f"**Signing is bound by {bound}.** Each signing "
        f"cost about {sign_python:.1f} ms of gunicorn CPU and {sign_postgres:.1f} ms of "
        f"PostgreSQL CPU, where a bare insert costs PostgreSQL about {insert_postgres:.2f} ms. "
        f"At that cost {WORKERS} workers with {min(cores, WORKERS)} whole cores to "
        f"themselves would sign at most about {min(cores, WORKERS) * 1000 / sign_python:.0f}/s. "
        "What a signing does: Django's request cycle and CSRF check, the form (the state "
        "from an in-memory ZIP index; the petition and the target kept for a second in the "
        "worker), the per-IP rate limit (an address's first signing is counted in the web "
        "process and sent to Redis with its second; the per-email limit counts only repeat "
        "signings), and one INSERT committed on its "
        f"own ({results['statements']['sign']} statement(s)). The confirmation email is the "
        "Celery worker's (timed above). Beside the smallest Django view that validates a "
        f"form and inserts one row, which cost {cost['minimal']['cpu_ms']:.2f} ms of CPU "
        f"in-process against signing's {cost['sign']['cpu_ms']:.2f} ms (see above), what "
        "signing adds is its own: a form of eight fields (each copied for every form, as "
        "Django does; nine when the petition shares signers' emails) with every typed text "
        "normalised, the ZIP look-up and the target, the rate limit's look-up in the process, a "
        "row of 17 columns against 6 (written by `northstar.rows.insert`, its statement built "
        "once), the thank-you redirect. The machine was "
        f"{signing['cpu']['busy']:.0%} busy: a worker's second thread runs while the first "
        "waits for its commit to reach the disk, but both may wait at once, and the two "
        "threads share one interpreter lock. What would move it: more web processes than "
        f"cores, so that another fills a waiting worker's core (this benchmark fixes "
        f"{WORKERS}); more web machines, since signers share no hot row (the count is written "
        "only on confirmation, on one of several shards); and fewer Python cycles per request "
        "(Django's form machinery and the request cycle are most of what is left). Not done: "
        "`synchronous_commit = off` for signatures, which would remove the wait on the disk "
        "but could lose the last fraction of a second of signatures that signers were told "
        "had been taken.",
        "",
        f"**Reading** costs about {page_python:.1f} ms of gunicorn CPU per page against "
        f"{static_python:.1f} ms per static file of the same size (in-process "
        f"{cost['page_cached']['cpu_ms']:.2f} ms against {cost['static']['cpu_ms']:.2f} ms; "
        f"{cost['page_cached_cookie']['cpu_ms']:.2f} ms for a returning visitor who sends "
        "the csrftoken cookie). A cached page is a dictionary look-up in the worker's memory, "
        "answered with the headers its render was given; what it adds to the static file is "
        "the session, common and CSRF middleware and each visitor's CSRF token, Django's own "
        "`get_token`: for a new visitor a new secret and a mask, 64 draws from the "
        "operating system's random source, and the csrftoken cookie. A CDN or proxy cache "
        "in front, with the form's token fetched separately, would take even that off the "
        "web processes.",
    ]
    if busiest_other > 0.25:
        paragraphs += [
            "",
            f"**This run shared the machine**: other processes took up to {busiest_other:.2f} "
            f"of the {cores} cores during a measurement (see above), which lowers every figure "
            "and, as a figure and its ceiling ran at different moments, moves the ratios too: "
            "compare runs on a quiet machine.",
        ]
    return paragraphs + ["", *RETIRED_COPIES, "", *SIGNING_TRIMMED]


# What #11 retired or kept of code that copied framework internals, and what each cost.
# Measured once, not by this run: in-process CPU per request (`cost_per_request.py`, variants
# interleaved, min of at least 9 rounds) on 2026-11-29, against the commit before each change.
RETIRED_COPIES = [
    "### Code that copied the framework, and what retiring it cost",
    "",
    "Measured once by in-process A/B (CPU per request, variants interleaved, min of at least "
    "9 rounds), not by this run:",
    "",
    "- **The page cache's own CSRF secret generation and masking** (a copy of Django's "
    "private helpers) is gone; a cached hit calls Django's `get_token`. Cost: 59 µs per new "
    "visitor (two 32-character random strings), 29 µs for a returning one. No public API is "
    "cheaper, so the cost stays; it is most of what keeps a new reader's hit below 80% of "
    "the static file.",
    "- **`site/cache.py`**, a subclass of Django's private Redis cache client, is gone: the "
    "cache is Django's own `RedisCache`, and the rate limit's Lua script runs on a redis-py "
    "client (one round trip: 3 commands, 4 on a window's first attempt; 2 before, which "
    "could not follow a test's clock). `allow()` costs 44 µs.",
    "- **The state field's `__deepcopy__` override** is gone: its choices are a callable, "
    "Django's documented form. Django copies the sign form's ten fields for every form, "
    "73 µs against 33 µs for the minimal view's five.",
    "- **The page cache moved to just after CSRF**, with the clickjacking and CSP middleware "
    "inside it (a hit is answered with the headers its render was given): a hit went from "
    "0.372 to 0.296 ms (new visitor) and 0.319 to 0.208 ms (returning visitor). Kept.",
    "- **Typed-text normalisation** copied the whole QueryDict deeply: a shallow copy filled "
    "once, and printable ASCII returned as it is, took a signing from 1.70 to 1.58 ms. Kept.",
    "- **Session and common middleware inside the page cache** would save 0.02 ms a hit "
    "(under 5%): not done, Django's order is kept.",
]

# What signing stopped doing on 2026-12-03, in Python and C function calls of one signing
# (`python_calls` in cost_per_request.py: the same on any machine), each step against the one
# before it; the minimal view makes 2,742.
SIGNING_TRIMMED = [
    "### What signing stopped doing (December 2026)",
    "",
    "Counted once in function calls per signing (the same on any machine), each step "
    "against the one before; the minimal view makes 2,742:",
    "",
    "- **The INSERT is built once per model** (`northstar.rows.insert`, from the model's "
    "fields, each value prepared by its field as `save()` prepares it) rather than compiled "
    "by `Model.save()` for every signature: 3,829 → 3,459 calls. A signature has no "
    "`post_save` receivers to miss (tested).",
    "- **Typed text is normalised into one new MultiValueDict**, looking up a field only for "
    "text that is not printable ASCII, rather than through a QueryDict's `setlist` (which "
    "decodes every key and value again); and **the share-my-email field is made only for "
    "the petitions that ask**, rather than copied for every form and removed: 3,459 → "
    "3,279.",
    "- **The honeypot is an input read from the posted data**, not a declared field each "
    "sign and donate form copied: 3,279 → 3,205.",
    "- **The public routes come first in the URLconf** (petitions, donations, campaigns and "
    "the dashboard before the admin's patterns): 3,205 → 3,164.",
    "- **The web process keeps Python's own garbage-collector thresholds**, where a young "
    "generation of 50,000 objects was set before. A request leaves about a hundred objects "
    "in reference cycles (127 a signing, 87 for the minimal view: a bound form and its "
    "fields, the request and its session); collecting 50,000 at a time missed the CPU's "
    "cache and held the interpreter lock for about 70 ms, stopping every thread of the "
    "worker. The two settings alternated on 2026-12-03: in-process CPU per signing 1.41 and "
    "1.42 → 1.12 and 1.25 ms (the minimal view 0.97 and 1.11 → 0.84 and 0.86 ms); signing "
    "p99 at 8 connections, 6-second gunicorn runs, 64, 332, 89 and 93 ms → 27, 40, 29 "
    "and 24 ms.",
    "- Left as it is: Django's copy of the form's eight fields for every form (about 70 "
    "calls a field).",
    "- **An address's first signing no longer waits on Redis** (2026-12-04). The per-IP "
    "limit's round trip was most of the gap to 80%: 3-second runs alternated on one "
    "gunicorn (2026-12-03, 8 of each) put signing at 75% of the minimal view with it and "
    "83% without. Now each web process counts a key's first attempt in a window itself and "
    "adds it to the shared count in Redis with the key's second attempt there "
    "(`northstar.ratelimit`, at most 50,000 keys a process, the least recently used "
    "forgotten first); from then on each attempt asks Redis, as before. Most signers sign "
    "once, so a new address costs no round trip. What is given up: a key can make one "
    "attempt more than its limit per web process in a window (tested). Signings in this "
    "benchmark now come each from an address of its own, as a viral petition's do "
    "(X-Forwarded-For, from 2001:2::/48), where before every one came from 127.0.0.1, an "
    "address the limit exists to stop. A signing from an address this process has seen "
    "still asks Redis; the in-process table keeps it as a row of its own. Five alternated "
    "10-second rounds on one gunicorn, 2026-12-04: 81% of the minimal view (80–88%) from "
    "one address, 94% (87–108%) from new ones.",
    "- **Tried and withdrawn: counting the per-IP limit in the Celery worker** (a signature "
    "carrying a keyed hash of its address to the confirmation sweep, a web process "
    "refusing blocked addresses from a list read once a second). It took the round trip "
    "out of the request (3,164 → 3,098 calls, 0 Redis commands; 73% of the minimal view in "
    "a `make bench` run, and 82% and 91% in two runs with two gunicorn workers per core), "
    "but a review found that it told an attacker whether an address had signed (the sweep "
    "counts new signatures in order, a repeat on its own, so which of the attacker's own "
    "addresses went past the limit depended on it), counted a whole batch again when the "
    "sweep failed partway (deleting real signatures), and let one address write for "
    "seconds before the web heard of its block. The limit stays in the request.",
    "- **Tried and withdrawn: counting the per-IP limit in the signing's own INSERT** (a "
    "table of windows keyed by a keyed hash of the address; one statement, the count an "
    "upsert in a common table expression, the row inserted only within the limit; a repeat "
    "counted as a new address is). Two gunicorns side by side, 2026-12-03 evening, each "
    "signing from an address of its own: 8 alternated pairs of 5-second runs gave it 0.88 "
    "times the signings of the Redis limit (66% of the minimal view against 76%); over 3 "
    "rounds of 6 s a signing cost PostgreSQL 0.57 to 0.68 ms of CPU against 0.43 to 0.46 ms "
    "(the statement is planned on every call) and gunicorn 2.16 to 2.59 ms against 2.32 to "
    "2.44 ms, no clear saving. It moved work from Redis and the web processes, which scale "
    "out, onto PostgreSQL, which does not (docs/scaling.md), and one address's signings "
    "would wait on its row through each commit. The limit stays in Redis.",
    "- **Two gunicorn workers per core** (the README's production command) against one, "
    "alternated 3-second runs on one gunicorn, 6 pairs each, 2026-12-03 evening: 69.9% and "
    "77.0% with one, 82.9% and 68.1% with two. Pairs of runs vary by ±10 points on this "
    "machine, so the benchmark keeps one worker per core and its rounds.",
    "- **The same signing code, three runs of `make bench`:** 74% of the minimal view "
    "(rounds 63%, 83%, 74%; in-process CPU 1.16 times the minimal view's) at 3cbc7b1; on "
    "2026-12-03, 96% (rounds 84%, 96%, 109%; 1.48 times) at 6024493 and, half an hour "
    "later with five rounds, 74% (85%, 55%, 76%, 74%, 63%; 1.56 times), with no change to "
    "what a signing runs. On this machine one run's ratio does not settle the 80% target "
    "either way; the benchmark now takes the median of five rounds, not three.",
]
