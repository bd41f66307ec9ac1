"""SQL queries per anonymous page render (savepoints included), in Django's test client.

Usage: `python -m tests.bench.programs.count_page_queries <path> [<path> ...]`, with
the site's environment. Each path is read once to warm the process up (content
types, the site's root paths), then read again uncached and counted: every
in-process memo emptied (`northstar.memo.clear_all`) and a query string no
one has asked for, so the anonymous page cache cannot answer it. Prints one
line: `QUERIES {"<path>": {"status", "queries", "sql_ms", "render_ms", "slowest",
"cached_queries"}}`: the answer's status, the number of queries, the milliseconds
spent in them and in the whole request, the slowest query as [milliseconds, its
SQL], and the queries of a second plain read just after a first (0 when the
anonymous page cache answers it).
"""

import importlib
import json
import sys
import time
import uuid


def main(paths):
    # Set up as gunicorn's workers are, then use Django.
    importlib.import_module("northstar.wsgi")
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from northstar.memo import clear_all

    client = Client(HTTP_HOST="127.0.0.1")
    for path in paths:
        client.get(path)
    counts = {}
    for path in paths:
        clear_all()
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"{path}?bench={uuid.uuid4().hex}")
        render_ms = (time.perf_counter() - started) * 1000
        timed = [(float(query["time"]) * 1000, query["sql"]) for query in queries]
        counts[path] = {
            "status": response.status_code,
            "queries": len(queries),
            "sql_ms": round(sum(ms for ms, _ in timed), 1),
            "render_ms": round(render_ms, 1),
            "slowest": max(timed, default=(0, "")),
        }
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        counts[path]["cached_queries"] = len(queries)
    print("QUERIES " + json.dumps(counts))


if __name__ == "__main__":
    main(sys.argv[1:])
