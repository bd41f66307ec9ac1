"""Signing a petition and reading its page under load, each beside its ceiling.

tests/run_suite.sh --bench has started PostgreSQL (fsync on) and Redis and
exported DATABASE_URL, CELERY_BROKER_URL, CACHE_URL and NORTHSTAR_PG_BIN. This
module migrates, loads the demo data, collects static files and runs the site
under gunicorn (2 sync workers) on loopback, then measures:

- signing: wrk POSTing the sign form (tests/bench/sign.lua, a new email per
  request) against pgbench running a one-row INSERT-and-COMMIT on the same
  PostgreSQL, the fastest a durable write can go here;
- reading: wrk GETting the petition page against a static file of the same
  bytes served by WhiteNoise from the same gunicorn, the fastest this stack
  can answer a request of that size;
- freshness: while the page is under load, the count is changed in the
  database and the page polled until it shows the change.

Every loop is bounded in time and all traffic goes to 127.0.0.1.
"""

import contextlib
import os
import re
import resource
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]
BENCH_DIR = Path(__file__).resolve().parent
SIGN_SCRIPT = BENCH_DIR / "sign.lua"
REPORT_SCRIPT = BENCH_DIR / "report.lua"
STATIC_ROOT = ROOT / "static_root"  # settings.STATIC_ROOT
CEILING_FILE = "bench/petition-page-copy.html"
GUNICORN_LOG = ROOT / "var" / "bench-gunicorn.log"

PETITION_PATH = "/stop-human-traffickers/"
WORKERS = 2
SIGN_WRK = ["-t2", "-c8", "-d15s", "--latency", "--timeout", "5s"]
READ_WRK = ["-t2", "-c16", "-d15s", "--latency", "--timeout", "5s"]
WARM_UP_WRK = ["-t2", "-c4", "-d2s", "--timeout", "5s"]
PGBENCH_CLIENTS = 4
PGBENCH_SECONDS = 10
PAGE_CACHE_SECONDS = 1  # petitions.views.PAGE_CACHE_SECONDS
FRESHNESS_PROBES = 4

SIGN_RPS_TARGET = 0.10  # of the bare insert rate
SIGN_P99_TARGET_MS = 100
PAGE_RPS_TARGET = 0.80  # of the same-size static file's rate

CEILING_TABLE = "bench_insert_ceiling"
PGBENCH_SQL = """\
BEGIN;
INSERT INTO bench_insert_ceiling (email, created_at)
  VALUES ('bench-' || :client_id || '-' || random() || '@example.org', now());
COMMIT;
"""

HIDDEN_TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
SHOWN_COUNT = re.compile(rb'aria-valuenow="(\d+)"')


def run():
    database_url = os.environ["DATABASE_URL"]
    env = server_env()
    run_id = uuid.uuid4().hex[:8]
    ceiling_file = STATIC_ROOT / CEILING_FILE
    started = time.monotonic()
    GUNICORN_LOG.parent.mkdir(exist_ok=True)
    GUNICORN_LOG.write_bytes(b"")
    prepare_site(env)
    try:
        with Gunicorn(env) as server:
            page, token, cookie = fetch_page(server.url(PETITION_PATH))
            check_one_signing(server, token, cookie)
            insert_ceiling = measure_insert_ceiling(database_url, server)
            rows_before = bench_signatures(database_url, run_id)
            warm_up_id = f"w{run_id}"
            wrk(server, WARM_UP_WRK, PETITION_PATH, SIGN_SCRIPT, token, cookie, warm_up_id)
            signing = wrk(server, SIGN_WRK, PETITION_PATH, SIGN_SCRIPT, token, cookie, run_id)
            time.sleep(1)  # let the last requests wrk stopped waiting for finish
            signing["rows"] = bench_signatures(database_url, run_id) - rows_before
            page, _, _ = fetch_page(server.url(PETITION_PATH))
        ceiling_file.parent.mkdir(parents=True, exist_ok=True)
        ceiling_file.write_bytes(page)  # WhiteNoise indexes STATIC_ROOT when a worker starts
        with Gunicorn(env) as server:
            fetch_page(server.url(PETITION_PATH))  # still answers 200 after the restart
            static_path = f"/static/{CEILING_FILE}"
            if fetch(server.url(static_path)) != page:
                raise RuntimeError(f"{static_path} is not the page's copy")
            wrk(server, WARM_UP_WRK, static_path, REPORT_SCRIPT)
            static = wrk(server, READ_WRK, static_path, REPORT_SCRIPT)
            wrk(server, WARM_UP_WRK, PETITION_PATH, REPORT_SCRIPT)
            with FreshnessProbe(database_url, server.url(PETITION_PATH)) as probe:
                reading = wrk(server, READ_WRK, PETITION_PATH, REPORT_SCRIPT)
    finally:
        ceiling_file.unlink(missing_ok=True)
    return report(
        page_bytes=len(page),
        insert_ceiling=insert_ceiling,
        signing=signing,
        static=static,
        reading=reading,
        lags=probe.lags,
        probe_errors=probe.errors,
        seconds=time.monotonic() - started,
    )


