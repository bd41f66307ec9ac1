"""Money as integer minor units (cents) and a currency code, as Stripe counts it. No floats."""

import re
from decimal import Decimal

CURRENCY_SYMBOLS = {"usd": "$"}

# "40", "40.5", "40.50", "1,000" or "1,000.00"; a dollar sign in front is allowed.
AMOUNT_PATTERN = re.compile(r"^(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,9})(?:\.[0-9]{1,2})?$")


def parse_amount_cents(text):
    """The cents in an amount a person typed ("$1,250.50" -> 125050); None if it is not one."""
    text = (text or "").strip().removeprefix("$").strip()
    if not AMOUNT_PATTERN.fullmatch(text):
        return None
    return int(Decimal(text.replace(",", "")) * 100)


def format_money(cents, currency="usd"):
    """ "$3,450" for whole dollars, "$3,450.50" otherwise; other currencies by their code."""
    dollars, rest = divmod(int(cents or 0), 100)
    text = f"{dollars:,}" if rest == 0 else f"{dollars:,}.{rest:02d}"
    symbol = CURRENCY_SYMBOLS.get((currency or "").lower())
    return f"{symbol}{text}" if symbol else f"{text} {currency.upper()}"
