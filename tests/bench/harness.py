"""What the benchmarks share: the site under gunicorn, wrk and pgbench, and who used the cores.

Each `bench_*.py` module runs the site with `Gunicorn(server_env())`, loads it
with `wrk(server, params, path, script, ...)` (a Lua script under tests/bench/
that prints one `BENCH key=value ...` line from its done()), sets what it
measured beside a ceiling measured in the same run (`measure_insert_ceiling`:
pgbench's bare one-row INSERT and COMMIT on the same PostgreSQL), and reports
the CPU each group of processes used during each run (`CpuUsage`, `cpu_line`).
Figures of this run that another benchmark reads (the signing ratio) are kept
in `RUN_FIGURES`, filled as each benchmark finishes.
"""

import contextlib
import json
import os
import re
import resource
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import redis

from tests.support.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]
BENCH_DIR = Path(__file__).resolve().parent
PROGRAMS = BENCH_DIR / "programs"  # run in processes of their own; ruff checks them
REPORT_SCRIPT = BENCH_DIR / "report.lua"
STATIC_ROOT = ROOT / "static_root"  # settings.STATIC_ROOT
GUNICORN_LOG = ROOT / "var" / "bench-gunicorn.log"
BENCH_SETTINGS = "tests.bench.programs.bench_settings"  # the site's, with the minimal view
WORKERS = 2
THREADS = 2  # per worker: one thread runs Python while another waits on its commit
WARM_UP_WRK = ["-t2", "-c4", "-d2s", "--timeout", "5s"]
PGBENCH_CLIENTS = 4
PGBENCH_SECONDS = 6
CEILING_TABLE = "bench_insert_ceiling"  # the table programs/insert_one_row.sql inserts into
PGBENCH_SCRIPT = PROGRAMS / "insert_one_row.sql"

# Figures of this `make bench` run that a later benchmark compares against, by name
# ("signing_ratio": bench_petitions' median signing rate over pgbench's, a fraction).
RUN_FIGURES = {}


# The site under gunicorn


def server_env():
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE=BENCH_SETTINGS,
        DEBUG="false",
        HTTPS="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECRET_KEY="bench-" + uuid.uuid4().hex + uuid.uuid4().hex,
        CONN_MAX_AGE="60",
        STATIC_MANIFEST="false",
        PETITION_SIGNS_PER_IP_PER_HOUR="100000000",
        PETITION_SIGNS_PER_EMAIL_PER_HOUR="100000000",
        NUM_PROXIES="1",  # the signer's address from X-Forwarded-For (sign.lua)
    )
    return env


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
        GUNICORN_LOG.parent.mkdir(parents=True, exist_ok=True)  # var/ on a fresh clone
        self.log = open(GUNICORN_LOG, "ab")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "northstar.wsgi",
                "--workers",
                str(WORKERS),
                "--worker-class",
                "gthread",
                "--threads",
                str(THREADS),
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


# Measurements