# The site under gunicorn


def server_env():
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="northstar.settings",
        DEBUG="false",
        HTTPS="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECRET_KEY="bench-" + uuid.uuid4().hex + uuid.uuid4().hex,
        CONN_MAX_AGE="60",
        STATIC_MANIFEST="false",
        PETITION_SIGNS_PER_IP_PER_HOUR="100000000",
        PETITION_SIGNS_PER_EMAIL_PER_HOUR="100000000",
    )
    return env


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
    manage(env, "migrate", "--noinput")
    manage(env, "load_demo_data")
    manage(env, "collectstatic", "--noinput")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """`gunicorn northstar.wsgi` on a free loopback port, stopped on leaving the block."""

    def __init__(self, env):
        self.env = env
        self.port = free_port()
        self.process = None

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self):
        self.log = open(GUNICORN_LOG, "ab")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "northstar.wsgi",
                "--workers",
                str(WORKERS),
                "--bind",
                f"127.0.0.1:{self.port}",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=self.log,
        )
        try:
            self.wait_until_it_answers()
        except BaseException:
            self.stop()
            raise
        return self

    def wait_until_it_answers(self, seconds=60):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log.name}")
            try:
                with urllib.request.urlopen(self.url("/healthz"), timeout=5) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {seconds} s")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.log.close()

    def __exit__(self, *exc):
        self.stop()

    def pids(self):
        """The master and its workers, for the CPU accounting."""
        return {self.process.pid} | children_of(self.process.pid)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url):
    return get(url)[0]


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
            return response.read(), response.headers.get_all("Set-Cookie") or []
    except urllib.error.HTTPError as error:
        raise RuntimeError(f"GET {url} answered {error.code}; see {GUNICORN_LOG}") from error


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


