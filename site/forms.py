"""What the site's public forms check the same way, whichever app they belong to."""

import re

from django import forms

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