def wrk(server, params, path, script, *args):
    """Run wrk against `path`; its human output and the numbers from the script's done()."""
    command = ["wrk", *params, "-s", str(script), server.url(path)]
    if args:
        command += ["--", path, *args]
    commands = redis_commands()
    with CpuUsage(server, "wrk") as cpu:
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    commands = redis_commands() - commands - 1
    figures = parse_bench_line(result)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", result.stdout)
    figures.update(
        command="wrk " + " ".join(params) + f" -s tests/bench/{script.name} <url>{path}",
        output=result.stdout,
        non_2xx_3xx=int(non_2xx.group(1)) if non_2xx else 0,
        rps=figures["requests"] / (figures["duration_us"] / 1e6),
        p50_ms=figures["p50_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        cpu=cpu.result,
        redis_per_request=commands / figures["requests"] if figures["requests"] else 0,
    )
    return figures


def parse_bench_line(result):
    output = result.stdout
    line = next((line for line in output.splitlines() if line.startswith("BENCH ")), None)
    if result.returncode or line is None:
        raise RuntimeError(f"{result.args} failed: {output}{result.stderr}")
    figures = {}
    for pair in line.split()[1:]:
        key, value = pair.split("=", 1)
        figures[key] = int(value) if value.lstrip("-").isdigit() else value
    return figures


def measure_insert_ceiling(database_url, server):
    """pgbench: PGBENCH_CLIENTS clients each committing one-row INSERTs, as fast as they can."""
    pgbench = Path(os.environ.get("NORTHSTAR_PG_BIN", "/usr/lib/postgresql/15/bin")) / "pgbench"
    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute(f"DROP TABLE IF EXISTS {CEILING_TABLE}")
        connection.execute(
            f"CREATE TABLE {CEILING_TABLE} (id bigserial PRIMARY KEY,"
            " email text NOT NULL, created_at timestamptz NOT NULL)"
        )
    params = ["-n", "-c", str(PGBENCH_CLIENTS), "-j", "2", "-T", str(PGBENCH_SECONDS)]
    try:
        with CpuUsage(server, "pgbench", settled=lambda: pgbench_gone(database_url)) as cpu:
            result = subprocess.run(
                [str(pgbench), *params, "-f", str(PGBENCH_SCRIPT), database_url],
                capture_output=True,
                text=True,
                timeout=PGBENCH_SECONDS + 60,
                check=True,
            )
    finally:
        with psycopg.connect(database_url, autocommit=True) as connection:
            connection.execute(f"DROP TABLE IF EXISTS {CEILING_TABLE}")
    tps = re.search(r"tps = ([\d.]+)", result.stdout)
    latency = re.search(r"latency average = ([\d.]+) ms", result.stdout)
    return {
        "tps": float(tps.group(1)),
        "latency_ms": float(latency.group(1)) if latency else None,
        "command": f"pgbench {' '.join(params)} -f {PGBENCH_SCRIPT.relative_to(ROOT)}",
        "cpu": cpu.result,
    }


def steady(read, interval=0.1, timeout=10):
    """`read()` once two reads `interval` apart agree: wrk stops counting before the
    requests it sent last have been answered."""
    deadline = time.monotonic() + timeout
    last = read()
    while time.monotonic() < deadline:
        time.sleep(interval)
        now = read()
        if now == last:
            return now
        last = now
    raise RuntimeError(f"still changing after {timeout} s")


def pgbench_gone(database_url):
    """True once pgbench's backends have exited (and their CPU is in the postmaster's)."""
    with psycopg.connect(database_url, autocommit=True) as connection:
        row = connection.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pgbench'"
        ).fetchone()
    return row[0] == 0


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

    def __init__(self, server, tool, settled=None):
        """`settled`: true once processes still exiting are gone, polled before the last look.

        A PostgreSQL backend's CPU is counted in the postmaster's once the backend
        has exited; pgbench's backends exit just after pgbench does.
        """
        self.server = server
        self.tool = tool
        self.settled = settled
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
        seconds = time.monotonic() - self.start[0]
        if self.settled:
            wait_until(self.settled, timeout=10, message=f"{self.tool} to finish exiting")
        (_, before, sys0, tool0), (_, after, sys1, tool1) = self.start, self.snapshot()
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


def run_program(env, name, *args, tag, timeout):
    """Run tests/bench/programs/`name`.py in a fresh Python with the site's environment.

    Returns the JSON the program printed after `tag` on a line of its own.
    """
    result = subprocess.run(
        [sys.executable, "-m", f"tests.bench.programs.{name}", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )
    line = next(line for line in result.stdout.splitlines() if line.startswith(f"{tag} "))
    return json.loads(line.split(" ", 1)[1])


def redis_commands():
    client = redis.Redis.from_url(os.environ["CACHE_URL"])
    try:
        return client.info("stats")["total_commands_processed"]
    finally:
        client.close()


def cpu_line(cpu):
    groups = ", ".join(f"{group} {cores:.2f}" for group, cores in cpu["cores"].items())
    return (
        f"machine {cpu['busy']:.0%} busy, {cpu['iowait']:.0%} iowait, {cpu['steal']:.0%} steal; "
        f"cores used: {groups}"
    )


def verdict(ok):
    return "**met**" if ok else "**not met**"


def per_request_ms(figures, group):
    """Milliseconds of `group`'s CPU per completed request during a wrk run."""
    return figures["cpu"]["cores"].get(group, 0) / figures["rps"] * 1000 if figures["rps"] else 0


# A database of a benchmark's own, beside the suite's on the same PostgreSQL


def database_url_for(server_url, database):
    """`server_url` (DATABASE_URL) naming the database `database` instead."""
    return urlunsplit(urlsplit(server_url)._replace(path=f"/{database}"))


def recreate_database(server_url, database):
    """An empty database `database` (dropped first if a run left it); its URL."""
    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{database}"')
    return database_url_for(server_url, database)


def drop_database(server_url, database):
    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def program(env, *args, tag=None, timeout=1800):
    """Run `python *args` in the site's environment; the JSON printed after `tag`, if given."""
    done = subprocess.run(
        [sys.executable, *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode:
        raise RuntimeError(f"{args} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    if tag is None:
        return None
    line = next(line for line in done.stdout.splitlines() if line.startswith(f"{tag} "))
    return json.loads(line.split(" ", 1)[1])