def check_one_signing(server, token, cookie):
    """One POST like wrk's, which must answer 302 to thank-you/ (a 200 is a form error)."""
    body = (
        f"csrfmiddlewaretoken={token}&first_name=Bench&last_name=Check"
        f"&email=bench-check-{uuid.uuid4().hex[:8]}%40example.org&zip_code=78701&state="
        "&comment=&website="
    ).encode()
    request = urllib.request.Request(  # noqa: S310
        server.url(PETITION_PATH),
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


# Measurements


def wrk(server, params, path, script, *args):
    """Run wrk against `path`; its human output and the numbers from the script's done()."""
    command = ["wrk", *params, "-s", str(script), server.url(path)]
    if args:
        command += ["--", path, *args]
    with CpuUsage(server, "wrk") as cpu:
        result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)
    figures = parse_bench_line(result.stdout)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", result.stdout)
    figures.update(
        command="wrk " + " ".join(params) + f" -s tests/bench/{script.name} <url>{path}",
        output=result.stdout,
        non_2xx_3xx=int(non_2xx.group(1)) if non_2xx else 0,
        rps=figures["requests"] / (figures["duration_us"] / 1e6),
        p50_ms=figures["p50_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        cpu=cpu.result,
    )
    return figures


def parse_bench_line(output):
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    figures = {}
    for pair in line.split()[1:]:
        key, value = pair.split("=", 1)
        figures[key] = int(value) if value.lstrip("-").isdigit() else value
    return figures


def measure_insert_ceiling(database_url, server):
    """pgbench: PGBENCH_CLIENTS clients each committing one-row INSERTs, as fast as they can."""
    pgbench = Path(os.environ.get("NORTHSTAR_PG_BIN", "/usr/lib/postgresql/15/bin")) / "pgbench"
    script = ROOT / "var" / "bench-insert.sql"
    script.write_text(PGBENCH_SQL)
    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute(f"DROP TABLE IF EXISTS {CEILING_TABLE}")
        connection.execute(
            f"CREATE TABLE {CEILING_TABLE} (id bigserial PRIMARY KEY,"
            " email text NOT NULL, created_at timestamptz NOT NULL)"
        )
    params = ["-n", "-c", str(PGBENCH_CLIENTS), "-j", "2", "-T", str(PGBENCH_SECONDS)]
    try:
        with CpuUsage(server, "pgbench") as cpu:
            result = subprocess.run(
                [str(pgbench), *params, "-f", str(script), database_url],
                capture_output=True,
                text=True,
                timeout=PGBENCH_SECONDS + 60,
                check=True,
            )
    finally:
        with psycopg.connect(database_url, autocommit=True) as connection:
            connection.execute(f"DROP TABLE IF EXISTS {CEILING_TABLE}")
        script.unlink(missing_ok=True)
    tps = re.search(r"tps = ([\d.]+)", result.stdout)
    latency = re.search(r"latency average = ([\d.]+) ms", result.stdout)
    return {
        "tps": float(tps.group(1)),
        "latency_ms": float(latency.group(1)) if latency else None,
        "command": "pgbench " + " ".join(params) + " -f <one-row INSERT; COMMIT>",
        "cpu": cpu.result,
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
                    while time.monotonic() < deadline:
                        if self.shown_count() == expected:
                            self.lags.append(time.monotonic() - changed_at)
                            break
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


# CPU accounting from /proc: who used the cores during a run


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def proc_stat(pid):
    """(name, ppid, CPU ticks of the process and of its children it has reaped)."""
    with open(f"/proc/{pid}/stat") as handle:
        text = handle.read()
    name = text[text.index("(") + 1 : text.rindex(")")]
    fields = text[text.rindex(")") + 2 :].split()
    # fields[0] is field 3 (state): ppid is field 4; utime, stime, cutime, cstime 14-17.
    # A PostgreSQL backend that ends during the run is counted in the postmaster's cutime.
    return name, int(fields[1]), sum(int(value) for value in fields[11:15])


def all_processes():
    processes = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError, ValueError, IndexError):
                processes[int(entry)] = proc_stat(entry)
    return processes


def children_of(pid):
    return {child for child, (_, ppid, _) in all_processes().items() if ppid == pid}


def system_ticks():
    with open("/proc/stat") as handle:
        values = [int(v) for v in handle.readline().split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = (values + [0] * 8)[:8]
    return {
        "busy": user + nice + system + irq + softirq,
        "idle": idle,
        "iowait": iowait,
        "steal": steal,
    }


def reaped_children_seconds():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class CpuUsage:
    """Cores used by each group of processes, and by the whole machine, during the block.

    The load tool (wrk or pgbench) is this process's only child that ends
    inside the block, so its CPU is what RUSAGE_CHILDREN gains. "other" is
    whatever else ran on the machine meanwhile.
    """

    GROUPS = {"postgres": "postgres", "redis-server": "redis"}

    def __init__(self, server, tool):
        self.server = server
        self.tool = tool
        self.result = {}

    def snapshot(self):
        gunicorn = self.server.pids()
        ticks = {}
        for pid, (name, _, cpu) in all_processes().items():
            group = "gunicorn" if pid in gunicorn else self.GROUPS.get(name)
            if group:
                ticks[(group, pid)] = cpu
        return time.monotonic(), ticks, system_ticks(), reaped_children_seconds()

    def __enter__(self):
        self.start = self.snapshot()
        return self

    def __exit__(self, *exc):
        (t0, before, sys0, tool0), (t1, after, sys1, tool1) = self.start, self.snapshot()
        seconds = t1 - t0
        cores = {"gunicorn": 0.0, "postgres": 0.0, "redis": 0.0}
        for (group, pid), cpu in after.items():
            used = cpu - before.get((group, pid), 0)
            cores[group] += used / CLOCK_TICKS / seconds
        cores[self.tool] = (tool1 - tool0) / seconds
        total = sum(sys1[k] - sys0[k] for k in sys1)
        share = {k: (sys1[k] - sys0[k]) / total if total else 0 for k in sys1}
        cores["other"] = max(0.0, share["busy"] * (os.cpu_count() or 1) - sum(cores.values()))
        self.result = {
            "cores": {group: round(value, 2) for group, value in cores.items()},
            "busy": share["busy"],
            "iowait": share["iowait"],
            "steal": share["steal"],
        }


# The report


def cpu_line(cpu):
    groups = ", ".join(f"{group} {cores:.2f}" for group, cores in cpu["cores"].items() if cores)
    return (
        f"machine {cpu['busy']:.0%} busy, {cpu['iowait']:.0%} iowait, "
        f"{cpu['steal']:.0%} steal; cores used: {groups}"
    )


def verdict(ok):
    return "**met**" if ok else "**not met**"


def report(page_bytes, insert_ceiling, signing, static, reading, lags, probe_errors, seconds):
    cores = os.cpu_count()
    sign_ratio = signing["rps"] / insert_ceiling["tps"]
    page_ratio = reading["rps"] / static["rps"]
    sign_failures = signing["non_2xx_3xx"] + signing["other"]
    max_lag = max(lags) if lags else None
    lag_text = (
        f"{max_lag * 1000:.0f} ms worst of {len(lags)} probes" if lags else "no probe completed"
    )
    rows = [
        "| measurement | figure | ceiling, same run | ratio | target | |",
        "| --- | --- | --- | --- | --- | --- |",
        f"| signing rate (POST, 302) | {signing['rps']:.0f} signatures/s "
        f"| {insert_ceiling['tps']:.0f} bare one-row INSERT+COMMIT/s (pgbench) "
        f"| {sign_ratio:.0%} | ≥ {SIGN_RPS_TARGET:.0%} "
        f"| {verdict(sign_ratio >= SIGN_RPS_TARGET)} |",
        f"| signing latency p50 / p99 | {signing['p50_ms']:.1f} / {signing['p99_ms']:.1f} ms "
        f"| pgbench average {insert_ceiling['latency_ms']:.1f} ms "
        f"| | p99 < {SIGN_P99_TARGET_MS} ms "
        f"| {verdict(signing['p99_ms'] < SIGN_P99_TARGET_MS)} |",
        f"| signing failures | {sign_failures} non-302 answers, {signing['timeouts']} timeouts "
        f"| | | 0 | {verdict(sign_failures == 0 and signing['timeouts'] == 0)} |",
        f"| page read rate (GET) | {reading['rps']:.0f} pages/s "
        f"| {static['rps']:.0f} GETs/s of a static file of the same {page_bytes:,} bytes "
        f"| {page_ratio:.0%} | ≥ {PAGE_RPS_TARGET:.0%} "
        f"| {verdict(page_ratio >= PAGE_RPS_TARGET and reading['non_2xx_3xx'] == 0)} |",
        f"| page latency p50 / p99 | {reading['p50_ms']:.1f} / {reading['p99_ms']:.1f} ms "
        f"| {static['p50_ms']:.1f} / {static['p99_ms']:.1f} ms | | | |",
        f"| count a reader sees, after a change | {lag_text} "
        f"| page cache TTL {PAGE_CACHE_SECONDS} s | | within 1 s (plus one response time) "
        f"| {verdict(max_lag is not None and max_lag <= PAGE_CACHE_SECONDS + 0.25)} |",
    ]
    lines = [
        "## Petitions: signing and reading the page",
        "",
        f"The demo petition `{PETITION_PATH}` (2,424 signatures) served by "
        f"`gunicorn northstar.wsgi --workers {WORKERS}` (sync workers; DEBUG=false, "
        "CONN_MAX_AGE=60, email confirmation on, so each signing also writes an "
        "OutboundEmail row and queues a Celery task on Redis; no worker runs), PostgreSQL "
        f"with fsync on, Redis, wrk and pgbench all on these {cores} cores over loopback. "
        "Rate limits lifted (`PETITION_SIGNS_PER_IP_PER_HOUR`, "
        "`PETITION_SIGNS_PER_EMAIL_PER_HOUR` = 100000000).",
        "",
        *rows,
        "",
        "### Checks",
        "",
        f"- Signing: wrk completed {signing['requests']:,} requests, "
        f"{signing['signed']:,} answered 302 to thank-you/, {signing['other']} answered "
        f'otherwise ({signing["other_statuses"]}); wrk\'s own "Non-2xx or 3xx responses": '
        f"{signing['non_2xx_3xx']}; socket errors: connect {signing['connect_errors']}, "
        f"read {signing['read_errors']}, write {signing['write_errors']}, "
        f"timeout {signing['timeouts']}.",
        f"- New Signature rows for this run's addresses: {signing['rows']:,} "
        f"(wrk counted {signing['signed']:,}; a few more are requests still in flight "
        "when wrk stopped).",
        f"- Page reads: {reading['non_2xx_3xx']} non-2xx/3xx, {reading['timeouts']} timeouts; "
        f"static file: {static['non_2xx_3xx']} non-2xx/3xx, {static['timeouts']} timeouts.",
        f"- Freshness: the anonymous page is cached for {PAGE_CACHE_SECONDS} s in Redis "
        "(`northstar.pagecache`), so a reader sees a count at most 1 s old plus the time "
        "its own request takes. Measured under the read load: a count row changed in the "
        "database, then the page polled every 20 ms until it showed the change: "
        + (", ".join(f"{lag * 1000:.0f} ms" for lag in lags) or "no probe completed")
        + "."
        + (f" Probe errors: {'; '.join(probe_errors)}." if probe_errors else ""),
        "",
        "### Where the cores went",
        "",
        f"- pgbench ceiling: {cpu_line(insert_ceiling['cpu'])}",
        f"- signing: {cpu_line(signing['cpu'])}",
        f"- static file: {cpu_line(static['cpu'])}",
        f"- petition page: {cpu_line(reading['cpu'])}",
        "",
        "### Commands",
        "",
        f"- Ceiling for signing: `{insert_ceiling['command']}` on a fresh table "
        "`(id bigserial primary key, email text, created_at timestamptz)`.",
        f"- Signing: `{signing['command']} -- <path> <csrf value> <csrf cookie> <run id>` "
        "after a 2 s warm-up; one CSRF pair from one GET for every POST, a unique "
        "`bench-<run>-<thread>-<n>@example.org` per request, ZIP 78701.",
        f"- Ceiling for the page: `{static['command']}`, a byte-for-byte copy of the "
        "petition page written into STATIC_ROOT and served by WhiteNoise from the same "
        "gunicorn.",
        f"- Page: `{reading['command']}`, anonymous (no cookies), after a 2 s warm-up.",
        f"- Whole benchmark: {seconds:.0f} s including migrate, demo data and collectstatic.",
        "",
        "### What limits us, and what would move it",
        "",
        *limits_paragraph(insert_ceiling, signing, static, reading, cores),
        "",
    ]
    return "\n".join(lines)


def limits_paragraph(insert_ceiling, signing, static, reading, cores):
    sign_cpu, page_cpu = signing["cpu"], reading["cpu"]
    gunicorn_sign = sign_cpu["cores"].get("gunicorn", 0)
    postgres_sign = sign_cpu["cores"].get("postgres", 0)
    gunicorn_page = page_cpu["cores"].get("gunicorn", 0)
    per_sign_ms = gunicorn_sign / signing["rps"] * 1000 if signing["rps"] else 0
    per_page_ms = gunicorn_page / reading["rps"] * 1000 if reading["rps"] else 0
    per_static_ms = (
        static["cpu"]["cores"].get("gunicorn", 0) / static["rps"] * 1000 if static["rps"] else 0
    )
    return [
        f"During signing the machine was {sign_cpu['busy']:.0%} busy with "
        f"{sign_cpu['iowait']:.0%} iowait: gunicorn used {gunicorn_sign:.2f} of {cores} cores "
        f"(about {per_sign_ms:.1f} ms of Python per signature), PostgreSQL {postgres_sign:.2f}. "
        f"The bare insert ceiling ({insert_ceiling['tps']:.0f}/s, "
        f"{insert_ceiling['cpu']['iowait']:.0%} iowait) is set by commit flushes to disk; a "
        "signing commits once too, so the gap between the two is the Python work of a request "
        "(form, ZIP routing, the signature, the outbox row, the Celery enqueue, rendering the "
        "redirect) on cores shared with wrk and PostgreSQL, and two sync workers serving one "
        "request each while the other connections queue. More workers only help while a core "
        "is idle; more cores or a second web machine move signing almost linearly, since "
        "signers touch no shared row (the count is only written on confirmation, on one of "
        "8 shards).",
        "",
        f"Reading costs about {per_page_ms:.1f} ms of gunicorn CPU per page against "
        f"{per_static_ms:.1f} ms per static file of the same size: the page cache saves the "
        "render, but each cached answer still passes Django's middleware stack, a Redis GET, "
        "the CSRF token substitution and a new csrftoken cookie, where WhiteNoise answers "
        "before most of the middleware. What would move it: serve anonymous readers from a "
        "CDN or proxy cache (the per-visitor token would then come from a small endpoint or "
        "be fetched when the form is used), or more worker processes per core once wrk no "
        "longer competes for the same two cores.",
    ]
