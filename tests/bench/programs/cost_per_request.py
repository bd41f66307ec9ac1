"""What one request costs the web process, measured in-process: CPU, SQL statements, Redis.

Usage: `python -m tests.bench.programs.cost_per_request <petition path> [--profile NAME]`,
with the site's environment and DJANGO_SETTINGS_MODULE=tests.bench.programs.bench_settings
(the site plus the bench's minimal form view), on a database holding that live petition.

Each kind of request goes through the same WSGI application gunicorn serves
(`northstar.wsgi`, so every middleware runs and CSRF is checked as in
production), one request at a time in this one thread:

- `page_cached`: an anonymous GET of the petition (no cookie) that the page cache answers;
- `page_cached_cookie`: the same with the csrftoken cookie a returning visitor sends;
- `page_render`: an anonymous GET the page cache does not hold (a query of its own);
- `static`: a GET of one of the site's static files, answered by WhiteNoise;
- `sign`: a signing (POST with the CSRF pair of one page, a new email address each time,
  from a new IP address, as sign.lua sends them);
- `sign_same_ip`: the same from one IP address, which this process has seen before: the
  per-IP limit asks Redis (`northstar.ratelimit`);
- `minimal`: the same POST as `sign` to the bench's minimal view (a form validated, one row
  inserted).

Per kind it reports the HTTP status, the Python and C function calls of one
request (`python_calls`: the same on any machine), SQL statements (BEGIN, COMMIT and
savepoints included) and Redis commands (of every database of the server, as
Redis counts them: a script's own calls included) of one request in a second
that has had requests of its kind already, and the median of ROUNDS rounds of
the process CPU time (`time.process_time`) per request, so that the figure does
not depend on what else the machine is doing as throughput does. With PostgreSQL on
this machine it also gives the median CPU its backend (serving this process's one
connection) spent per request, `pg_cpu_ms`, from /proc/<pid>/schedstat (None when
that cannot be read, or the connection changed during a round). Prints one line:
`COST {"sign": {"status": 302, "calls": 3196, "statements": 1, "redis": 1, "cpu_ms": 1.23,
"pg_cpu_ms": 0.15}, ...}`.

With `--profile NAME` it also prints the functions that took the most CPU in
that kind of request (cProfile), for finding where the time goes.
"""

import argparse
import cProfile
import importlib
import io
import ipaddress
import json
import os
import pstats
import re
import statistics
import sys
import time
import uuid
from http.cookies import SimpleCookie

ROUNDS = 5
REQUESTS = {  # per round
    "page_cached": 400,
    "page_cached_cookie": 400,
    "page_render": 40,
    "static": 400,
    "sign": 150,
    "sign_same_ip": 150,
    "minimal": 150,
}
HIDDEN_TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
SIGN_FORM_ACTION = re.compile(rb'action="(/petitions/[0-9]+/sign/)"')
STATIC_PATH = "/static/northstar/css/site.css"


