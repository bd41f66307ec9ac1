"""Covering the fee: what a donor may add so that all of their gift reaches the cause.

The fee rule is the organisation's (Settings > Giving in the admin, `models.GivingSettings`:
a percentage and a fixed part, what the payment provider takes from each charge). A donor
who ticks "Add $1.44 so that all of my $50 reaches the cause" is charged the gift and
`fee_to_cover(gift, rule)`; the two are stored apart (`Donation.amount_cents`,
`Donation.fee_cents`) and the totals count both (`Donation.given_cents`). Nothing here is a
tip to the platform: the fee is the processor's, the box is never ticked for the donor, and
a rule of 0% + 0 offers no box at all.

Everything is exact: integer minor units and `Fraction`s, never floats.
"""

import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django import forms
from wagtail.admin.forms import WagtailAdminModelForm

from .money import (
    ASCII_DIGITS,
    DEFAULT_CURRENCY,
    MoneyField,
    currency_symbol,
    exponent,
    format_money,
    minor_units,
)

# Site settings' default rule: 2.2% + $0.30, Stripe's discounted card rate for US nonprofits.
DEFAULT_FEE_PERCENT = Decimal("2.20")
DEFAULT_FEE_FIXED_CENTS = 30
# A typo guard for staff: no card processor takes more than this.
MAXIMUM_FEE_PERCENT = Decimal("10")
MAXIMUM_FEE_FIXED_CENTS = 500  # $5.00


@dataclass(frozen=True)
class FeeRule:
    """What the payment provider takes from a charge: `percent` of it (a Decimal, 2.2 for
    2.2%, from 0 up to `MAXIMUM_FEE_PERCENT`) plus `fixed_cents` (an int, in the minor
    units of the charge's currency)."""

    percent: Decimal
    fixed_cents: int

    @property
    def is_off(self):
        """A rule of 0% + 0: nothing to cover, so the donate form offers no box."""
        return not self.percent and not self.fixed_cents

    @property
    def rate(self):
        """The percentage as an exact fraction of the charge: 2.2% -> 11/500."""
        return Fraction(self.percent) / 100

    def describe(self, currency=DEFAULT_CURRENCY):
        """The rule as people read it: "2.2% + $0.30" (or "2.2%", or "$0.30")."""
        parts = []
        if self.percent:
            parts.append(f"{self.percent.normalize():f}%")
        if self.fixed_cents:
            parts.append(format_money(self.fixed_cents, currency, exact=True))
        return " + ".join(parts)


def fee_to_cover(amount_cents: int, rule: FeeRule) -> int:
    """The fee (minor units, an int >= 0) a donor adds to a gift of `amount_cents` (minor
    units, > 0) so that, once the provider takes `rule`'s fee from the whole charge, the
    organisation keeps at least the gift: the gross-up

        gross = ceil((amount + fixed) / (1 - percent / 100)),  fee = gross - amount.

    Computed exactly (integers and fractions). What the organisation then nets
    (`net_of_fee(gross, rule)`) is the gift or at most one minor unit more. 0 for a rule
    that is off. $50 at 2.2% + $0.30: 5144 - 5000 = 144 cents.
    """
    if rule.is_off:
        return 0
    gross = math.ceil(Fraction(amount_cents + rule.fixed_cents) / (1 - rule.rate))
    return gross - amount_cents


def provider_fee(gross_cents: int, rule: FeeRule) -> int:
    """The provider's fee on a charge of `gross_cents` (minor units) as Stripe rounds it:
    the percentage rounded to the nearest minor unit (a half up), plus the fixed part."""
    return math.floor(gross_cents * rule.rate + Fraction(1, 2)) + rule.fixed_cents


def net_of_fee(gross_cents: int, rule: FeeRule) -> int:
    """What the organisation keeps of a charge of `gross_cents` (minor units) under `rule`."""
    return gross_cents - provider_fee(gross_cents, rule)


def fixed_part_in(fixed_cents: int, currency: str) -> int:
    """The fixed part staff typed (cents of the organisation's dollars, as site settings
    keep it) in the minor units of `currency`: the same figure in that currency's ordinary
    unit ($0.30 -> €0.30, £0.30), rounded up to its minor unit (¥0.30 -> ¥1)."""
    return math.ceil(Fraction(fixed_cents * minor_units(currency), 100))


