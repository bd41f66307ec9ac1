"""One new row in one statement, for the busiest write of all: a signature.

`Model.save()` compiles its INSERT afresh on every call (each column quoted,
each value passed through the query compiler) and sends the model signals.
For a signature, the one row a viral petition writes hundreds of times a
second, that compilation cost more than sending the statement (about 0.1 ms
of a signing's CPU; see docs/benchmarks.md). `insert` builds the statement once
per model from the model's own fields (`Model._meta`, each value prepared by
its field, as `save()` prepares it) and sends it through Django's cursor, so
errors are Django's (an `IntegrityError` for a broken constraint). It sends no
`pre_save`/`post_save` signals: use it only for a model that has no receivers.
"""

from functools import cache

from django.db import connections, router


def insert(instance, using=None):
    """INSERT `instance` (a model instance not saved yet) as one statement; sets its primary key.

    Every concrete field but an automatic primary key is written, each value
    taken as `save()` takes it (`Field.pre_save`, then `Field.get_db_prep_save`).
    Raises django.db.IntegrityError when a constraint refuses the row. On a
    database that cannot return the new key from an INSERT, falls back to
    `instance.save(force_insert=True)`.
    """
    model = type(instance)
    alias = using or router.db_for_write(model, instance=instance)
    connection = connections[alias]
    if not connection.features.can_return_columns_from_insert:
        instance.save(force_insert=True, using=alias)
        return instance
    sql, fields = insert_statement(model, alias)
    params = [
        field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        instance.pk = cursor.fetchone()[0]
    instance._state.adding = False
    instance._state.db = alias
    return instance


@cache
def insert_statement(model, alias):
    """(SQL, fields) of `model`'s one-row INSERT on the connection `alias`, built once."""
    connection = connections[alias]
    quote = connection.ops.quote_name
    opts = model._meta
    pk = opts.pk
    fields = [
        field
        for field in opts.concrete_fields
        if not (field is pk and field.get_internal_type() in ("AutoField", "BigAutoField"))
    ]
    columns = ", ".join(quote(field.column) for field in fields)
    values = ", ".join(["%s"] * len(fields))
    # Identifiers come from the model and are quoted by the connection; every value is a
    # parameter.
    sql = (
        f"INSERT INTO {quote(opts.db_table)} ({columns}) VALUES ({values}) "  # noqa: S608
        f"RETURNING {quote(pk.column)}"
    )
    return sql, fields
