"""Rate limits, counted in the database, so they hold across every process and machine.

A limit's window starts at its first attempt and lasts exactly the seconds the
caller gives. Each counted key has one row (`RateLimitWindow`): its count and
when its window ends, read from this process's clock (so tests can move it
with time-machine). An attempt is one statement, an upsert that adds one to
the count, or starts a new window when the last one has ended, and returns the
count; PostgreSQL and SQLite (`make run`) both run it, atomically.

The row's key is the limit's scope and a keyed hash of what it counts
(Django's `salted_hmac`, so the table holds no IP address or email).
Windows that have ended are deleted by `delete_ended_windows`, every five
minutes in production (Celery beat).

A guarded write can carry its count in its own statement (`Attempt.statement`
as a common table expression; `northstar.rows.insert_if_new`): a signing is
then one round trip to PostgreSQL, the limit included.

An attempt counted inside a transaction is rolled back with it: count in a
statement of its own, or in the statement of the write it guards.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connections
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import RateLimitWindow

KEY_SALT = "northstar.ratelimit"

# The upsert of one attempt; RETURNING the count in the window it falls in. Both SET
# expressions read the row as it was, so a window that has ended starts again at 1
# with its end moved, and one still open keeps its end.
COUNT_ATTEMPT = (
    "INSERT INTO {table} ({key}, {count}, {ends_at}) VALUES (%s, 1, %s) "
    "ON CONFLICT ({key}) DO UPDATE SET "
    "{count} = CASE WHEN {table}.{ends_at} <= %s THEN 1 ELSE {table}.{count} + 1 END, "
    "{ends_at} = CASE WHEN {table}.{ends_at} <= %s THEN excluded.{ends_at} "
    "ELSE {table}.{ends_at} END "
    "RETURNING {count}"
)


class TooManyAttempts(Exception):
    """An attempt past its limit; nothing was written, and the attempt was counted."""


def client_ip(request):
    """The visitor's address: REMOTE_ADDR, or the address NUM_PROXIES trusted proxies saw."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if settings.NUM_PROXIES and len(hops) >= settings.NUM_PROXIES:
        return hops[-settings.NUM_PROXIES]
    return request.META.get("REMOTE_ADDR", "")


@dataclass(frozen=True)
class Attempt:
    """One attempt at `scope` by `key` (an IP address, an email); windows of `window_seconds`."""

    scope: str
    key: str
    window_seconds: float

    def row_key(self):
        """The key of this attempt's row: "scope:" and 40 hex digits of HMAC-SHA1 of `key`."""
        digest = salted_hmac(KEY_SALT, f"{self.scope}\n{self.key}").hexdigest()
        return f"{self.scope}:{digest}"

    def statement(self, connection):
        """(SQL, params) of the upsert that counts this attempt now; it returns one row, the count.

        Usable alone or as a common table expression on PostgreSQL.
        """
        now = timezone.now()
        ends_at = now + timedelta(seconds=self.window_seconds)
        sql = COUNT_ATTEMPT.format(**window_names(connection))
        prepare = connection.ops.adapt_datetimefield_value
        return sql, [self.row_key(), prepare(ends_at), prepare(now), prepare(now)]


def allow(scope, key, limit, window_seconds):
    """Count one attempt at `scope` by `key`; False once `limit` is passed within the window.

    The window starts at the first attempt and lasts `window_seconds`. A limit
    of 0 or less means no limit (and nothing is counted).
    """
    if limit <= 0:
        return True
    return count_attempt(Attempt(scope, key, window_seconds)) <= limit


def count_attempt(attempt, using="default"):
    """Count `attempt` (an `Attempt`) in a statement of its own; the count in its window (int)."""
    connection = connections[using]
    sql, params = attempt.statement(connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def delete_ended_windows():
    """Delete the rows of windows that have ended (by this process's clock); how many."""
    deleted, _ = RateLimitWindow.objects.filter(ends_at__lte=timezone.now()).delete()
    return deleted


def window_names(connection):
    """The quoted names of RateLimitWindow's table and columns on `connection`."""
    quote = connection.ops.quote_name
    opts = RateLimitWindow._meta
    return {
        "table": quote(opts.db_table),
        **{name: quote(opts.get_field(name).column) for name in ("key", "count", "ends_at")},
    }