def fee_rule(currency: str = DEFAULT_CURRENCY, settings=None) -> FeeRule:
    """The organisation's fee rule for charges in `currency`, from `settings` (a
    `SiteSettings`; the default site's when None)."""
    if settings is None:
        from .models import GivingSettings  # the setting's admin form is this module's

        settings = GivingSettings.for_default_site()
    return FeeRule(
        percent=Decimal(settings.fee_percent),
        fixed_cents=fixed_part_in(settings.fee_fixed_cents, currency),
    )


def fee_offer(amount_cents: int | None, rule: FeeRule, currency: str) -> dict | None:
    """What the donate form's box says for a gift of `amount_cents` (None: no amount yet), or
    None when the rule is off: `fee_cents` and `amount_cents` (minor units, 0 and None
    without an amount), `rule` ("2.2% + $0.30"), and, for its script, `basis_points` (the
    percentage in hundredths of a percent, 220) and `fixed_cents`, `exponent`, `symbol`."""
    if rule.is_off:
        return None
    return {
        "amount_cents": amount_cents,
        "fee_cents": fee_to_cover(amount_cents, rule) if amount_cents else 0,
        "currency": currency,
        "rule": rule.describe(currency),
        "basis_points": int(rule.percent * 100),
        "fixed_cents": rule.fixed_cents,
        "exponent": exponent(currency),
        "symbol": currency_symbol(currency),
    }


# --- The fee rule in the giving settings: staff type a percentage and dollars -------------------

PERCENT_PATTERN = re.compile(r"(?P<whole>[0-9]{1,3})(?:\.(?P<fraction>[0-9]{1,2}))?")


class PercentField(forms.Field):
    """A percentage typed as "2.2", "2.20" or "2.2 %", cleaned to a Decimal (2.20): ASCII
    digits only, at most two decimal places, from 0 to `max_percent`. Refused with a
    message otherwise (a minus sign, other scripts' digits, more than the limit)."""

    widget = forms.TextInput

    def __init__(self, *, max_percent=MAXIMUM_FEE_PERCENT, **kwargs):
        self.max_percent = max_percent
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update(inputmode="decimal", autocomplete="off", maxlength="8")
        return attrs

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return f"{value.normalize():f}"
        return value

    def to_python(self, value):
        if isinstance(value, Decimal):
            return value
        text = unicodedata.normalize("NFC", str(value or "")).strip().removesuffix("%").strip()
        if not text:
            return None
        if text.startswith("-"):
            raise forms.ValidationError("The percentage cannot be negative.", code="negative")
        if any(char.isdigit() and char not in ASCII_DIGITS for char in text):
            raise forms.ValidationError(
                "Please type the percentage with the digits 0 to 9, like 2.2.", code="invalid"
            )
        match = PERCENT_PATTERN.fullmatch(text)
        if match is None:
            raise forms.ValidationError(
                "Please type a percentage like 2.2 (at most two digits after the point).",
                code="invalid",
            )
        percent = Decimal(f"{match['whole']}.{(match['fraction'] or '').ljust(2, '0')}")
        if percent > self.max_percent:
            raise forms.ValidationError(
                f"The percentage can be at most {self.max_percent}%.", code="max_percent"
            )
        return percent


class FeeFixedField(MoneyField):
    """The fixed part of the fee, typed in dollars ("0.30"), cleaned to cents (30); zero is
    allowed (a rule with no fixed part), a minus sign is refused with its own message."""

    def to_python(self, value):
        if isinstance(value, str) and value.strip().startswith("-"):
            raise forms.ValidationError("The fixed part cannot be negative.", code="negative")
        return super().to_python(value)


class GivingSettingsForm(WagtailAdminModelForm):
    """Giving settings' admin form (`models.GivingSettings`): the fee rule typed as a
    percentage and dollars."""

    fee_percent = PercentField(
        label="Fee: percentage",
        help_text=(
            "What the payment provider takes from each gift, e.g. 2.2 for 2.2%. "
            "Donors may choose to add it; 0 and 0 offer no such choice."
        ),
        error_messages={"required": "Please enter the percentage, like 2.2 (or 0)."},
    )
    fee_fixed_cents = FeeFixedField(
        label="Fee: fixed part",
        min_cents=0,
        max_cents=MAXIMUM_FEE_FIXED_CENTS,
        help_text=(
            "Taken from each gift on top of the percentage, in dollars, e.g. 0.30. A gift in "
            "another currency adds the same figure in that currency."
        ),
        error_messages={
            "required": "Please enter the fixed part, like 0.30 (or 0).",
            "max_cents": "The fixed part can be at most %(limit)s.",
        },
    )
