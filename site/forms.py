"""What the site's public forms ask of a supporter the same way, whichever app they belong to.

Text in every script: whatever a person types reaches validation and the
database in Unicode NFC, without control characters or invisible bidi
controls (`TypedTextMixin`, used by every public form, applies
`northstar.text.normalise_text`). Names accept letters with their marks in
any alphabet (`is_name`).
"""

import unicodedata

from django import forms
from django.utils.datastructures import MultiValueDict
from django.utils.functional import cached_property

from .models import normalise_email
from .text import ZWJ, ZWNJ, normalise_text


class TypedTextMixin:
    """Normalises every text field's submitted value (`normalise_text`) before any validation.

    Put it first among a form's bases. The bound data is replaced by a
    normalised copy, so fields, `clean_<field>` methods, `clean()` and the
    re-rendered form all see the same text. Textarea fields keep their line
    breaks and tabs; password fields are left exactly as typed, since a
    password is compared with a hash of what was typed when it was set.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            self.data = self.normalised_data(self.data)

    def normalised_data(self, data):
        """A copy of `data` (a QueryDict, a MultiValueDict or a dict) with every str value
        normalised; a QueryDict or MultiValueDict comes back as a MultiValueDict.

        Most of what people type is printable ASCII, which `normalise_text` returns as it
        is; only a value that needs more looks up its field (a password is left as typed,
        a textarea keeps its line breaks). The copy is built in one go rather than through
        a QueryDict's `setlist`, which re-decodes every key and value (a tenth of a signing's
        form).
        """

        def normalised(key, value):
            if not isinstance(value, str) or (value.isascii() and value.isprintable()):
                return value
            widget = self.widget_for(key)
            if isinstance(widget, forms.PasswordInput):
                return value
            return normalise_text(value, multiline=isinstance(widget, forms.Textarea))

        if hasattr(data, "getlist"):
            return MultiValueDict(
                {key: [normalised(key, value) for value in values] for key, values in data.lists()}
            )
        return {
            key: [normalised(key, item) for item in value]
            if isinstance(value, (list, tuple))
            else normalised(key, value)
            for key, value in data.items()
        }

    def widget_for(self, key):
        """The widget of the field whose submitted name is `key`, or None."""
        for name, field in self.fields.items():
            if self.add_prefix(name) == key:
                return field.widget
        return None


# Besides letters (L*) and their marks (M*), a name may hold these, never first.
NAME_SEPARATORS = frozenset(" -'’.")
# Joiners that Persian and the Indic scripts use inside a word, after a letter.
NAME_JOINERS = frozenset((ZWNJ, ZWJ))


def is_name(value):
    """Whether `value` (NFC text) reads as a person's name in any alphabet.

    A name starts with a letter (any Unicode category L*); then letters, marks
    (M*: accents, vowel signs, viramas) following a letter, the zero-width
    joiners, and the separators space, hyphen, apostrophes ' ’ and full stop.
    Digits of every script, symbols and emoji are refused.
    """
    after_letter = False  # the previous character was a letter, a mark or a joiner
    for index, char in enumerate(value):
        kind = unicodedata.category(char)[0]
        if kind == "L":
            after_letter = True
        elif index == 0:
            return False
        elif kind == "M" or char in NAME_JOINERS:
            if not after_letter:
                return False
        elif char in NAME_SEPARATORS:
            after_letter = False
        else:
            return False
    return bool(value)


def clean_name(value, label):
    """A person's name with its spaces tidied, or a ValidationError naming `label`.

    `value` should already be normalised (`TypedTextMixin` does it); NFC is
    applied again so that a name from elsewhere is checked the same way.
    """
    value = " ".join(unicodedata.normalize("NFC", value or "").split())
    if not value:
        raise forms.ValidationError(f"Please enter your {label}.")
    if not is_name(value):
        raise forms.ValidationError(
            f"Your {label} can contain letters (in any alphabet), spaces, hyphens, "
            "apostrophes and full stops, and must start with a letter."
        )
    return value


TOO_LONG = "Please shorten this to at most %(limit_value)d characters (it has %(show_value)d)."


def text_errors(what=None):
    """The `error_messages` of a text field a supporter types into, in the site's words:
    "Please enter your first name." when it is required and empty (`what`: "your first
    name"; None for an optional field) and TOO_LONG past its `max_length`."""
    messages = {"max_length": TOO_LONG}
    if what:
        messages["required"] = f"Please enter {what}."
    return messages


def name_field(part, max_length):
    """A required name field (`part`: "first" or "last") of at most `max_length` characters,
    which the browser fills in (`given-name`, `family-name`), in the site's words."""
    return forms.CharField(
        label=f"{part.capitalize()} name",
        max_length=max_length,
        widget=forms.TextInput(
            attrs={"autocomplete": "given-name" if part == "first" else "family-name"}
        ),
        error_messages=text_errors(f"your {part} name"),
    )


class NameFields(forms.Form):
    """A person's "first_name" and "last_name", required, each checked by `clean_name`
    (letters of any alphabet with their marks, spaces tidied; "Zoë" and "देवनागरी" kept as
    typed, in NFC). Mix it into a form after `TypedTextMixin`; remove both fields from an
    instance that need not ask (`forget_names`)."""

    first_name = name_field("first", max_length=150)  # as long as a User's
    last_name = name_field("last", max_length=150)

    def clean_first_name(self):
        return clean_name(self.cleaned_data.get("first_name"), "first name")

    def clean_last_name(self):
        return clean_name(self.cleaned_data.get("last_name"), "last name")

    def forget_names(self):
        """Ask for no name: drop both fields from this form."""
        for name in ("first_name", "last_name"):
            self.fields.pop(name, None)


class SupporterForm(TypedTextMixin, NameFields):
    """Who a supporter is (name and email) and the honeypot, shared by the sign and donate forms.

    Every text typed into it, or into a form built on it, is NFC-normalised and
    stripped of control characters before validation (`TypedTextMixin`).
    Render the honeypot with `templates/includes/honeypot.html`.
    """

    first_name = name_field("first", max_length=100)  # as long as a Signature's
    last_name = name_field("last", max_length=100)
    email = forms.EmailField(
        label="Email",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text="Never shown publicly.",
        error_messages={
            **text_errors("your email address"),
            "invalid": "Please enter a valid email address, like name@example.org.",
        },
    )
    # The honeypot: an input people never see (templates/includes/honeypot.html), read from
    # the posted data rather than declared as a field, which each form would copy. Bots that
    # fill every input give themselves away.
    HONEYPOT = "website"
    honeypot_label = "Leave this empty"

    def clean_email(self):
        return normalise_email(self.cleaned_data["email"])

    @cached_property
    def honeypot(self):
        """The honeypot as Django's `BoundField` of an undeclared text field on this form:
        its `html_name` (with the form's prefix) and `auto_id`, as a declared field's.
        Made once per form: the sign POST reads its name, a render its name and id."""
        return forms.BoundField(self, forms.CharField(required=False), self.HONEYPOT)

    @property
    def honeypot_name(self):
        """The honeypot input's name (with the form's prefix, if any)."""
        return self.honeypot.html_name

    @property
    def honeypot_id(self):
        """The honeypot input's id, as Django gives a field of that name (`auto_id`)."""
        return self.honeypot.auto_id

    def clean(self):
        cleaned = super().clean()
        if self.is_bound and self.data.get(self.honeypot_name, "").strip():
            raise forms.ValidationError("Something went wrong. Please try again.")
        return cleaned


# --- Two forms open on one thing: the version each was opened on ------------------------------


class EditConflict(Exception):
    """Saving a form would overwrite a newer version of what it edits than the one it was
    opened on (another tab, device or person saved in between): nothing was saved.

    `current` (str) is the version now, for the form shown again (`OpenedVersionMixin.
    show_conflict`); `unknown` is True when the form carried no version at all (a page
    opened before forms carried one), so nobody can tell whether it is out of date.
    """

    def __init__(self, current: str, *, unknown: bool = False):
        super().__init__(f"Changed since the form was opened; it is now at version {current}.")
        self.current = current
        self.unknown = unknown


def check_version(opened: str | None, current: str) -> None:
    """Raise EditConflict unless `opened`, the version a form was opened on (as
    `OpenedVersionMixin.opened_version` reads it; None when the post carried none), is
    `current`, the version of the record now. Call it in the service, inside its
    transaction, after locking the record (`select_for_update`), so that no save can come
    between the check and the write."""
    if opened is None:
        raise EditConflict(current, unknown=True)
    if opened != current:
        raise EditConflict(current)


class OpenedVersionMixin:
    """For a form that edits something another person, tab or device can edit at the same
    time: it carries, in a hidden field (`VERSION_FIELD`), the version of the record it was
    opened on (`version`, an opaque str the service computes, e.g. a page's latest
    revision), and the service refuses a save over a newer one (`check_version`).

    The view passes what the form posted (`opened_version`) to the service and, on
    EditConflict, calls `show_conflict`: the form is shown again with everything typed
    kept, `CONFLICT_MESSAGE` (or `UNKNOWN_VERSION_MESSAGE`) at its top, and the version now
    in its hidden field, so that saving it again is a deliberate choice and works. Put it
    first among the form's bases; render `{{ form.opened_version }}` inside the <form>.
    """

    VERSION_FIELD = "opened_version"
    CONFLICT_MESSAGE = (
        "This was changed since you opened it. Nothing was saved: the form still holds "
        "what you typed. Check it against the current version, then save again."
    )
    UNKNOWN_VERSION_MESSAGE = (
        "This form was opened before our last update, so we cannot tell whether it was "
        "changed since. Nothing was saved: the form still holds what you typed. Check it "
        "against the current version, then save again."
    )

    def __init__(self, *args, version: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[self.VERSION_FIELD] = forms.CharField(
            widget=forms.HiddenInput, required=False, initial=version
        )

    @property
    def opened_version(self) -> str | None:
        """The version the form was opened on, as posted; None if the post had none."""
        return posted_version(self.data, self.add_prefix(self.VERSION_FIELD))

    def show_conflict(self, conflict: EditConflict) -> None:
        """Show the form again after `conflict`: the values typed stay, the hidden field
        now holds `conflict.current`, and the message says what happened and what to do."""
        data = self.data.copy()  # a QueryDict's copy is mutable
        data[self.add_prefix(self.VERSION_FIELD)] = conflict.current
        self.data = data
        self.add_error(
            None, self.UNKNOWN_VERSION_MESSAGE if conflict.unknown else self.CONFLICT_MESSAGE
        )


def posted_version(data, name: str = OpenedVersionMixin.VERSION_FIELD) -> str | None:
    """The version a post carried in its field `name` (stripped), or None if it carried
    none or an empty one."""
    value = data.get(name)
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip()
