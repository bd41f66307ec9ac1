"""The donate form: an amount, who is giving, and what they agree to show."""

from django import forms

from northstar.forms import SupporterForm

from .money import format_money, parse_amount_cents

PRESET_AMOUNTS = (25, 50, 100, 250)  # dollars
OTHER = "other"
MINIMUM_CENTS = 100
MAXIMUM_CENTS = 2_500_000


class DonationForm(SupporterForm):
    amount = forms.ChoiceField(
        label="Amount",
        choices=[(str(dollars), f"${dollars}") for dollars in PRESET_AMOUNTS]
        + [(OTHER, "Other amount")],
        widget=forms.RadioSelect,
        required=False,
        initial="50",
        error_messages={"invalid_choice": "Please choose one of the amounts."},
    )
    other_amount = forms.CharField(
        label="Your amount (US dollars)",
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    show_name_publicly = forms.BooleanField(
        label="Show my first name and last initial on this page", required=False
    )
    message = forms.CharField(
        label="Message",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown with your name, if you choose to show it.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].help_text = "For your receipt. Never shown publicly."

    def clean_message(self):
        return self.cleaned_data.get("message", "").strip()

    def clean(self):
        cleaned = super().clean()
        if "amount" not in cleaned:
            return cleaned  # not one of the choices: already said so
        choice = cleaned.get("amount")
        typed = cleaned.get("other_amount", "").strip()
        if choice == OTHER or (not choice and typed):
            cents = self.typed_amount_cents(typed)
        elif choice:
            cents = int(choice) * 100
        else:
            self.add_error("amount", "Please choose an amount.")
            return cleaned
        if cents is not None:
            cleaned["amount_cents"] = cents
        return cleaned

    def typed_amount_cents(self, typed):
        if not typed:
            self.add_error("other_amount", "Please enter an amount, like 40 or 40.50.")
            return None
        cents = parse_amount_cents(typed)
        if cents is None:
            self.add_error(
                "other_amount", "Please enter an amount in dollars and cents, like 40 or 40.50."
            )
        elif cents < MINIMUM_CENTS:
            self.add_error(
                "other_amount", f"The smallest gift we can take is {format_money(MINIMUM_CENTS)}."
            )
        elif cents > MAXIMUM_CENTS:
            self.add_error(
                "other_amount",
                f"We can take up to {format_money(MAXIMUM_CENTS)} online. "
                "For a larger gift, please contact us.",
            )
        else:
            return cents
        return None
