"""The staff gifts list's CSV at 100,000 and 1,000,000 gifts: rows per second, and memory.

tests/run_suite.sh --bench has started PostgreSQL and exported DATABASE_URL. This module
makes a database of its own, migrates it, builds the bench campaign with 10 fundraiser pages
(tests/bench/programs/campaign_data.py), and for each size grows the gifts with one
`INSERT ... SELECT generate_series` and runs the export in a fresh Python
(tests/bench/programs/gifts_export.py): every gift, as `?export=csv` streams it
(`donations.gift_reports.export_rows` through `northstar.exports`), read to the end. Its
ceiling, in the same process just after: PostgreSQL's own `COPY (the same query) TO STDOUT
(FORMAT csv)`, the fastest these rows leave the database. Memory is the export process's
peak resident set; the target is flat: at 1,000,000 gifts within 10% (and 20 MB) of
100,000's.
"""

import os
import time
from datetime import UTC, datetime

from tests.bench.harness import drop_database, program, recreate_database, server_env, verdict

DATABASE = "northstar_bench_gifts_export"
SIZES = [int(n) for n in os.environ.get("NORTHSTAR_BENCH_GIFTS", "100000,1000000").split(",")]
FLAT_RATIO = 1.10
FLAT_MARGIN_KB = 20 * 1024
STARTED = time.monotonic()


def say(message):
    print(f"  bench_gifts_export +{time.monotonic() - STARTED:.0f}s: {message}", flush=True)


def run():
    server_url = os.environ["DATABASE_URL"]
    env = server_env()
    env["DATABASE_URL"] = recreate_database(server_url, DATABASE)
    results = {}
    try:
        say("migrate")
        program(env, "manage.py", "migrate", "--noinput", timeout=600)
        program(env, "-m", "tests.bench.programs.campaign_data", 10, 0, tag="CAMPAIGN")
        for size in SIZES:
            say(f"{size:,} gifts: inserting")
            grown = program(
                env, "-m", "tests.bench.programs.gifts_export", "grow", size, tag="GROWN"
            )
            say(f"{size:,} gifts: exporting (inserted in {grown['seconds']} s)")
            results[size] = program(
                env, "-m", "tests.bench.programs.gifts_export", "export", tag="EXPORT"
            )
            results[size]["grown"] = grown
    finally:
        drop_database(server_url, DATABASE)
    return report(results)


def report(results):
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "",
        "## Donations: the gifts list's CSV export, 100,000 and 1,000,000 gifts",
        "",
        f"Measured on {when}. Paid gifts to a campaign's 10 fundraiser pages (one in ten "
        "partly refunded, one in twenty in memory of someone), inserted with one "
        "`INSERT ... SELECT generate_series`; the export is what `?export=csv` on the "
        "Donations list streams (every column, the refunds' subquery, page, team and "
        "campaign), read to the end in a fresh Python process; the ceiling is PostgreSQL's "
        "`COPY (the same query) TO STDOUT (FORMAT csv)` in the same process just after.",
        "",
        "| gifts | export rows/s | ceiling (COPY) rows/s | ratio | peak memory during the export "
        "| memory just before it | queries | |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    sizes = sorted(results)
    for size in sizes:
        r = results[size]
        rate = r["rows"] / r["seconds"] if r["seconds"] else 0
        ceiling = r["copy_rows"] / r["copy_seconds"] if r["copy_seconds"] else 0
        lines.append(
            f"| {r['rows']:,} | {rate:,.0f} | {ceiling:,.0f} | "
            f"{rate / ceiling:.0%} | {r['rss_peak_kb'] / 1024:.0f} MB | "
            f"{r['rss_before_kb'] / 1024:.0f} MB | {r['queries']} | |"
        )
    if len(sizes) >= 2:
        small, large = results[sizes[0]], results[sizes[-1]]
        flat = large["rss_peak_kb"] <= max(
            small["rss_peak_kb"] * FLAT_RATIO, small["rss_peak_kb"] + FLAT_MARGIN_KB
        )
        lines += [
            "",
            f"Memory at {sizes[-1]:,} gifts against {sizes[0]:,}: "
            f"{large['rss_peak_kb'] / 1024:.0f} MB against {small['rss_peak_kb'] / 1024:.0f} MB "
            f"(target: flat, within 10% or 20 MB): {verdict(flat)}.",
        ]
    lines.append("")
    return "\n".join(lines)
