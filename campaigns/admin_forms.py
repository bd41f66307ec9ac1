"""The admin's campaign forms: a campaign's and a goal page's edit forms (money typed in
dollars, stored as cents), and staff's take-down form. Supporters' forms are in
`campaigns.forms`."""

import re

from django import forms
from wagtail.admin.forms import WagtailAdminPageForm

from campaigns.titles import title_refusal
from donations.forms import MAXIMUM_CENTS
from donations.money import (
    DEFAULT_CURRENCY,
    CurrencyField,
    InvalidAmount,
    MoneyField,
    amount_cents,
    currency_name,
    format_money,
    minor_units,
    normalise_currency,
)

MAXIMUM_GOAL_CENTS = 100_000_000_000  # $1,000,000,000: a typo guard, far above any real goal
MAXIMUM_PERSONAL_GOAL_CENTS = 100_000_000  # $1,000,000 for one supporter's page
MAXIMUM_SUGGESTED_AMOUNTS = 6
# "25, 50, 100" or "25 50 100": a comma followed by a space, or spaces, separate
# amounts; a comma inside a number ("1,000") is a thousands separator.
AMOUNT_SEPARATORS = re.compile(r"(?:,[ \t]+|[ \t;]+)")


class SuggestedAmountsField(forms.CharField):
    """Whole amounts typed in the currency's ordinary unit ("25, 50, 100, 250"), cleaned to
    a list of minor units ([2500, 5000, 10000, 25000]), in the order typed, at most six.

    Whole units only: the donate form offers each as a whole number of dollars.
    """

    def __init__(self, *, currency=DEFAULT_CURRENCY, **kwargs):
        self.currency = currency
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list):
            unit = minor_units(self.currency)
            return ", ".join(f"{cents // unit:,}" for cents in value)
        return value

    def to_python(self, value):
        if isinstance(value, list):
            return value
        text = super().to_python(value).strip()
        if not text:
            return []
        amounts = []
        unit = minor_units(self.currency)
        for part in AMOUNT_SEPARATORS.split(text.strip(",; ")):
            try:
                cents = amount_cents(part, self.currency)
            except InvalidAmount as exc:
                raise forms.ValidationError(
                    f"“{part}” is not an amount: {exc} Separate amounts with a comma and a space."
                ) from exc
            if cents < unit or cents % unit:
                raise forms.ValidationError(
                    f"“{part}”: suggested amounts are whole numbers, at least "
                    f"{format_money(unit, self.currency)}."
                )
            if cents > MAXIMUM_CENTS:
                raise forms.ValidationError(
                    f"“{part}”: gifts online are at most "
                    f"{format_money(MAXIMUM_CENTS, self.currency)}, so it cannot be suggested."
                )
            amounts.append(cents)
        if len(amounts) > MAXIMUM_SUGGESTED_AMOUNTS:
            raise forms.ValidationError(
                f"Please suggest at most {MAXIMUM_SUGGESTED_AMOUNTS} amounts."
            )
        if len(set(amounts)) != len(amounts):
            raise forms.ValidationError("Each suggested amount should appear once.")
        return amounts


class FundraisingCampaignPageForm(WagtailAdminPageForm):
    """Staff type the goal as "25,000" or "25,000.00"; the page stores 2500000 (cents).

    The column stays `goal_cents` (integer minor units, as every money field);
    only what staff see and type changes, so old revisions read as before.
    """

    goal_cents = MoneyField(
        label="Goal",
        min_cents=100,
        max_cents=MAXIMUM_GOAL_CENTS,
        error_messages={
            "required": "Please enter the amount to raise, like 25,000.",
            "min_cents": "The goal must be at least %(limit)s.",
            "max_cents": "The goal can be at most %(limit)s.",
        },
    )

    currency = CurrencyField(
        label="Currency",
        help_text="What gifts to this campaign are paid in.",
        error_messages={"required": "Please choose the currency of the campaign."},
    )

    suggested_amounts = SuggestedAmountsField(
        label="Suggested amounts",
        help_text=(
            "The amounts the donate forms offer, in whole units, e.g. 25, 50, 100, 250. "
            "Leave empty for the usual ones."
        ),
    )

    default_fundraiser_goal_cents = MoneyField(
        label="Default personal goal",
        min_cents=100,
        max_cents=MAXIMUM_PERSONAL_GOAL_CENTS,
        error_messages={
            "required": "Please enter the goal a supporter's page starts with, like 500.",
            "min_cents": "The default personal goal must be at least %(limit)s.",
            "max_cents": "The default personal goal can be at most %(limit)s.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        currency = normalise_currency(getattr(self.instance, "currency", "")) or DEFAULT_CURRENCY
        field = self.fields["goal_cents"]
        field.currency = currency
        field.label = f"Goal ({currency.upper()})"
        field.help_text = (
            f"The amount to raise, in {currency_name(currency)}, "
            "e.g. 25,000 or 25,000.00 (at most two digits after the point)."
        )
        for name in ("suggested_amounts", "default_fundraiser_goal_cents"):
            if name in self.fields:
                self.fields[name].currency = currency


class GoalPageForm(WagtailAdminPageForm):
    """A team's or a supporter's page in the admin: the goal typed in dollars, stored as cents.

    (The currency is the campaign's; in the admin, the goal reads in dollars.)

    Its title is checked as the public forms check it: unique in the campaign among teams
    and fundraiser pages as a reader sees it, and not mixing look-alike alphabets
    (`campaigns.titles.title_refusal`), so staff creating or renaming a page in the
    admin cannot make a look-alike either.
    """

    goal_cents = MoneyField(
        label="Goal",
        min_cents=100,
        max_cents=MAXIMUM_PERSONAL_GOAL_CENTS,
        error_messages={
            "required": "Please enter the goal, like 500.",
            "min_cents": "The goal must be at least %(limit)s.",
            "max_cents": "The goal can be at most %(limit)s.",
        },
    )

    def clean(self):
        from campaigns.models import FundraisingCampaignPage

        cleaned = super().clean()
        title = cleaned.get("title")
        parent = self.parent_page.specific if self.parent_page else None
        if title and isinstance(parent, FundraisingCampaignPage):
            page = self.instance if self.instance.pk else None
            refusal = title_refusal(parent, title, page=page)
            if refusal:
                self.add_error("title", refusal)
        return cleaned


class TakeDownForm(forms.Form):
    reason = forms.CharField(
        label="Reason (sent to the owner)",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=2000,
        strip=True,
        error_messages={
            "required": "Please write the reason: it is emailed to the page's owner.",
        },
        help_text=(
            "Written to the owner, in plain words: what on the page breaks the rules, "
            "and what they can do."
        ),
    )
