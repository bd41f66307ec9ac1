"""Money as integer minor units (cents) and a currency code, as Stripe counts it. No floats.

What people type ("$1,250.50", "25,000") is read with explicit ASCII character
sets: digits are 0-9 only, never `\\d` or `int()` on whatever Unicode calls a
digit, so "१०००" or fullwidth "１０００" is refused with a message rather than
read as a thousand. The donate form and the admin's money fields use the same
parser (`amount_cents`) and the same form field (`MoneyField`).
"""

import re
import unicodedata

from django import forms

CURRENCY_SYMBOLS = {"usd": "$"}
CURRENCY_NAMES = {"usd": "US dollars"}

ASCII_DIGITS = frozenset("0123456789")

# "40", "40.5", "40.50", "1,000", "1,000.00" or "123,456,789.99"; a dollar sign in front is
# allowed. Explicit ASCII sets only: [0-9], never \d.
AMOUNT_PATTERN = re.compile(
    r"(?P<dollars>[0-9]{1,3}(?:,[0-9]{3}){1,2}|[0-9]{1,9})(?:\.(?P<cents>[0-9]{1,2}))?"
)
TOO_PRECISE_PATTERN = re.compile(r"[0-9,]+\.[0-9]{3,}")

ENTER_AN_AMOUNT = "Please enter an amount, like 40 or 40.50."
NOT_AN_AMOUNT = "Please enter an amount in dollars and cents, like 40 or 40.50."
NOT_ASCII_DIGITS = "Please type the amount with the digits 0 to 9, like 40 or 40.50."
TOO_PRECISE = "Please round the amount to the cent: at most two digits after the point."


class InvalidAmount(ValueError):
    """Text that is not an amount of money; `str(exc)` says why, in words for the person."""


def amount_cents(text):
    """The cents in an amount a person typed: "$1,250.50" -> 125050, "25,000" -> 2500000.

    Accepts digits 0-9 with optional thousands commas (in groups of three), at
    most two decimal places, and one leading "$"; surrounding spaces are
    ignored. Raises `InvalidAmount` (a ValueError) with a message for the person
    for anything else: empty text, other scripts' digits, a minus sign, an
    exponent, or fractions of a cent.
    """
    text = unicodedata.normalize("NFC", str(text or "")).strip()
    text = text.removeprefix("$").strip()
    if not text:
        raise InvalidAmount(ENTER_AN_AMOUNT)
    if any(char.isdigit() and char not in ASCII_DIGITS for char in text):
        raise InvalidAmount(NOT_ASCII_DIGITS)
    match = AMOUNT_PATTERN.fullmatch(text)
    if match is None:
        if TOO_PRECISE_PATTERN.fullmatch(text):
            raise InvalidAmount(TOO_PRECISE)
        raise InvalidAmount(NOT_AN_AMOUNT)
    dollars = int(match["dollars"].replace(",", ""))  # ASCII digits only, checked above
    cents = int((match["cents"] or "0").ljust(2, "0"))
    return dollars * 100 + cents


def parse_amount_cents(text):
    """The cents in an amount a person typed ("$1,250.50" -> 125050); None if it is not one."""
    try:
        return amount_cents(text)
    except InvalidAmount:
        return None


def format_money(cents, currency="usd"):
    """ "$3,450" for whole dollars, "$3,450.50" otherwise; other currencies by their code."""
    dollars, rest = divmod(int(cents or 0), 100)
    text = f"{dollars:,}" if rest == 0 else f"{dollars:,}.{rest:02d}"
    symbol = CURRENCY_SYMBOLS.get((currency or "").lower())
    return f"{symbol}{text}" if symbol else f"{text} {currency.upper()}"


def format_money_exact(cents, currency="usd"):
    """ "$1,000.00": always with the cents, as a checkout or receipt shows an amount."""
    return format_money(cents, currency) if cents % 100 else f"{format_money(cents, currency)}.00"


def format_amount_for_input(cents):
    """Cents as a person types them in a money field: 1000000 -> "10,000.00" (no symbol)."""
    dollars, rest = divmod(int(cents), 100)
    return f"{dollars:,}.{rest:02d}"


def currency_name(currency):
    """ "US dollars" for "usd"; the upper-case code for a currency without a name here."""
    return CURRENCY_NAMES.get((currency or "").lower(), (currency or "").upper())


class MoneyField(forms.Field):
    """Money typed in its ordinary unit ("25,000.00"), cleaned to integer cents (2500000).

    Shows an initial value in cents as "25,000.00". `min_cents` and `max_cents`
    bound the amount; their messages (error keys "min_cents", "max_cents") may
    use %(limit)s, the bound as "$25,000" in `currency` (a code, "usd"; a form
    may set it per instance). Parsing is `amount_cents`'s: what it refuses, this
    field refuses with the same message.
    """

    widget = forms.TextInput
    default_error_messages = {
        "min_cents": "Please enter at least %(limit)s.",
        "max_cents": "Please enter at most %(limit)s.",
    }

    def __init__(self, *, min_cents=None, max_cents=None, max_length=20, currency="usd", **kwargs):
        self.currency = currency
        self.min_cents = min_cents
        self.max_cents = max_cents
        self.max_length = max_length
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update(inputmode="decimal", autocomplete="off", maxlength=str(self.max_length))
        return attrs

    def prepare_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return format_amount_for_input(value)
        return value

    def to_python(self, value):
        if value in self.empty_values or not str(value).strip():
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value  # already cents (an initial value)
        if len(str(value)) > self.max_length:
            raise forms.ValidationError(NOT_AN_AMOUNT, code="invalid")
        try:
            return amount_cents(value)
        except InvalidAmount as exc:
            raise forms.ValidationError(str(exc), code="invalid") from exc

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        if self.min_cents is not None and value < self.min_cents:
            raise forms.ValidationError(
                self.error_messages["min_cents"],
                code="min_cents",
                params={"limit": format_money(self.min_cents, self.currency)},
            )
        if self.max_cents is not None and value > self.max_cents:
            raise forms.ValidationError(
                self.error_messages["max_cents"],
                code="max_cents",
                params={"limit": format_money(self.max_cents, self.currency)},
            )
