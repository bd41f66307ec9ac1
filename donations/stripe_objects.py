"""Reading Stripe's payloads safely: an id wherever Stripe may send an id or the object.

Stripe sends a related object's id (`"pi_3Mt..."`) unless the request asked to expand
it, when the whole object comes instead (`{"id": "pi_3Mt...", "object":
"payment_intent", ...}`). The webhook reads every id through `stripe_id` and every
amount through `stripe_amount`, so no shape of payload stores a Python repr or raises.
"""

import re

# What Stripe's ids look like ("cs_test_a1B2...", "pi_3Mt...", "evt_1..."): ASCII letters,
# digits and underscores, as long as our columns hold. Anything else is not an id.
STRIPE_ID_PATTERN = re.compile(r"[A-Za-z0-9_]{1,255}")


def stripe_id(value) -> str:
    """The id in `value`: the string itself, or an expanded object's `id`; "" for anything
    else (None, a number, a list, an object without an id, text that is no Stripe id)."""
    if isinstance(value, dict):
        value = value.get("id")
    if isinstance(value, str) and STRIPE_ID_PATTERN.fullmatch(value):
        return value
    return ""


def stripe_amount(value) -> int | None:
    """An amount in minor units as Stripe sends it (a whole number, 0 or more); None for
    anything else (a string, a float, a boolean, a list, None)."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return None


def stripe_currency(value) -> str:
    """A currency code as Stripe writes it ("usd"), lower-cased; "" unless three ASCII
    letters."""
    if isinstance(value, str) and re.fullmatch(r"[A-Za-z]{3}", value):
        return value.lower()
    return ""


def stripe_dict(value) -> dict:
    """`value` if it is an object (a dict, as `metadata` should be); else an empty one."""
    return value if isinstance(value, dict) else {}


# Our primary keys as we write them into a Stripe object's `metadata`: ASCII digits only
# (int() would also read "١٢" as 12, and str.isdigit() accepts "²").
OUR_ID_PATTERN = re.compile(r"[0-9]{1,18}")


def metadata_ids(metadata, *names: str) -> tuple[int, ...] | None:
    """The primary keys `names` ("donation_id", "page_id") that `metadata` (a Stripe object's
    `metadata`, as we wrote it) carries, as ints in that order; None unless every one is
    there and is ASCII digits."""
    metadata = stripe_dict(metadata)
    values = [metadata.get(name) for name in names]
    if not all(isinstance(value, str) and OUR_ID_PATTERN.fullmatch(value) for value in values):
        return None
    return tuple(int(value) for value in values)
