"""Money as integer minor units (cents) and a currency code, as Stripe counts it. No floats.

What people type ("$1,250.50", "25,000") is read with explicit ASCII character
sets: digits are 0-9 only, never `\\d` or `int()` on whatever Unicode calls a
digit, so "१०००" or fullwidth "１０００" is refused with a message rather than
read as a thousand. The donate form and the admin's money fields use the same
parser (`amount_cents`) and the same form field (`MoneyField`).

The currencies the project takes are `SUPPORTED_CURRENCIES`, the one list:
model choices, form choices, symbols, formatting, the typed-amount parser and
Stripe's smallest charge all read it. Amounts are always in the currency's minor
unit: cents for "usd", yen for "jpy" (a zero-decimal currency: 500 is ¥500). Amounts are
shown by `format_money` alone; templates reach it through the `money` filter
(`{{ cents|money:currency }}` in `northstar_tags`).
"""

import re
import unicodedata
from dataclasses import dataclass

from django import forms


@dataclass(frozen=True)
class Currency:
    """A currency the project takes: its ISO 4217 code as Stripe writes it (lower-case),
    its symbol, the exponent of its minor unit (2: 100 cents to the dollar; 0 for a
    zero-decimal currency such as the yen), its name, and `minimum_cents`, the smallest
    amount Stripe charges in it, in minor units."""

    code: str
    symbol: str
    exponent: int
    name: str
    minimum_cents: int


# The currencies staff may choose for a campaign, and so every gift's. `minimum_cents` is
# Stripe's minimum charge amount per currency (https://docs.stripe.com/currencies, "Minimum
# and maximum charge amounts"): the donate form refuses a smaller gift with that amount.
SUPPORTED_CURRENCIES = {
    "usd": Currency(code="usd", symbol="$", exponent=2, name="US dollars", minimum_cents=50),
    "eur": Currency(code="eur", symbol="€", exponent=2, name="Euros", minimum_cents=50),
    "gbp": Currency(code="gbp", symbol="£", exponent=2, name="Pounds sterling", minimum_cents=30),
    "cad": Currency(
        code="cad", symbol="CA$", exponent=2, name="Canadian dollars", minimum_cents=50
    ),
    "aud": Currency(
        code="aud", symbol="A$", exponent=2, name="Australian dollars", minimum_cents=50
    ),
    "jpy": Currency(code="jpy", symbol="¥", exponent=0, name="Japanese yen", minimum_cents=50),
}
DEFAULT_CURRENCY = "usd"
CURRENCY_CHOICES = [
    (currency.code, f"{currency.name} ({currency.code.upper()})")
    for currency in SUPPORTED_CURRENCIES.values()
]


def normalise_currency(code):
    """A currency code as stored: "USD " -> "usd" (stripped, lower-case; not checked)."""
    return str(code or "").strip().lower()


def currency_info(code):
    """The `Currency` for `code` (any case), or None if the project does not take it."""
    return SUPPORTED_CURRENCIES.get(normalise_currency(code))


def exponent(code):
    """The exponent of `code`'s minor unit: 2 for "usd" (cents), 0 for "jpy"; 2 for a
    currency the project does not take."""
    info = currency_info(code)
    return info.exponent if info else 2


def minor_units(code):
    """How many minor units make one of `code`'s ordinary unit: 100 for "usd", 1 for "jpy"."""
    return 10 ** exponent(code)


def minimum_charge(code):
    """Stripe's smallest charge in `code`, in its minor units: 50 for "usd" ($0.50), 30 for
    "gbp", 50 for "jpy" (¥50); 50 for a currency the project does not take."""
    info = currency_info(code)
    return info.minimum_cents if info else 50


def currency_symbol(code):
    """ "$" for "usd"; the upper-case code for a currency the project does not take."""
    info = currency_info(code)
    return info.symbol if info else normalise_currency(code).upper()


ASCII_DIGITS = frozenset("0123456789")

# "40", "40.5", "40.50", "1,000", "1,000.00" or "123,456,789.99"; a dollar sign in front is
# allowed. Explicit ASCII sets only: [0-9], never \d. Up to 20 digits of dollars: any amount
# a person may type is read, so that one too large gets the field's "at most" message.
AMOUNT_PATTERN = re.compile(
    r"(?P<dollars>[0-9]{1,3}(?:,[0-9]{3}){1,6}|[0-9]{1,20})(?:\.(?P<cents>[0-9]{1,2}))?"
)
TOO_PRECISE_PATTERN = re.compile(r"[0-9,]+\.[0-9]{3,}")
LONG_NUMBER_PATTERN = re.compile(r"[0-9][0-9,]*(?:\.[0-9]*)?")  # too long to read, a number

ENTER_AN_AMOUNT = "Please enter an amount, like 40 or 40.50."
NOT_AN_AMOUNT = "Please enter an amount in dollars and cents, like 40 or 40.50."
NOT_ASCII_DIGITS = "Please type the amount with the digits 0 to 9, like 40 or 40.50."
TOO_PRECISE = "Please round the amount to the cent: at most two digits after the point."
WHOLE_UNITS_ONLY = "Please type a whole amount, like 500: %(name)s have no smaller unit."


class InvalidAmount(ValueError):
    """Text that is not an amount of money; `str(exc)` says why, in words for the person."""


