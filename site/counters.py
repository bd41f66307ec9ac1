"""Sharded counters: exact counts and totals kept beside the rows they count.

A counter is a table of (key..., shard) rows with integer amounts. Writers add
to one randomly chosen shard of their key with a single upsert, so concurrent
writers of one key rarely touch the same row (no hot row: none waits for
another) and readers, who sum the shards, never wait for writers. Amounts may
be negative (a refund undoes a gift).

A concrete counter declares its key fields, its amount fields and where its
true values come from::

    class SignatureCount(ShardedCounter):
        key_fields = ("petition", "state")
        amount_fields = ("count",)

        petition = models.ForeignKey(PetitionPage, ...)
        state = models.CharField(max_length=2)
        count = models.IntegerField(default=0)

        class Meta:
            constraints = [UniqueConstraint(fields=["petition", "state", "shard"], ...)]

        @classmethod
        def true_values(cls, **key):
            return {(petition_id, state): {"count": n}, ...}

The unique constraint on the key fields plus `shard` is required: the upsert
names it as its conflict target. Every concrete counter is registered simply
by being a model (`registered_counters()`), and `manage.py recount` rebuilds
them all.
"""

import random
import zlib
from collections import namedtuple

from django.apps import apps
from django.db import connections, models, transaction
from django.db.models import Sum


