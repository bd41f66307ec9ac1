"""The gifts export for tests/bench/bench_gifts_export.py, in a process of its own.

Usage, with the site's environment, on a migrated database holding the bench campaign
(`campaign_data`):

- `python -m tests.bench.programs.gifts_export grow <count>`: grow the gifts to `count`
  with one `INSERT ... SELECT generate_series` (spread over the campaign's pages, one in
  ten partly refunded, one in twenty with a dedication); prints `GROWN {"gifts", "seconds"}`.
- `python -m tests.bench.programs.gifts_export export`: the staff list's CSV of every gift
  (`gift_reports.export_rows` through `northstar.exports.csv_chunks`, as `?export=csv`
  streams it), read to the end; then the ceiling, PostgreSQL's own `COPY (...) TO STDOUT
  (FORMAT csv)` of the same rows and joins; prints `EXPORT {"rows", "bytes", "seconds",
  "rss_before_kb", "rss_peak_kb", "copy_rows", "copy_seconds", "queries"}`. Peak memory
  is this process's peak resident set during the export (VmHWM, reset just before it).
"""

import importlib
import json
import resource
import sys
import time


def rss_peak_kb():
    """The process's peak resident set since start, or since `reset_peak` (VmHWM), in kB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def reset_peak():
    """Start the peak resident set again from the current one (Linux: clear_refs 5), so the
    peak read after the export is the export's, not the start-up's."""
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")


def grow(count):
    from django.db import connection, transaction

    from campaigns.models import FundraisingCampaignPage
    from donations.models import Donation, Refund

    campaign = FundraisingCampaignPage.objects.get(slug="bench-campaign")
    pages = list(
        campaign.get_descendants(inclusive=True).values_list("pk", flat=True).order_by("pk")
    )
    have = Donation.objects.count()
    started = time.monotonic()
    if count > have:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO donations_donation (
                    uuid, page_id, amount_cents, currency, first_name, last_name, email,
                    name_shown, show_amount_publicly, message, referral, status,
                    checkout_token, checkout_session_id, payment_intent_id, created_at,
                    paid_at, review_reason, review_detail, collected_currency, fee_cents,
                    method, reference, void_reason, tribute, tribute_name,
                    tribute_notify_name, tribute_notify_email, tribute_notify_message,
                    tribute_notify_amount, name_hidden, message_hidden)
                SELECT gen_random_uuid(), (%(pages)s::int[])[1 + n %% %(page_count)s],
                    1000 + (n %% 50) * 500, 'usd', 'Ana' || n, 'Müller', 'donor' || n ||
                    '@example.org', 'public', false, '', '', 'paid', 'bench-token-' || n,
                    'cs_test_bench_' || n, 'pi_bench_' || n,
                    now() - make_interval(mins => n %% 100000),
                    now() - make_interval(mins => n %% 100000), '', '', '',
                    CASE WHEN n %% 4 = 0 THEN 175 ELSE 0 END, 'card', '', '',
                    CASE WHEN n %% 20 = 0 THEN 'memory' ELSE '' END,
                    CASE WHEN n %% 20 = 0 THEN 'Rosa Diaz' ELSE '' END,
                    '', '', '', false, false, false
                FROM generate_series(%(first)s, %(last)s) AS n
                """,
                {"pages": pages, "page_count": len(pages), "first": have + 1, "last": count},
            )
            cursor.execute(
                """
                INSERT INTO donations_refund (uuid, donation_id, amount_cents, status, reason,
                    created, donor_told)
                SELECT gen_random_uuid(), id, 500, 'succeeded', 'bench', now(), false
                FROM donations_donation
                WHERE checkout_token LIKE 'bench-token-%' AND id % 10 = 0
                    AND id NOT IN (SELECT donation_id FROM donations_refund)
                """
            )
        cursor = connection.cursor()
        cursor.execute("ANALYZE donations_donation")
        cursor.execute("ANALYZE donations_refund")
    print(
        "GROWN "
        + json.dumps(
            {
                "gifts": Donation.objects.count(),
                "refunds": Refund.objects.count(),
                "seconds": round(time.monotonic() - started, 1),
            }
        ),
        flush=True,
    )


def export():
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from donations import gift_reports
    from donations.gift_admin import donation_list_queryset
    from northstar.exports import csv_chunks

    gifts = donation_list_queryset().order_by("-gift_time")
    reset_peak()
    rss_before = rss_peak_kb()
    rows = size = 0
    reset_queries()
    started = time.monotonic()
    with CaptureQueriesContext(connection) as captured:
        chunks = csv_chunks(gift_reports.export_columns(), gift_reports.export_rows(gifts))
        for chunk in chunks:
            rows += 1
            size += len(chunk)
    seconds = time.monotonic() - started
    rss_peak = rss_peak_kb()
    sql, params = gifts.values_list(*gift_reports.EXPORT_FIELDS).query.sql_with_params()
    statement = connection.ops.compose_sql(sql, params)
    with connection.cursor() as cursor:
        raw = cursor.connection.cursor()
        copy_started = time.monotonic()
        copy_rows = 0
        with raw.copy(f"COPY ({statement}) TO STDOUT (FORMAT csv)") as copy:
            for data in copy:
                copy_rows += bytes(data).count(b"\n")
        copy_seconds = time.monotonic() - copy_started
    print(
        "EXPORT "
        + json.dumps(
            {
                "rows": rows - 1,  # the header is the first chunk
                "bytes": size,
                "seconds": round(seconds, 2),
                "rss_before_kb": rss_before,
                "rss_peak_kb": rss_peak,
                "copy_rows": copy_rows,
                "copy_seconds": round(copy_seconds, 2),
                "queries": len(captured),
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    importlib.import_module("northstar.wsgi")  # django.setup(), as a gunicorn worker is
    if sys.argv[1] == "grow":
        grow(int(sys.argv[2]))
    else:
        export()
