"""What the site's public forms ask of a supporter the same way, whichever app they belong to."""

import re

from django import forms

from .models import normalise_email

NAME_PATTERN = re.compile(r"^[^\W\d_](?:[^\W\d_]|[ '’.\-])*$")


def clean_name(value, label):
    """A person's name with its spaces tidied, or a ValidationError naming `label`."""
    value = " ".join((value or "").split())
    if not value:
        raise forms.ValidationError(f"Please enter your {label}.")
    if not NAME_PATTERN.match(value):
        raise forms.ValidationError(
            f"Your {label} can contain letters, spaces, hyphens, apostrophes and full stops."
        )
    return value


class SupporterForm(forms.Form):
    """Who a supporter is (name and email) and the honeypot, shared by the sign and donate forms.

    Render the honeypot with `templates/includes/honeypot.html`.
    """

    first_name = forms.CharField(
        label="First name",
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label="Last name",
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    email = forms.EmailField(
        label="Email",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text="Never shown publicly.",
    )
    # A field people never see; bots that fill every field give themselves away.
    website = forms.CharField(required=False, label="Leave this empty")

    def clean_first_name(self):
        return clean_name(self.cleaned_data.get("first_name"), "first name")

    def clean_last_name(self):
        return clean_name(self.cleaned_data.get("last_name"), "last name")

    def clean_email(self):
        return normalise_email(self.cleaned_data["email"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("website"):
            raise forms.ValidationError("Something went wrong. Please try again.")
        return cleaned