class CounterQuerySet(models.QuerySet):
    """Reading, adding to and rebuilding a sharded counter (`Model.objects`)."""

    def add(self, *key, **amounts):
        """Add `amounts` to one random shard of the counter at `key`, in ONE upsert statement.

        `key` gives the model's `key_fields` in order (model instances or
        primary keys for foreign keys); `amounts` are integers, by amount
        field name, negative to subtract; fields left out add 0, and naming
        none, or a field the model lacks, raises TypeError. Run it in the
        transaction that changes the counted row, so both commit or neither.
        """
        self.add_many([key], **amounts)

    def add_many(self, keys, **amounts):
        """Add the same `amounts` at each of several keys, in ONE upsert statement.

        For roll-ups: a gift counted on its page and on every level above it.
        Keys are written in the order given; give them in one fixed order
        (deepest level first, say) so that concurrent writers never deadlock. Every
        write of one transaction goes to the same shard (`_transaction_shard`), so a
        transaction that adds twice (a refund, then its status) still takes its row
        locks in that one order.
        A key given twice raises ValueError (one statement changes a row once).
        """
        model = self.model
        if not amounts:
            raise TypeError(f"Add what? Name amounts: one of {model.amount_fields}")
        unknown = set(amounts) - set(model.amount_fields)
        if unknown:
            raise TypeError(f"{model.__name__} has no amount field(s) {sorted(unknown)}")
        keys = [tuple(_pk(value) for value in key) for key in keys]
        if not keys:
            return
        if len(set(keys)) != len(keys):
            raise ValueError(f"Each key once per statement, got {keys!r}")
        connection = connections[self.db]
        quote = connection.ops.quote_name
        opts = model._meta
        key_fields = [opts.get_field(name) for name in model.key_fields]
        shard_field = opts.get_field("shard")
        amount_fields = [opts.get_field(name) for name in model.amount_fields]
        columns = [f.column for f in (*key_fields, shard_field, *amount_fields)]
        shard = _transaction_shard(connection) % model.SHARDS
        params = []
        for key in keys:
            if len(key) != len(key_fields):
                raise TypeError(f"{model.__name__} keys are {model.key_fields}, got {key!r}")
            for field, value in zip(key_fields, key, strict=True):
                params.append(field.get_db_prep_value(_pk(value), connection))
            params.append(shard)
            params.extend(int(amounts.get(field.name, 0)) for field in amount_fields)
        table = quote(opts.db_table)
        row = "(" + ", ".join(["%s"] * len(columns)) + ")"
        conflict = ", ".join(quote(f.column) for f in (*key_fields, shard_field))
        updates = ", ".join(
            f"{quote(f.column)} = {table}.{quote(f.column)} + EXCLUDED.{quote(f.column)}"
            for f in amount_fields
        )
        # Identifiers come from the model and are quoted by the connection; every
        # value is a parameter.
        sql = (
            f"INSERT INTO {table} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608
            f"VALUES {', '.join([row] * len(keys))} "
            f"ON CONFLICT ({conflict}) DO UPDATE SET {updates}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    def total(self, **key):
        """The counter's amounts summed over every shard of the rows matching `key`.

        `key` is a filter (`petition=5`, `petition=5, state="NY"`); the answer
        is the model's `Totals` tuple, one integer per amount field, in one query.
        """
        names = self.model.amount_fields
        sums = self.filter(**key).aggregate(**{name: Sum(name) for name in names})
        return self.model.Totals(*(sums[name] or 0 for name in names))

    def totals(self, by=None, **key):
        """{group: Totals} for the rows matching `key`, grouped by the fields `by`, in one query.

        `by` defaults to all the key fields. A group is the field's value when
        `by` names one field (`{"NY": Totals(count=3)}`), else a tuple. Groups
        with no rows are absent: read them with `.get(group, Model.ZERO)`.
        For a leaderboard: `DonationTotal.objects.totals(page__in=ids)`.
        """
        by = tuple(by or self.model.key_fields)
        names = self.model.amount_fields
        rows = (
            self.filter(**key)
            .values(*(_attname(self.model, name) for name in by))
            .annotate(**{f"sum_{name}": Sum(name) for name in names})
            .order_by()
        )
        result = {}
        for row in rows:
            group = tuple(row[_attname(self.model, name)] for name in by)
            result[group[0] if len(by) == 1 else group] = self.model.Totals(
                *(row[f"sum_{name}"] or 0 for name in names)
            )
        return result

    def rebuild(self, **key):
        """Recompute the rows matching `key` from the counted rows; {key: (was, now)} for drift.

        `key` is a filter as for `total` (nothing: the whole counter); keys are
        full key tuples, `was` and `now` the model's `Totals`. In one
        transaction: rebuilds of one counter queue up (`_one_rebuild_at_a_time`),
        then every shard row of every known key is made to exist and locked,
        so a writer of those keys waits until the rebuild commits and is then
        added on top, never counted twice nor lost. A
        drifted key is rewritten as one row holding the true values.
        """
        model = self.model
        names = model.amount_fields
        key_attnames = [_attname(model, name) for name in model.key_fields]
        with transaction.atomic(using=self.db):
            _one_rebuild_at_a_time(connections[self.db], model)
            known = {_as_tuple(k) for k in model.true_values(**key)}
            known |= {_as_tuple(k) for k in self.totals(**key)}
            model.objects.using(self.db).bulk_create(
                [
                    model(**dict(zip(key_attnames, k, strict=True)), shard=shard)
                    for k in sorted(known, key=repr)  # one order: rebuilders never deadlock
                    for shard in range(model.SHARDS)
                ],
                ignore_conflicts=True,
            )
            rows = list(
                self.filter(**key)
                .select_for_update()
                .order_by("pk")
                .values_list("pk", *key_attnames, *names)
            )
            was, row_ids = {}, {}
            for pk, *values in rows:
                k = tuple(values[: len(key_attnames)])
                amounts = values[len(key_attnames) :]
                if k not in known:
                    continue  # a key first written after we looked: not ours to judge
                row_ids.setdefault(k, []).append((pk, any(amounts)))
                was[k] = [a + b for a, b in zip(was.get(k, [0] * len(names)), amounts, strict=True)]
            was = {k: model.Totals(*v) for k, v in was.items()}
            # Counted after the lock: a writer of a known key has either committed
            # both its row and its +1 already, or waits for us and adds after.
            truth = {_as_tuple(k): v for k, v in model.true_values(**key).items()}
            now = {k: model.Totals(*(v.get(n, 0) for n in names)) for k, v in truth.items()}
            drift = {
                k: (was.get(k, model.ZERO), now.get(k, model.ZERO))
                for k in known
                if was.get(k, model.ZERO) != now.get(k, model.ZERO)
            }
            stale = [
                pk for k, ids in row_ids.items() for pk, nonzero in ids if k in drift or not nonzero
            ]
            self.filter(pk__in=stale).delete()
            model.objects.using(self.db).bulk_create(
                model(**dict(zip(key_attnames, k, strict=True)), shard=0, **now[k]._asdict())
                for k in drift
                if now.get(k, model.ZERO) != model.ZERO
            )
        return drift


class ShardedCounter(models.Model):
    """Abstract base of a counter spread over `SHARDS` rows per key (sum them to read).

    Concrete models declare `key_fields` and `amount_fields` (names of their
    own fields), the fields themselves, a unique constraint on the key fields
    plus `shard`, and `true_values(**key)`.
    """

    wagtail_reference_index_ignore = True  # a supporter's record, not content (see README)

    SHARDS = 8
    key_fields = ()
    amount_fields = ()

    shard = models.PositiveSmallIntegerField()

    objects = CounterQuerySet.as_manager()

    class Meta:
        abstract = True

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.amount_fields:
            cls.Totals = namedtuple(f"{cls.__name__}Totals", cls.amount_fields)
            cls.ZERO = cls.Totals(*(0 for _ in cls.amount_fields))

    def __str__(self):
        key = "/".join(str(getattr(self, _attname(type(self), n))) for n in self.key_fields)
        amounts = ", ".join(f"{n} {getattr(self, n)}" for n in self.amount_fields)
        return f"{key}/{self.shard}: {amounts}"

    @classmethod
    def true_values(cls, **key):
        """{key tuple: {amount field: true value}} from the counted rows, for keys matching `key`.

        `key` is the same filter as `total` takes; keys with nothing counted
        may be left out.
        """
        raise NotImplementedError(f"{cls.__name__} must say how to recount itself")

    @classmethod
    def describe_key(cls, key):
        """How `recount` names a key (a tuple) in its report; override for friendlier names."""
        return ", ".join(f"{name} {value}" for name, value in zip(cls.key_fields, key, strict=True))

    @classmethod
    def describe_drift(cls, was, now):
        """How `recount` tells what a key held (`was`) and what it should (`now`), as Totals."""
        return f"counted {dict(was._asdict())}, true {dict(now._asdict())}"


def registered_counters():
    """Every concrete sharded counter of the installed apps, in app order."""
    return [
        model
        for model in apps.get_models()
        if issubclass(model, ShardedCounter) and not model._meta.abstract
    ]


def _transaction_shard(connection):
    """A random number kept for the rest of the current transaction on `connection` (a new one
    outside any): the shard its writes go to, modulo the counter's `SHARDS`.

    Shards are chosen at random so that concurrent writers rarely meet on a row; but two
    writes of one transaction to different shards would lock shard a's rows then shard b's
    while another transaction locks b's then a's (a deadlock on the levels they share: a
    team, a campaign). One shard per transaction keeps every writer's locks in key order.
    The transaction is known by its outermost `atomic` block (a function decorated with
    `transaction.atomic` reuses one block: its calls on one connection share a shard).
    """
    outermost = connection.atomic_blocks[0] if connection.in_atomic_block else None
    kept = getattr(connection, "_counter_shard", None)
    if outermost is not None and kept is not None and kept[0] is outermost:
        return kept[1]
    number = random.randrange(1 << 30)
    connection._counter_shard = (outermost, number) if outermost is not None else None
    return number


def _one_rebuild_at_a_time(connection, model):
    """Make rebuilds of one counter wait for each other, until the transaction ends.

    A rebuild locks the shard rows it sees; one that ran meanwhile could have
    replaced them with rows it never saw. Writers never take this lock. On
    PostgreSQL a transaction-scoped advisory lock named by the table; SQLite
    lets one writing transaction in at a time anyway.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            lock_id = zlib.crc32(model._meta.db_table.encode())
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_id])


def _pk(value):
    return value.pk if isinstance(value, models.Model) else value


def _attname(model, name):
    return model._meta.get_field(name).attname


def _as_tuple(key):
    return key if isinstance(key, tuple) else (key,)