def amount_cents(text, currency=DEFAULT_CURRENCY):
    """The minor units in an amount a person typed in `currency`: "$1,250.50" -> 125050,
    "25,000" -> 2500000; for a zero-decimal currency ("jpy") "¥1,500" -> 1500.

    Accepts digits 0-9 with optional thousands commas (in groups of three), at
    most as many decimal places as the currency has (two for "usd", none for
    "jpy": "5.00" is refused there), and one leading symbol of `currency` ("$"
    for "usd"); surrounding spaces are ignored. Raises `InvalidAmount` (a
    ValueError) with a message for the person for anything else: empty text,
    other scripts' digits, a minus sign, an exponent, or fractions of the minor unit.
    """
    text = unicodedata.normalize("NFC", str(text or "")).strip()
    text = text.removeprefix(currency_symbol(currency)).strip()
    if not text:
        raise InvalidAmount(ENTER_AN_AMOUNT)
    if any(char.isdigit() and char not in ASCII_DIGITS for char in text):
        raise InvalidAmount(NOT_ASCII_DIGITS)
    match = AMOUNT_PATTERN.fullmatch(text)
    places = exponent(currency)
    if match is None:
        if TOO_PRECISE_PATTERN.fullmatch(text):
            raise InvalidAmount(TOO_PRECISE if places else _whole_units_only(currency))
        raise InvalidAmount(NOT_AN_AMOUNT)
    units = int(match["dollars"].replace(",", ""))  # ASCII digits only, checked above
    fraction = match["cents"] or ""
    if len(fraction) > places:
        raise InvalidAmount(TOO_PRECISE if places else _whole_units_only(currency))
    return units * 10**places + int(fraction.ljust(places, "0") or "0")


def _whole_units_only(currency):
    return WHOLE_UNITS_ONLY % {"name": currency_name(currency)}


def format_money(cents, currency=DEFAULT_CURRENCY, *, exact=False):
    """An amount in minor units as people read it: the one money format of the project.

    `cents` is an int (minor units; negative for money going back, as a refund);
    `currency` a code in any case. Whole amounts read without their minor unit
    unless `exact`: 345000 -> "$3,450", 345050 -> "$3,450.50", exact 100000 ->
    "$1,000.00", -2550 -> "-$25.50". A currency the project does not take reads
    by its code: 5, "chf" -> "0.05 CHF". None reads as 0.
    """
    cents = int(cents or 0)
    info = currency_info(currency)
    places = exponent(currency)
    units, rest = divmod(abs(cents), 10**places)
    text = f"{units:,}"
    if places and (rest or exact):
        text += f".{rest:0{places}d}"
    sign = "-" if cents < 0 else ""
    if info:
        return f"{sign}{info.symbol}{text}"
    return f"{sign}{text} {normalise_currency(currency).upper()}"


def format_amount_for_input(cents, currency=DEFAULT_CURRENCY):
    """Minor units as a person types them in a money field: 1000000 -> "10,000.00" (no
    symbol); for "jpy", 1500 -> "1,500"."""
    places = exponent(currency)
    units, rest = divmod(int(cents), 10**places)
    return f"{units:,}.{rest:0{places}d}" if places else f"{units:,}"


def currency_name(currency):
    """ "US dollars" for "usd"; the upper-case code for a currency the project does not take."""
    info = currency_info(currency)
    return info.name if info else normalise_currency(currency).upper()


class CurrencyField(forms.ChoiceField):
    """A choice of `SUPPORTED_CURRENCIES`, read in any case: "USD" is cleaned to "usd".

    Anything else is refused with a message naming the currencies taken.
    """

    default_error_messages = {
        "invalid_choice": "Please choose one of the currencies we take: %(supported)s.",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", CURRENCY_CHOICES)
        kwargs.setdefault("initial", DEFAULT_CURRENCY)
        super().__init__(**kwargs)

    def to_python(self, value):
        return normalise_currency(super().to_python(value))

    def validate(self, value):
        if value and value not in SUPPORTED_CURRENCIES:
            supported = ", ".join(code.upper() for code in SUPPORTED_CURRENCIES)
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value, "supported": supported},
            )
        super().validate(value)


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

    def __init__(
        self, *, min_cents=None, max_cents=None, max_length=20, currency=DEFAULT_CURRENCY, **kwargs
    ):
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
            return format_amount_for_input(value, self.currency)
        return value

    def to_python(self, value):
        if value in self.empty_values or not str(value).strip():
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value  # already cents (an initial value)
        if len(str(value)) > self.max_length:
            raise self.too_long(str(value))
        try:
            return amount_cents(value, self.currency)
        except InvalidAmount as exc:
            raise forms.ValidationError(str(exc), code="invalid") from exc

    def too_long(self, text):
        """The error for text longer than the field reads: the "at most" message when it is
        a number (someone typed a very large amount), else NOT_AN_AMOUNT."""
        digits = text.strip().removeprefix(currency_symbol(self.currency)).strip()
        if self.max_cents is not None and LONG_NUMBER_PATTERN.fullmatch(digits):
            return forms.ValidationError(
                self.error_messages["max_cents"],
                code="max_cents",
                params={"limit": format_money(self.max_cents, self.currency)},
            )
        return forms.ValidationError(NOT_AN_AMOUNT, code="invalid")

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
