"""`manage.py load_demo_data` for transactional tests (the browser's), at the cost of a copy.

Loading the demo takes seconds (2,424 signatures, a campaign with its pages, teams and gifts,
each page saved through Wagtail); a transactional test empties the database when it ends, so
each browser test loaded it again. Here the first test that loads the demo on an emptied
database runs the real command and keeps a copy of every table (PostgreSQL's COPY) and the
sequences; later tests, on a database emptied the same way, get exactly that copy back in one
transaction. A database that is not in that emptied state (the freshly migrated one the first
transactional test sees, or one a fixture wrote to first) gets the real command, so what a test
starts from is always what the command would have made.
"""

from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction

_snapshot = None  # (tables, {table: COPY data}, {sequence: last value}) once taken


def load_demo_data():
    """The demo nonprofit, as `call_command("load_demo_data")` leaves it."""
    global _snapshot
    if not _emptied():
        call_command("load_demo_data")
        return
    if _snapshot is None:
        call_command("load_demo_data")
        _snapshot = _copy_of_every_table()
        return
    _restore(*_snapshot)


def _emptied():
    """True on a database as a transactional test's flush leaves it: no page, no user."""
    from wagtail.models import Page

    from northstar.models import User

    return connection.vendor == "postgresql" and not (
        Page.objects.exists() or User.objects.exists()
    )


def _tables():
    return sorted(connection.introspection.table_names(include_views=False))


def _copy_of_every_table():
    quote = connection.ops.quote_name
    tables = _tables()
    data = {}
    with connection.cursor() as cursor:
        for table in tables:
            with cursor.cursor.copy(f"COPY {quote(table)} TO STDOUT") as copy:
                data[table] = b"".join(bytes(chunk) for chunk in copy)
        cursor.execute("SELECT schemaname, sequencename, last_value FROM pg_sequences")
        sequences = {
            f"{quote(schema)}.{quote(name)}": value
            for schema, name, value in cursor.fetchall()
            if value is not None
        }
    return tables, data, sequences


def _restore(tables, data, sequences):
    from django.contrib.contenttypes.models import ContentType

    from northstar.memo import clear_all

    quote = connection.ops.quote_name
    assert _tables() == tables, "The database's tables changed since the demo was copied"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(quote(table) for table in tables)}")
        for table in tables:
            if data[table]:
                with cursor.cursor.copy(f"COPY {quote(table)} FROM STDIN") as copy:
                    copy.write(data[table])
        for sequence, value in sequences.items():
            # Never backwards: ids handed out since the copy stay unique.
            cursor.execute(
                f"SELECT setval(%s, GREATEST(%s, (SELECT last_value FROM {sequence})))",  # noqa: S608
                [sequence, value],
            )
    # Content types came back with the copy's ids; nothing remembered may point elsewhere.
    ContentType.objects.clear_cache()
    cache.clear()
    clear_all()
