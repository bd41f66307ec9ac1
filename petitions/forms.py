"""The sign form: what a supporter types, checked before anything is saved."""

from django import forms

from northstar.forms import SupporterForm, text_errors

from .jurisdictions import JURISDICTION_CHOICES, JURISDICTIONS, jurisdiction_name
from .models import Target
from .routing import normalise_zip, states_for_zip, uses_other_digits

STATE_CHOICES = [("", "Choose your state")] + JURISDICTION_CHOICES


def state_choices():
    """The 57 choices of the state field, built once (a list of (code, name) pairs).

    Given to the field as a callable, Django's documented form for choices,
    so that each form's copy of the field shares the list rather than
    deep-copying 57 pairs (ten times the cost of the rest of the field).
    """
    return STATE_CHOICES


class SignatureForm(SupporterForm):
    zip_code = forms.CharField(
        label="ZIP code",
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
        error_messages=text_errors("your ZIP code"),
    )
    state = forms.ChoiceField(label="State or territory", required=False, choices=state_choices)
    comment = forms.CharField(
        label="Why I'm signing",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=text_errors(),
    )
    show_publicly = forms.BooleanField(
        label="Show my first name, last initial and state on this page", required=False
    )
    opt_in_updates = forms.BooleanField(
        label="Email me updates about this petition and the organisation's work", required=False
    )

    def __init__(self, *args, petition, **kwargs):
        super().__init__(*args, **kwargs)
        self.petition = petition
        self.needs_state = False
        self.target = None
        if petition.share_signer_emails:
            # Made only for the petitions that ask: a declared field would be copied for
            # every form (as Django copies each form's fields) and then removed.
            self.fields["share_email_with_target"] = forms.BooleanField(
                label="Include my email address in what the decision maker receives",
                required=False,
            )

    def clean_zip_code(self):
        typed = self.cleaned_data.get("zip_code")
        zip5 = normalise_zip(typed)
        if zip5 is None and uses_other_digits(typed):
            raise forms.ValidationError(
                "Please type your ZIP code with the digits 0 to 9, like 78701."
            )
        if zip5 is None:
            raise forms.ValidationError("Please enter a five-digit ZIP code, like 78701.")
        return zip5

    def clean_comment(self):
        """The comment as typed, line breaks kept; control and bidi characters are already gone.

        `TypedTextMixin` (through `SupporterForm`) removed ESC, NUL and the like
        and every bidi override (U+202E...) before this runs, so a comment
        cannot reverse the text shown after it on the page.
        """
        return self.cleaned_data.get("comment", "").strip()

    def clean(self):
        cleaned = super().clean()
        zip5 = cleaned.get("zip_code")
        if zip5 is None:
            return cleaned
        candidates = states_for_zip(zip5)
        chosen = cleaned.get("state")
        if chosen and chosen in JURISDICTIONS:
            state = chosen
        elif len(candidates) == 1:
            state = candidates[0]
        else:
            self.needs_state = True
            if candidates:
                names = " or ".join(jurisdiction_name(code) for code in candidates)
                message = f"ZIP code {zip5} lies in {names}. Please choose your state."
            else:
                message = f"We don't recognise ZIP code {zip5}. Please choose your state."
            self.add_error("state", message)
            return cleaned
        cleaned["state"] = state
        self.target = Target.for_state(self.petition.target_group, state)
        return cleaned
