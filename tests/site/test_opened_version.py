"""A form that edits something others can edit at once carries the version it was opened on
(`northstar.forms.OpenedVersionMixin`), and `check_version` refuses a save over a newer one."""

import pytest
from django import forms
from django.http import QueryDict

from northstar.forms import EditConflict, OpenedVersionMixin, TypedTextMixin, check_version


class NoteForm(OpenedVersionMixin, TypedTextMixin, forms.Form):
    note = forms.CharField()


def test_the_form_renders_the_version_it_was_opened_on_as_a_hidden_field():
    form = NoteForm(version="12@2026-03-05T10:42:00+00:00")

    assert str(form["opened_version"]) == (
        '<input type="hidden" name="opened_version" value="12@2026-03-05T10:42:00+00:00" '
        'id="id_opened_version">'
    )


@pytest.mark.parametrize(("posted", "read"), [({}, None), ({"opened_version": " "}, None)])
def test_a_post_without_a_version_reads_as_none(posted, read):
    form = NoteForm({"note": "Hi", **posted}, version="13@now")

    assert form.opened_version is read


def test_the_form_shown_after_a_conflict_keeps_what_was_typed_and_carries_the_new_version():
    form = NoteForm(QueryDict("note=As+typed&opened_version=12%40then"), version="13@now")
    assert form.is_valid()

    form.show_conflict(EditConflict("13@now"))

    assert form["note"].value() == "As typed"
    assert form["opened_version"].value() == "13@now"
    assert form.non_field_errors() == [NoteForm.CONFLICT_MESSAGE]


def test_a_conflict_over_a_form_without_a_version_says_it_cannot_tell():
    form = NoteForm(QueryDict("note=As+typed"), version="13@now")
    assert form.is_valid()

    form.show_conflict(EditConflict("13@now", unknown=True))

    assert form.non_field_errors() == [NoteForm.UNKNOWN_VERSION_MESSAGE]


@pytest.mark.parametrize(
    ("opened", "unknown"), [("12@then", False), (None, True)], ids=["older", "none"]
)
def test_check_version_refuses_any_version_but_the_current_one(opened, unknown):
    with pytest.raises(EditConflict) as conflict:
        check_version(opened, "13@now")

    assert (conflict.value.current, conflict.value.unknown) == ("13@now", unknown)


def test_check_version_lets_the_current_version_through():
    assert check_version("13@now", "13@now") is None
