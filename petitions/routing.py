"""Routing a signature: from the signer's ZIP code to their state, and to its decision maker.

ZIP codes come from the `zipcodes` package (USPS data bundled on PyPI). That
data gives one state per ZIP; the few ZIPs known to straddle a state line are
listed below so that the signer is asked to choose, and the signer can always
correct the state on the form.
"""

import re
from functools import cache

import zipcodes

from .jurisdictions import JURISDICTIONS

# ASCII digits only: `\d` would also take "७८७०१" (Devanagari) or "７８７０１" (fullwidth).
ZIP_PATTERN = re.compile(r"[0-9]{5}(?:-?[0-9]{4})?")

# ZIP codes whose delivery area lies in two states (a starting list, not a
# complete one: the signer is always shown the state and may change it).
STRADDLING_ZIPS = {
    "42223": ("KY", "TN"),  # Fort Campbell
    "73949": ("OK", "TX"),  # Texhoma
    "86515": ("AZ", "NM"),  # Window Rock area, Navajo Nation
    "97635": ("CA", "OR"),  # New Pine Creek
}


def normalise_zip(value):
    """The five-digit ZIP of `value` ("78701-1234" -> "78701"), or None if it is not a ZIP.

    Only the ASCII digits 0-9 make a ZIP code; see `uses_other_digits` for a
    value typed in another script's digits.
    """
    value = (value or "").strip()
    if not ZIP_PATTERN.fullmatch(value):
        return None
    return value[:5]


def uses_other_digits(value):
    """Whether `value` holds digits other than ASCII 0-9 ("७८७०१", "７８７０１", "²")."""
    return any(char.isdigit() and not char.isascii() for char in value or "")


@cache
def zip_index():
    """{ZIP: states}, built once per process (about a second) from the package's data.

    `zipcodes.matching` scans the whole list on every call (tens of
    milliseconds), too slow for the sign form; this index answers at once.
    """
    index = {}
    for record in zipcodes.list_all():
        if record["state"] in JURISDICTIONS:
            index.setdefault(record["zip_code"], set()).add(record["state"])
    return {zip5: tuple(sorted(states)) for zip5, states in index.items()}


def states_for_zip(zip5):
    """The jurisdictions (with an Attorney General) that a five-digit ZIP lies in; () if unknown."""
    if zip5 in STRADDLING_ZIPS:
        return STRADDLING_ZIPS[zip5]
    return zip_index().get(zip5, ())
