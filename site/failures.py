"""Which failures of background work are temporary (try again later) and which permanent.

The one place for the rule, as alphagov/e-petitions' `EmailJob` lists
`PERMANENT_FAILURES` and `TEMPORARY_FAILURES`: every task that sends mail
(`northstar.tasks.send_outbound_email`, `petitions.tasks.process_delivery`)
asks `retry_or_give_up`, and `northstar.celery.BaseTask` retries every other
task on what `classify` calls temporary.

Temporary (retried with backoff):
- the mail provider could not be reached: connection refused, DNS, a timeout
  (Anymail raises `AnymailRequestsAPIError` with `status_code=None`);
- the provider answered 408, 429 or any 5xx; an SMTP server answered 4xx;
- the database was busy or away: SQLite's "database is locked" (another
  process held the write lock longer than the busy timeout); PostgreSQL's
  deadlocks and serialization failures (SQLSTATE class 40), connection
  exceptions (class 08), a server shutting down, crashed or starting up
  (57P01, 57P02, 57P03); and every psycopg `OperationalError` or
  `InterfaceError` without a SQLSTATE, raw or wrapped by Django: the server
  never answered, because the connection failed, was refused, closed, reset
  or timed out (a restart of PostgreSQL).

Permanent (recorded on the message, never retried):
- the provider refused the recipients, or the address is invalid;
- any other 4xx answer (a bad request, a bad key), an SMTP 5xx answer;
- an answer in 2xx that Anymail could not read: the provider may have
  accepted the message, and sending it again could deliver it twice.

Anything else is a bug in our code: neither, and the task lets it raise.
"""

import enum
import smtplib

import psycopg
import requests
from anymail.exceptions import AnymailAPIError, AnymailError
from celery.utils.time import get_exponential_backoff_interval
from django.db import InterfaceError, OperationalError


class Failure(enum.Enum):
    TEMPORARY = "temporary"
    PERMANENT = "permanent"


# HTTP answers worth asking again; every 5xx is too.
TEMPORARY_STATUS_CODES = frozenset({408, 425, 429})

# Failures that are temporary whatever their details (checked after the
# provider's HTTP status: Anymail's API errors are requests exceptions too).
TEMPORARY_FAILURES = (
    ConnectionError,  # refused, reset, aborted
    TimeoutError,  # socket.timeout included
    requests.ConnectionError,
    requests.Timeout,
    smtplib.SMTPServerDisconnected,
    InterfaceError,  # the database connection was closed under us
)

# Failures that are permanent whatever their details: refused recipients,
# invalid addresses, and every other error Anymail raises about the message.
PERMANENT_FAILURES = (
    smtplib.SMTPRecipientsRefused,
    AnymailError,
)

# SQLite's SQLITE_BUSY and SQLITE_LOCKED, as their messages read.
LOCKED_DATABASE_MESSAGES = ("database is locked", "database table is locked")
# PostgreSQL SQLSTATE classes: 08 connection exception, 40 transaction rollback
# (serialization failure, deadlock detected).
TEMPORARY_SQLSTATE_CLASSES = ("08", "40")
# PostgreSQL SQLSTATEs: admin_shutdown, crash_shutdown, cannot_connect_now (starting up).
TEMPORARY_SQLSTATES = frozenset({"57P01", "57P02", "57P03"})
# psycopg's errors that, without a SQLSTATE, mean the server never answered.
CONNECTION_FAILURES = (psycopg.OperationalError, psycopg.InterfaceError)


def classify(exc: BaseException) -> Failure | None:
    """`Failure.TEMPORARY`, `Failure.PERMANENT`, or None for an error that is neither (a bug)."""
    if isinstance(exc, AnymailAPIError):
        return classify_status(exc.status_code)
    if isinstance(exc, smtplib.SMTPResponseException):
        return Failure.TEMPORARY if 400 <= exc.smtp_code < 500 else Failure.PERMANENT
    if isinstance(exc, TEMPORARY_FAILURES):
        return Failure.TEMPORARY
    if isinstance(exc, PERMANENT_FAILURES):
        return Failure.PERMANENT
    if isinstance(exc, (OperationalError, *CONNECTION_FAILURES)) and database_was_busy(exc):
        return Failure.TEMPORARY
    return None


def classify_status(status_code: int | None) -> Failure:
    """A mail provider's HTTP answer; None means no answer at all (a network error)."""
    if status_code is None or status_code in TEMPORARY_STATUS_CODES or status_code >= 500:
        return Failure.TEMPORARY
    return Failure.PERMANENT


def database_was_busy(exc: Exception) -> bool:
    """True if the database refused for now (locked, deadlocked, unreachable), not for good.

    `exc` is Django's `OperationalError` (psycopg's or sqlite3's error as its
    `__cause__`) or psycopg's own `OperationalError` or `InterfaceError`.
    """
    message = str(exc).lower()
    if any(text in message for text in LOCKED_DATABASE_MESSAGES):
        return True
    cause = exc if isinstance(exc, psycopg.Error) else exc.__cause__
    if not isinstance(cause, psycopg.Error):
        return False
    if cause.sqlstate is None:
        return isinstance(cause, CONNECTION_FAILURES)
    return cause.sqlstate[:2] in TEMPORARY_SQLSTATE_CLASSES or cause.sqlstate in TEMPORARY_SQLSTATES


def is_temporary(exc: BaseException) -> bool:
    return classify(exc) is Failure.TEMPORARY


def backoff_seconds(task) -> int:
    """The countdown before the next try of a bound `task`: the task's own exponential backoff."""
    return get_exponential_backoff_interval(
        factor=task.retry_backoff,
        retries=task.request.retries,
        maximum=task.retry_backoff_max,
        full_jitter=task.retry_jitter,
    )


def retry_or_give_up(task, exc: BaseException, give_up) -> None:
    """What a bound Celery `task` does with `exc`, raised while it worked.

    A temporary failure with retries left raises Celery's `Retry` (after
    `backoff_seconds`); a temporary failure with none left, or a permanent one,
    calls `give_up(exc)` and returns; anything else is re-raised unchanged.
    """
    kind = classify(exc)
    if kind is None:
        raise exc
    if kind is Failure.TEMPORARY and task.request.retries < task.max_retries:
        raise task.retry(exc=exc, countdown=backoff_seconds(task)) from exc
    give_up(exc)


def retry_if_temporary(task, exc: BaseException, **retry_options) -> None:
    """Raise Celery's `Retry` for a temporary failure with retries left; otherwise return.

    `retry_options` go to `task.retry` (`kwargs=` to run the next try with other arguments).
    """
    if is_temporary(exc) and task.request.retries < task.max_retries:
        raise task.retry(exc=exc, countdown=backoff_seconds(task), **retry_options) from exc
