"""The donate form: an amount, who is giving, and what they agree to show.

The rule for the amount, written on the form and followed by its script: an
amount typed in "Your amount" is the amount given, whichever preset is chosen.
The donor may add the processing fee (`cover_fee`, never ticked for them): the
form computes it from the organisation's fee rule (donations/fees.py).
"""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from northstar.forms import SupporterForm, text_errors

from .fees import fee_offer, fee_to_cover
from .fees import fee_rule as fees_rule_for
from .models import Donation
from .money import (
    DEFAULT_CURRENCY,
    ENTER_AN_AMOUNT,
    MoneyField,
    currency_name,
    currency_symbol,
    format_money,
    minimum_charge,
    minor_units,
    normalise_currency,
)
from .tributes import TributeFields

PRESET_AMOUNTS = (25, 50, 100, 250)  # whole units of the campaign's currency (dollars)
OTHER = "other"
# The smallest gift is Stripe's smallest charge in the gift's currency (`minimum_charge`:
# $0.50); the largest, in minor units of any currency, a guard against typos and card testing.
MAXIMUM_CENTS = 2_500_000
SMALLEST_GIFT = "The smallest gift is %(limit)s."
REFERRAL_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")
ONE_TIME = "once"
MONTHLY = "monthly"


class DonationForm(TributeFields, SupporterForm):
    """An amount (a preset or one typed), the donor's name and email, and what they show.

    `currency` (a code, "usd") is the campaign's: the preset amounts, the typed
    amount's label and its limits read in it. Valid data has `amount_cents`
    (int, in that currency's minor units): the typed amount if one was typed,
    else the chosen preset; see `clean`.
    """

    # "Monthly" starts a `RecurringGift` (donations/recurring.py) instead of one gift.
    frequency = forms.ChoiceField(
        label=_("How often?"),
        choices=[(ONE_TIME, _("One time")), (MONTHLY, _("Monthly"))],
        widget=forms.RadioSelect,
        required=False,
        initial=ONE_TIME,
        error_messages={"invalid_choice": _("Please choose one time or monthly.")},
    )
    amount = forms.ChoiceField(
        label="Amount",
        choices=[(str(units), str(units)) for units in PRESET_AMOUNTS] + [(OTHER, "Other amount")],
        widget=forms.RadioSelect,
        required=False,
        initial="50",
        error_messages={"invalid_choice": "Please choose one of the amounts."},
    )
    other_amount = MoneyField(
        label="Your amount",
        required=False,
        max_cents=MAXIMUM_CENTS,
        help_text=(
            "If you type an amount here, it is the one you give, whichever amount is chosen above."
        ),
        error_messages={
            "min_cents": SMALLEST_GIFT,
            "max_cents": (
                "We can take up to %(limit)s online. For a larger gift, please contact us."
            ),
        },
    )
    # Nothing that shares the donor's name is chosen for them: "Anonymous to everyone" is
    # chosen to start with, and a page with no owner (a campaign's) offers no "owner" choice.
    name_shown = forms.ChoiceField(
        label=_("Who sees your name?"),
        choices=Donation.NameShown.choices,
        widget=forms.RadioSelect,
        initial=Donation.NameShown.ANONYMOUS,
        error_messages={
            "required": _("Please choose who sees your name."),
            "invalid_choice": _("Please choose one of the options for who sees your name."),
        },
    )
    # Never ticked for the donor; the label says the amount (`fee_offer`, the template). No
    # box is shown when the organisation's rule is 0% + 0 (and a posted tick then adds 0).
    cover_fee = forms.BooleanField(required=False, initial=False)
    show_amount_publicly = forms.BooleanField(
        label="Show the amount of my gift on this page", required=False
    )
    message = forms.CharField(
        label="Message",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=text_errors(),
        help_text=(
            "Shown on the page only with your name, if you choose to show it publicly. "
            "The page's owner always reads it."
        ),
    )
    # The invitation token of the link the donor came by (`?invitation=`), kept on the gift.
    referral = forms.CharField(required=False, widget=forms.HiddenInput)

    # What each choice of `name_shown` means, under its label.
    NAME_SHOWN_HINTS = {
        Donation.NameShown.PUBLIC: _(
            "Your first name and last initial appear on this page, with your message."
        ),
        Donation.NameShown.OWNER: _(
            "The page's owner sees your first name and last initial, so they can thank you. "
            "Everyone else sees “Anonymous”."
        ),
        Donation.NameShown.ANONYMOUS: _("Everyone sees “Anonymous”, the page's owner too."),
    }
    NAME_SHOWN_HELP = _("Our staff see your name whatever you choose: it is on your receipt.")

    def __init__(
        self, *args, currency=DEFAULT_CURRENCY, page_has_owner=False, fee_rule=None, **kwargs
    ):
        """`page_has_owner`: True for a supporter's page. A page no one owns (a campaign's
        own) offers no "only the page's owner" choice, and posting it there is refused.
        `fee_rule`: a `fees.FeeRule` in `currency` (default: the organisation's)."""
        super().__init__(*args, **kwargs)
        self.name_shown_hints = dict(self.NAME_SHOWN_HINTS)
        if not page_has_owner:
            self.name_shown_hints[Donation.NameShown.ANONYMOUS] = _("Everyone sees “Anonymous”.")
            self.fields["name_shown"].choices = [
                choice
                for choice in Donation.NameShown.choices
                if choice[0] != Donation.NameShown.OWNER
            ]
            # No owner reads the message either (a campaign's page, a team's).
            self.fields["message"].help_text = _(
                "Shown on the page only with your name, if you choose to show it publicly."
            )
        self.fields["name_shown"].help_text = self.NAME_SHOWN_HELP
        self.currency = normalise_currency(currency)
        self.currency_symbol = currency_symbol(self.currency)
        self.fields["amount"].choices = [
            (str(units), format_money(units * minor_units(self.currency), self.currency))
            for units in PRESET_AMOUNTS
        ] + [(OTHER, "Other amount")]
        self.minimum_cents = minimum_charge(self.currency)
        minimum = format_money(self.minimum_cents, self.currency)
        self.minimum_text = SMALLEST_GIFT % {"limit": minimum}
        other_amount = self.fields["other_amount"]
        other_amount.currency = self.currency
        other_amount.min_cents = self.minimum_cents
        other_amount.label = f"Your amount ({currency_name(self.currency)})"
        other_amount.help_text = f"{other_amount.help_text} {self.minimum_text}"
        self._fee_rule = fee_rule

    @property
    def fee_rule(self):
        """The `fees.FeeRule` in the form's currency: the one given, else the organisation's
        (site settings), read when first needed (rendering the box, or a ticked box)."""
        if self._fee_rule is None:
            self._fee_rule = fees_rule_for(self.currency)
        return self._fee_rule
        self.fields["email"].help_text = "For your receipt. Never shown publicly."

    def fee_offer(self):
        """What the "cover the fee" box says (`fees.fee_offer`) for the amount the form shows:
        the one posted (once cleaned), else the preset chosen to start with; None when the
        organisation's fee rule is off."""
        amount = getattr(self, "cleaned_data", {}).get("amount_cents")
        if amount is None and not self.is_bound:
            initial = self.fields["amount"].initial
            if initial and initial != OTHER:
                amount = int(initial) * minor_units(self.currency)
        return fee_offer(amount, self.fee_rule, self.currency)

    def name_shown_choices(self):
        """The `name_shown` radio buttons, each with `hint` (what the choice means)."""
        buttons = list(self["name_shown"])
        for button in buttons:
            button.hint = self.name_shown_hints[button.data["value"]]
        return buttons

    def clean_frequency(self):
        """ "once" unless "monthly" was chosen (a form posted without the choice: one time)."""
        return self.cleaned_data.get("frequency") or ONE_TIME

    @property
    def is_monthly(self):
        return self.is_bound and self.data.get("frequency") == MONTHLY

    def clean_message(self):
        return self.cleaned_data.get("message", "").strip()

    def clean_referral(self):
        """A token-shaped value, else "": a mangled link never stops a gift."""
        referral = self.cleaned_data.get("referral", "").strip()
        return referral if REFERRAL_PATTERN.fullmatch(referral) else ""

    def clean(self):
        """The amount given, as `amount_cents`: a typed amount wins over the chosen preset;
        and `fee_cents`, the fee the donor chose to cover on it (0 unless `cover_fee`).

        What the donor typed is what they did last (the script chooses "Other
        amount" when they type, and empties the box when they choose a preset),
        so without JavaScript, 50 chosen and 1000 typed gives 1,000. A preset below
        Stripe's smallest charge in the currency is refused with `SMALLEST_GIFT`.
        """
        cleaned = super().clean()
        if "amount" not in cleaned or "other_amount" in self.errors:
            return cleaned  # not one of the choices, or a bad typed amount: already said so
        choice = cleaned.get("amount")
        typed_cents = cleaned.get("other_amount")
        if typed_cents is not None:
            cleaned["amount_cents"] = typed_cents
        elif choice == OTHER:
            self.add_error("other_amount", ENTER_AN_AMOUNT)
        elif choice:
            cents = int(choice) * minor_units(self.currency)
            if cents < self.minimum_cents:
                self.add_error("amount", self.minimum_text)
            else:
                cleaned["amount_cents"] = cents
        else:
            self.add_error("amount", "Please choose an amount.")
        amount = cleaned.get("amount_cents")
        covered = cleaned.get("cover_fee") and amount
        cleaned["fee_cents"] = fee_to_cover(amount, self.fee_rule) if covered else 0  # 0 if off
        return cleaned
