"""Reading a campaign page and a fundraiser page with 1,000 pages and 20,000 gifts.

tests/run_suite.sh --bench has started PostgreSQL (fsync on) and Redis and
exported DATABASE_URL, CACHE_URL and CELERY_BROKER_URL. This module creates a
database of its own beside the suite's (so the other benchmarks' data and
this one's never meet), migrates it, and then:

- builds a campaign of 10 fundraiser pages (some in teams) and 200 paid gifts
  (tests/bench/programs/campaign_data.py) and counts the SQL queries of an
  uncached anonymous render of the campaign page and of its first fundraiser
  page (tests/bench/programs/count_page_queries.py);
- grows the same campaign to 1,000 pages and 20,000 gifts and counts again:
  the counts must be equal (a leaderboard or list that grew a query per page
  would show here);
- runs the site under gunicorn as bench_petitions does (same workers and
  threads) and has wrk GET each page, anonymous, in rounds, each between two
  runs of a static file of the same bytes served by WhiteNoise from the same
  gunicorn: the fastest this stack answers a request of that size. The
  ratio of the page's rate to the static file's is the figure to compare.

NORTHSTAR_BENCH_SECONDS (default 12) and NORTHSTAR_BENCH_ROUNDS (default 3) set
each wrk run's length and the number of rounds, for a quick check that the
benchmark works (the figures of a short run are not worth reporting). Every
loop is bounded in time and all traffic goes to 127.0.0.1.
"""

import contextlib
import os
import re
import subprocess
import sys
import time
from datetime import UTC, datetime

from tests.bench.harness import (
    REPORT_SCRIPT,
    STATIC_ROOT,
    THREADS,
    WARM_UP_WRK,
    WORKERS,
    Gunicorn,
    cpu_line,
    drop_database,
    fetch,
    per_request_ms,
    program,
    recreate_database,
    server_env,
    verdict,
    wrk,
)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATABASE = "northstar_bench_campaigns"
SMALL = (10, 200)  # fundraiser pages, paid gifts
LARGE = (1_000, 20_000)
SECONDS = int(os.environ.get("NORTHSTAR_BENCH_SECONDS", "12"))
ROUNDS = int(os.environ.get("NORTHSTAR_BENCH_ROUNDS", "3"))
CONNECTIONS = 16
READ_WRK = [
    "-t2",
    f"-c{CONNECTIONS}",
    f"-d{SECONDS}s",
    "--latency",
    "--timeout",
    "5s",
]
RPS_TARGET = 0.50  # of the same-size static file's rate
SLOW_QUERY_MS = 10  # a query this slow in an uncached render is worth an index
CEILING_DIR = "bench"
VIEWS = {"campaign": "the campaign page", "fundraiser": "a fundraiser page"}
STARTED = time.monotonic()


def say(message):
    print(f"  bench_campaigns +{time.monotonic() - STARTED:.0f}s: {message}", flush=True)


def run():
    server_url = os.environ["DATABASE_URL"]
    env = server_env()
    started = time.monotonic()
    copies = {view: STATIC_ROOT / CEILING_DIR / f"{view}-page-copy.html" for view in VIEWS}
    results = {"seconds_per_run": SECONDS}
    env["DATABASE_URL"] = recreate_database(server_url, DATABASE)
    try:
        say("migrate, collectstatic")
        prepare_site(env)
        results["small"], results["queries_small"] = build_and_count(env, *SMALL)
        results["large"], results["queries_large"] = build_and_count(env, *LARGE)
        paths = {view: results["large"][view] for view in VIEWS}
        with Gunicorn(env) as server:
            pages = {view: fetch(server.url(path)) for view, path in paths.items()}
        for view, page in pages.items():
            copies[view].parent.mkdir(parents=True, exist_ok=True)
            copies[view].write_bytes(page)  # WhiteNoise indexes STATIC_ROOT as a worker starts
        results["bytes"] = {view: len(page) for view, page in pages.items()}
        with Gunicorn(env) as server:
            for view, path in paths.items():
                static_path = f"/static/{CEILING_DIR}/{copies[view].name}"
                if fetch(server.url(static_path)) != pages[view]:
                    raise RuntimeError(f"{static_path} is not a copy of {path}")
                results[view] = measure_reading_rounds(server, view, path, static_path)
    finally:
        for copy in copies.values():
            copy.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            (STATIC_ROOT / CEILING_DIR).rmdir()
        drop_database(server_url, DATABASE)
    results["seconds"] = time.monotonic() - started
    return report(results)


# The database and the data