class Site:
    """The WSGI application and one visitor's CSRF pair."""

    def __init__(self, application):
        self.application = application

    def call(self, method, path, query="", body=b"", cookie="", forwarded_for=""):
        """(status, headers, body) of one request through the WSGI application."""
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "127.0.0.1",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            "wsgi.version": (1, 0),
        }
        if body:
            environ["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
            environ["CONTENT_LENGTH"] = str(len(body))
        if cookie:
            environ["HTTP_COOKIE"] = cookie
        if forwarded_for:
            environ["HTTP_X_FORWARDED_FOR"] = forwarded_for
        answer = {}

        def start_response(status, headers, exc_info=None):
            answer["status"] = int(status.split()[0])
            answer["headers"] = headers

        result = self.application(environ, start_response)
        try:
            content = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        return answer["status"], answer["headers"], content


def sign_body(token, tag):
    """The body sign.lua posts, with a new address."""
    return (
        f"csrfmiddlewaretoken={token}&first_name=Bench&last_name=Signer"
        f"&email=bench-cost-{tag}-{uuid.uuid4().hex[:12]}%40example.org"
        "&zip_code=78701&state=&comment=Signed+by+the+benchmark&website="
    ).encode()


def new_ip_address():
    """An IPv6 address of 2001:2::/48 (RFC 5180's range for benchmarks) not used before."""
    return str(ipaddress.IPv6Address("2001:2::") + uuid.uuid4().int % 2**80)


def python_calls(request):
    """How many Python and C functions one call of `request` calls (`sys.setprofile`).

    Unlike CPU time it does not depend on the machine or its load: the same
    code makes the same calls anywhere, so it tells one machine's figures from
    another's work.
    """
    calls = 0

    def count(frame, event, arg):
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1

    sys.setprofile(count)
    try:
        request()
    finally:
        sys.setprofile(None)
    return calls - 2  # request()'s own call of site.call and of sys.setprofile


def backend_cpu_seconds(pid):
    """CPU seconds the process `pid` has run (/proc/<pid>/schedstat, in ns), or None."""
    try:
        with open(f"/proc/{pid}/schedstat") as stat:
            return int(stat.read().split()[0]) / 1e9
    except (OSError, ValueError, IndexError):
        return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--profile", action="append", default=[])
    parser.add_argument("--only", action="append", default=[])
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    options = parser.parse_args()

    # Set up as gunicorn's workers are (django.setup(), the ZIP index built), then use Django.
    application = importlib.import_module("northstar.wsgi").application
    import redis
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.bench.programs.minimal_form import MINIMAL_PATH, ensure_table

    ensure_table()
    site = Site(application)
    path = options.path
    status, headers, page = site.call("GET", path)
    cookie = SimpleCookie()
    for name, value in headers:
        if name.lower() == "set-cookie":
            cookie.load(value)
    csrf_cookie = f"csrftoken={cookie['csrftoken'].value}"
    token = HIDDEN_TOKEN.search(page).group(1).decode()
    sign_path = SIGN_FORM_ACTION.search(page).group(1).decode()

    kinds = {
        "page_cached": lambda: site.call("GET", path),
        "page_cached_cookie": lambda: site.call("GET", path, cookie=csrf_cookie),
        "page_render": lambda: site.call("GET", path, query=f"bench={uuid.uuid4().hex}"),
        "static": lambda: site.call("GET", STATIC_PATH),
        "sign": lambda: site.call(
            "POST",
            sign_path,
            body=sign_body(token, "s"),
            cookie=csrf_cookie,
            forwarded_for=new_ip_address(),
        ),
        "sign_same_ip": lambda: site.call(
            "POST", sign_path, body=sign_body(token, "i"), cookie=csrf_cookie
        ),
        "minimal": lambda: site.call(
            "POST",
            MINIMAL_PATH,
            body=sign_body(token, "m"),
            cookie=csrf_cookie,
            forwarded_for=new_ip_address(),
        ),
    }
    if options.only:
        kinds = {name: kinds[name] for name in options.only}
    server = redis.Redis.from_url(os.environ["CACHE_URL"])

    def redis_commands():
        return server.info("stats")["total_commands_processed"]

    costs = {}
    for name, request in kinds.items():
        for _ in range(20):  # warm: the page cached, the petition kept, connections open
            request()
        before = redis_commands()
        with CaptureQueriesContext(connection) as queries:
            status = request()[0]
        costs[name] = {
            "status": status,
            "statements": len(queries),
            "redis": redis_commands() - before - 1,  # the first INFO is counted too
            "calls": python_calls(request),
            "cpu_ms_rounds": [],
            "pg_cpu_ms_rounds": [],
        }

    def backend():
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        return pid, backend_cpu_seconds(pid)

    # Rounds of each kind in turn, so that a change in the machine's load meets every kind.
    for _ in range(options.rounds):
        for name, request in kinds.items():
            count = REQUESTS[name]
            pid, pg_started = backend()
            started = time.process_time()
            for _ in range(count):
                request()
            per_request = (time.process_time() - started) / count * 1000
            costs[name]["cpu_ms_rounds"].append(round(per_request, 4))
            pid_after, pg_ended = backend()
            if pid_after == pid and None not in (pg_started, pg_ended):
                pg_per_request = (pg_ended - pg_started) / count * 1000
                costs[name]["pg_cpu_ms_rounds"].append(round(pg_per_request, 4))
    for cost in costs.values():
        cost["cpu_ms"] = statistics.median(cost["cpu_ms_rounds"])
        pg_rounds = cost["pg_cpu_ms_rounds"]
        cost["pg_cpu_ms"] = statistics.median(pg_rounds) if pg_rounds else None
    for name in options.profile:
        request = kinds[name]
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for _ in range(REQUESTS[name]):
            request()
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("tottime").print_stats(35)
        stats.sort_stats("cumulative").print_stats(70)
        print(f"PROFILE {name} ({REQUESTS[name]} requests)\n{out.getvalue()}", file=sys.stderr)
    print("COST " + json.dumps(costs))


if __name__ == "__main__":
    main()
