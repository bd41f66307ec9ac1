"""The Attorneys General data set: load `data/attorneys_general.csv` into `Target` rows.

Staff keep the targets current in the admin (office holders change after
elections), so a load must never undo their work. Each target remembers in
`loaded_values` what the last load wrote. For every field:

- the current value still equals what the last load wrote (staff left it
  alone): the data set's value is written;
- staff changed it since: their value is kept. When the data set brings a
  different value for that field, the pair (jurisdiction, field) is reported
  so that someone can look at it.

Either way `loaded_values` then records the data set's values, so a field is
reported once per change in the data set, not on every load. Loading the same
file twice changes nothing. Targets missing from the file are left as they are.
"""

import csv
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from .jurisdictions import JURISDICTIONS
from .models import Target, TargetGroup

DATA_FILE = Path(__file__).resolve().parent / "data" / "attorneys_general.csv"

COLUMNS = (
    "jurisdiction",
    "jurisdiction_name",
    "name",
    "title",
    "office_address",
    "phone",
    "email",
    "website",
    "term_end",
    "note",
    "source",
)

# The target fields a load writes, in the order they are compared.
LOADED_FIELDS = (
    "name",
    "title",
    "office",
    "email",
    "postal_address",
    "phone",
    "website",
    "term_end",
    "note",
    "source",
)


@dataclass
class LoadReport:
    """What one load did: targets created, updated or unchanged, and staff edits kept.

    `updated` counts targets with at least one field written from the file; a
    target whose only differences were kept staff edits counts as unchanged.
    """

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    staff_edits_kept: list[tuple[str, str]] = field(default_factory=list)

    @property
    def kept_staff_edits(self):
        return len(self.staff_edits_kept)

    def summary(self):
        return (
            f"Attorneys General: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.kept_staff_edits} staff edit(s) kept."
        )


def load_attorneys_general(path=DATA_FILE):
    """Create and update the Attorneys General targets from the CSV at `path`.

    One transaction: a file with a bad row raises `ValueError` and changes nothing.
    """
    rows = read_rows(path)
    report = LoadReport()
    with transaction.atomic():
        existing = {
            target.jurisdiction: target
            for target in Target.objects.select_for_update().filter(
                group=TargetGroup.ATTORNEYS_GENERAL
            )
        }
        for jurisdiction, values in rows.items():
            target = existing.get(jurisdiction)
            if target is None:
                _create(jurisdiction, values)
                report.created += 1
            elif _update(target, values, report):
                report.updated += 1
            else:
                report.unchanged += 1
    return report


def read_rows(path):
    """The file's rows as {jurisdiction: {field: value}}, values as `loaded_values` stores them."""
    with open(path, newline="", encoding="utf-8") as file:
        reader = csv.DictReader(file)
        missing = set(COLUMNS) - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{path}: missing column(s): {', '.join(sorted(missing))}")
        rows = {}
        for line, row in enumerate(reader, start=2):
            row = {column: (row[column] or "").strip() for column in COLUMNS}
            jurisdiction = row["jurisdiction"].upper()
            if jurisdiction not in JURISDICTIONS:
                raise ValueError(f"{path}, line {line}: unknown jurisdiction {jurisdiction!r}")
            if jurisdiction in rows:
                raise ValueError(f"{path}, line {line}: {jurisdiction} appears twice")
            rows[jurisdiction] = _values(row, where=f"{path}, line {line}")
    return rows


def _values(row, where):
    place = row["jurisdiction_name"] or JURISDICTIONS[row["jurisdiction"].upper()]
    title = row["title"] or "Attorney General"
    try:
        term_end = date.fromisoformat(row["term_end"]).isoformat() if row["term_end"] else None
    except ValueError:
        raise ValueError(f"{where}: term_end {row['term_end']!r} is not a date") from None
    return {
        "name": row["name"],
        "title": title,
        "office": f"Office of the {place} {title}",
        "email": row["email"],
        "postal_address": row["office_address"],
        "phone": row["phone"],
        "website": row["website"],
        "term_end": term_end,
        "note": row["note"],
        "source": row["source"],
    }


def _current(target, name):
    """A field's value as `loaded_values` stores it (dates as ISO strings)."""
    value = getattr(target, name)
    return value.isoformat() if isinstance(value, date) else value


def _assign(target, name, value):
    setattr(target, name, date.fromisoformat(value) if name == "term_end" and value else value)


def _validate(target):
    try:
        target.clean_fields(exclude=["loaded_values"])
    except ValidationError as error:
        raise ValueError(f"{target.jurisdiction}: {'; '.join(error.messages)}") from None


def _create(jurisdiction, values):
    target = Target(
        group=TargetGroup.ATTORNEYS_GENERAL, jurisdiction=jurisdiction, loaded_values=values
    )
    for name, value in values.items():
        _assign(target, name, value)
    _validate(target)
    target.save()


def _update(target, values, report):
    """Apply the file's values to `target` around staff edits; return True if a field changed."""
    changed = []
    for name in LOADED_FIELDS:
        new = values[name]
        current = _current(target, name)
        if current == new:
            continue
        if name in target.loaded_values:
            staff_edited = current != target.loaded_values[name]
        else:
            # Never loaded (e.g. a target staff created before the first load):
            # only an empty field is the loader's to fill.
            staff_edited = current not in ("", None)
        if not staff_edited:
            _assign(target, name, new)
            changed.append(name)
        elif target.loaded_values.get(name, current) != new:
            report.staff_edits_kept.append((target.jurisdiction, name))
    if not changed and target.loaded_values == values:
        return False
    target.loaded_values = values
    _validate(target)
    target.save(update_fields=[*changed, "loaded_values"])
    return bool(changed)