def prepare_site(env):
    """Migrate while collectstatic (no database) runs beside it."""
    collect = subprocess.Popen(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    try:
        program(env, "manage.py", "migrate", "--noinput", timeout=600)
    finally:
        collected = collect.wait(timeout=600)
    if collected != 0:
        raise RuntimeError("collectstatic failed")


def build_and_count(env, pages, gifts):
    """Grow the campaign to `pages` pages and `gifts` gifts; (what was built, query counts)."""
    say(f"{pages:,} fundraiser pages and {gifts:,} gifts: building")
    built = program(env, "-m", "tests.bench.programs.campaign_data", pages, gifts, tag="CAMPAIGN")
    say(f"{pages:,} fundraiser pages: counting queries (built in {built['seconds']} s)")
    paths = [built["campaign"], built["fundraiser"]]
    counted = program(env, "-m", "tests.bench.programs.count_page_queries", *paths, tag="QUERIES")
    queries = {}
    for view, path in zip(VIEWS, paths, strict=True):
        if counted[path]["status"] != 200:
            raise RuntimeError(f"{path} answered {counted[path]['status']} with {pages} pages")
        queries[view] = counted[path]
    return built, queries


# Measurements


def measure_reading_rounds(server, view, path, static_path):
    """ROUNDS wrk runs of the page, each between two runs of its static copy; the median
    round (by its ratio to the mean of the static runs just before and after it)."""
    wrk(server, WARM_UP_WRK, static_path, REPORT_SCRIPT)
    wrk(server, WARM_UP_WRK, path, REPORT_SCRIPT)
    say(f"wrk: the static copy of {VIEWS[view]}")
    statics = [wrk(server, READ_WRK, static_path, REPORT_SCRIPT)]
    rounds = []
    for number in range(ROUNDS):
        say(f"wrk: {VIEWS[view]}, round {number + 1} of {ROUNDS}, then the static copy")
        reading = wrk(server, READ_WRK, path, REPORT_SCRIPT)
        reading["static_before"] = statics[-1]
        statics.append(wrk(server, READ_WRK, static_path, REPORT_SCRIPT))
        reading["ceiling_rps"] = (statics[-2]["rps"] + statics[-1]["rps"]) / 2
        reading["ratio"] = reading["rps"] / reading["ceiling_rps"] if reading["ceiling_rps"] else 0
        rounds.append(reading)
    median = sorted(rounds, key=lambda r: r["ratio"])[len(rounds) // 2]
    return {"median": median, "rounds": rounds, "statics": statics, "path": path}


# The report


def limits(results):
    """A paragraph per page: cached or rendered for each reader, and what its render costs."""
    paragraphs = []
    for view, name in VIEWS.items():
        median = results[view]["median"]
        render = results["queries_large"][view]
        page_ms = per_request_ms(median, "gunicorn")
        static_ms = per_request_ms(median["static_before"], "gunicorn")
        if render["cached_queries"] == 0:
            paragraphs.append(
                f"**{name.capitalize()}** is answered from the anonymous page cache between "
                f"renders: a read cost about {page_ms:.1f} ms of gunicorn CPU against "
                f"{static_ms:.1f} ms for the static file; a render (at most once a cache "
                f"period per process) takes {render['render_ms']:.0f} ms with "
                f"{render['queries']} queries."
            )
        else:
            paragraphs.append(
                f"**{name.capitalize()} is rendered for every anonymous reader**: "
                f"{render['queries']} queries and {render['render_ms']:.0f} ms in one process "
                f"({render['sql_ms']:.0f} ms of it in SQL, the slowest query "
                f"{render['slowest'][0]:.0f} ms) with {results['large']['pages']:,} pages; "
                f"under load about {page_ms:.1f} ms of gunicorn CPU per page against "
                f"{static_ms:.1f} ms per static file. What would move it: the one-second "
                "anonymous page cache the petition page has (`northstar.pagecache`), so each "
                "process renders it at most once a second"
                + (
                    ", and for the slowest query an index that serves its filter and order."
                    if render["slowest"][0] >= SLOW_QUERY_MS
                    else "."
                )
            )
        paragraphs.append("")
    return paragraphs[:-1]


def shorten(sql, length=400):
    """One line of at most `length` characters of `sql`, for the report (the columns of
    the outermost SELECT left out)."""
    sql = " ".join(sql.split()).replace("`", "'")
    sql = re.sub(r"^SELECT (DISTINCT )?.*? FROM ", r"SELECT \1… FROM ", sql)
    return sql if len(sql) <= length else sql[: length - 1] + "…"


def failures(runs):
    return sum(r["non_2xx_3xx"] + r["timeouts"] for r in runs)


def report(results):
    small, large = results["small"], results["large"]
    before, after = results["queries_small"], results["queries_large"]
    table = [
        "| measurement | figure | ceiling, same run | ratio | target | |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for view, name in VIEWS.items():
        measured = results[view]
        median, rounds = measured["median"], measured["rounds"]
        static = median["static_before"]
        ok = median["ratio"] >= RPS_TARGET and failures(rounds) == 0
        table += [
            f"| {name} (`{measured['path']}`), anonymous GETs, median of {len(rounds)} rounds "
            f"| {median['rps']:.0f} pages/s "
            f"| {median['ceiling_rps']:.0f} GETs/s of a static file of the same "
            f"{results['bytes'][view]:,} bytes (mean of the runs just before and after) "
            f"| {median['ratio']:.0%} (rounds: "
            + ", ".join(f"{r['ratio']:.0%}" for r in rounds)
            + f") | ≥ {RPS_TARGET:.0%} | {verdict(ok)} |",
            f"| {name}: latency p50 / p99, {CONNECTIONS} connections "
            f"| {median['p50_ms']:.1f} / {median['p99_ms']:.1f} ms "
            f"| {static['p50_ms']:.1f} / {static['p99_ms']:.1f} ms | | | |",
        ]
    for view, name in VIEWS.items():
        table.append(
            f"| SQL queries per uncached render of {name}, {small['pages']:,} pages → "
            f"{large['pages']:,} pages | {before[view]['queries']} → {after[view]['queries']} "
            f"| | | equal | {verdict(before[view]['queries'] == after[view]['queries'])} |"
        )
    checks = [
        f"- The campaign: {small['pages']:,} live fundraiser pages in {small['teams']} teams "
        f"and {small['gifts']:,} paid gifts (built in {small['seconds']:.0f} s), grown to "
        f"{large['pages']:,} pages in {large['teams']} teams and {large['gifts']:,} gifts "
        f"(in {large['seconds']:.0f} s more); one page in three is in a team, a tenth of "
        "the gifts are to the campaign itself, the first pages of each 200 get the most.",
        "- Queries are counted in Django's test client in a fresh process, after one warm-up "
        "read of each page, with every in-process memo emptied and a query string never "
        "asked before (so the anonymous page cache cannot answer): an uncached render.",
    ]
    for view, name in VIEWS.items():
        small_render, large_render = before[view], after[view]
        slow_ms, slow_sql = large_render["slowest"]
        checks.append(
            f"- {name.capitalize()}, one uncached render in the test client: "
            f"{small_render['render_ms']:.0f} ms ({small_render['sql_ms']:.0f} ms of it in "
            f"SQL) with {small['pages']:,} pages, {large_render['render_ms']:.0f} ms "
            f"({large_render['sql_ms']:.0f} ms in SQL) with {large['pages']:,}; its slowest "
            f"query then ({slow_ms:.0f} ms): `{shorten(slow_sql)}`. A second plain read "
            f"just after a first made {large_render['cached_queries']} queries"
            + (
                " (the anonymous page cache answered it)."
                if large_render["cached_queries"] == 0
                else " (no page cache answers it: every anonymous read renders the page)."
            )
        )
    for view, name in VIEWS.items():
        measured = results[view]
        checks.append(
            f"- {name.capitalize()}, all rounds: "
            f"{sum(r['requests'] for r in measured['rounds']):,} requests, "
            f"{sum(r['non_2xx_3xx'] for r in measured['rounds'])} non-2xx/3xx answers, "
            f"{sum(r['timeouts'] for r in measured['rounds'])} timeouts; its static copy: "
            f"{failures(measured['statics'])} non-2xx/3xx answers and timeouts."
        )
    cores = os.cpu_count()
    cpu = []
    for view, name in VIEWS.items():
        median = results[view]["median"]
        cpu += [
            f"- static copy of {name} (the run before the median round): "
            f"{cpu_line(median['static_before']['cpu'])}",
            f"- {name} (the median round): {cpu_line(median['cpu'])}; "
            f"{per_request_ms(median, 'gunicorn'):.1f} ms of gunicorn CPU per page against "
            f"{per_request_ms(median['static_before'], 'gunicorn'):.1f} ms per static file",
        ]
    runs = [r for view in VIEWS for r in (*results[view]["rounds"], *results[view]["statics"])]
    busiest_other = max(r["cpu"]["cores"]["other"] for r in runs)
    lines = [
        "",
        "## Campaigns: the campaign page and a fundraiser page, 1,000 pages and 20,000 gifts",
        "",
        f"Measured on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. A campaign with "
        f"{large['pages']:,} live fundraiser pages and {large['gifts']:,} paid gifts, in a "
        "database of its own, served by "
        f"`gunicorn northstar.wsgi --workers {WORKERS} --worker-class gthread "
        f"--threads {THREADS}` (connections kept alive; DEBUG=false, CONN_MAX_AGE=60), "
        f"PostgreSQL with fsync on, Redis and wrk, all on these {cores} cores over loopback.",
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
        *cpu,
        "",
        "### Commands",
        "",
        "- Data: `python -m tests.bench.programs.campaign_data "
        f"{SMALL[0]} {SMALL[1]}`, then `... {LARGE[0]} {LARGE[1]}` (grows the same campaign); "
        "queries: `python -m tests.bench.programs.count_page_queries <campaign> <fundraiser>` "
        "after each.",
        f"- Each page: `{results['campaign']['median']['command']}`, anonymous (no cookies), "
        f"after a 2 s warm-up, {ROUNDS} times, each between two runs of its static copy (a "
        "byte-for-byte copy of the page written into STATIC_ROOT before gunicorn starts, "
        "served by WhiteNoise from the same gunicorn).",
        f"- The whole benchmark took {results['seconds']:.0f} s, migrate, data and "
        "collectstatic included.",
        "",
        "### What limits us, and what would move it",
        "",
        *limits(results),
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
