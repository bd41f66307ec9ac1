"""One new row in one statement, for the busiest write of all: a signature.

`Model.save()` compiles its INSERT afresh on every call (each column quoted,
each value passed through the query compiler) and sends the model signals.
For a signature, the one row a viral petition writes hundreds of times a
second, that compilation cost more than sending the statement (about 0.1 ms
of a signing's CPU; see docs/benchmarks.md). `insert_if_new` builds the
statement once per model and unique constraint from the model's own fields
(`Model._meta`, each value prepared by its field, as `save()` prepares it) and
sends it through Django's cursor, so errors are Django's (an `IntegrityError`
for a broken constraint). A row that would repeat the values of the unique
constraint it names is not written and raises nothing (`ON CONFLICT DO
NOTHING`). The rate-limit count that guards the write can ride in the same
statement (`northstar.ratelimit.Attempt`). It sends no `pre_save`/`post_save`
signals: use it only for a model that has no receivers.
"""

from functools import cache

from django.db import connections, router, transaction

from .ratelimit import count_attempt, window_names


def insert_if_new(instance, unique, attempt=None, limit=0, using=None):
    """INSERT `instance` (a model instance not saved yet) unless a row shares its `unique` values.

    `unique` names one of the model's `UniqueConstraint`s; a row with the same
    values in its fields is left as it is, and nothing is written. Every
    concrete field but an automatic primary key is written, each value taken as
    `save()` takes it (`Field.pre_save`, then `Field.get_db_prep_save`).

    With an `attempt` (a `northstar.ratelimit.Attempt`) and a `limit` above 0,
    the attempt is counted first and the row written only if the count is
    within `limit`, whether or not the row is new, so the count never depends
    on what the table holds. On PostgreSQL the count and the INSERT are one
    statement; elsewhere (SQLite) two, in one transaction.

    Returns (inserted, count): whether the row was written (its primary key is
    then set), and the attempt's count in its window (None if nothing was
    counted). Raises django.db.IntegrityError when another constraint refuses the row.
    """
    model = type(instance)
    alias = using or router.db_for_write(model, instance=instance)
    connection = connections[alias]
    counted = attempt is not None and limit > 0
    in_one_statement = counted and connection.vendor == "postgresql"
    sql, fields = insert_statement(model, unique, alias, in_one_statement)
    values = [
        field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields
    ]
    if in_one_statement:
        count_sql, count_params = attempt.statement(connection)
        count, pk = execute(
            connection, f"WITH attempt AS ({count_sql}), {sql}", [*count_params, *values, limit]
        )
    elif counted:
        with transaction.atomic(using=alias):
            count = count_attempt(attempt, using=alias)
            if count > limit:
                return False, count
            (pk,) = execute(connection, sql, values) or (None,)
    else:
        count = None
        (pk,) = execute(connection, sql, values) or (None,)
    if pk is None:
        return False, count
    instance.pk = pk
    instance._state.adding = False
    instance._state.db = alias
    return True, count


def execute(connection, sql, params):
    """Run `sql` on `connection`; its first row (a tuple), or None."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


@cache
def insert_statement(model, unique, alias, counted):
    """(SQL, fields) of `model`'s one-row INSERT that skips a row repeating `unique`, built once.

    When `counted` (PostgreSQL only) the SQL follows the caller's
    `WITH attempt AS (the counting upsert), ` and answers one row of (count, the
    new primary key or NULL); otherwise it answers one row of the new key, or none.
    """
    connection = connections[alias]
    quote = connection.ops.quote_name
    opts = model._meta
    pk = opts.pk
    fields = [
        field
        for field in opts.concrete_fields
        if not (field is pk and field.get_internal_type() in ("AutoField", "BigAutoField"))
    ]
    (constraint,) = [c for c in opts.constraints if c.name == unique]
    table = quote(opts.db_table)
    columns = ", ".join(quote(field.column) for field in fields)
    unique_columns = ", ".join(quote(opts.get_field(name).column) for name in constraint.fields)
    values = ", ".join(["%s"] * len(fields))
    skip_repeat = f"ON CONFLICT ({unique_columns}) DO NOTHING RETURNING {quote(pk.column)}"
    # Identifiers come from the models and are quoted by the connection; every value is a
    # parameter (the counting upsert's too).
    if not counted:
        return f"INSERT INTO {table} ({columns}) VALUES ({values}) {skip_repeat}", fields  # noqa: S608
    count = window_names(connection)["count"]
    sql = (
        f"new_row AS (INSERT INTO {table} ({columns}) "  # noqa: S608
        f"SELECT {values} FROM attempt WHERE attempt.{count} <= %s {skip_repeat}) "
        f"SELECT (SELECT {count} FROM attempt), (SELECT {quote(pk.column)} FROM new_row)"
    )
    return sql, fields
