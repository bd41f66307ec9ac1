"""Staff views for one petition in the Wagtail admin: the signatures report and the CSV export.

Wagtail's admin URLs already require an admin login; each view also requires
permission to edit the petition page, since the export holds signers' emails.
"""

import csv

from django import forms
from django.http import HttpResponseForbidden, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header

from .jurisdictions import JURISDICTION_CHOICES
from .models import PetitionPage
from .reports import (
    REPORT_DAYS,
    bar_chart,
    confirmation_rate,
    export_filename,
    export_rows,
    signatures_by_state,
    signatures_per_day,
)


class StateField(forms.ChoiceField):
    """A two-letter state or territory code, in either case."""

    def to_python(self, value):
        return super().to_python(value).strip().upper()


class SignatureExportForm(forms.Form):
    """The export's filters, read from the query string; all optional."""

    state = StateField(
        choices=[("", "All states and territories"), *JURISDICTION_CHOICES],
        required=False,
        error_messages={
            "invalid_choice": (
                "“%(value)s” is not a state or territory: use a two-letter code such as TX."
            )
        },
    )
    date_from = forms.DateField(
        label="Confirmed from",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter the from date as YYYY-MM-DD."},
    )
    date_to = forms.DateField(
        label="Confirmed to",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter the to date as YYYY-MM-DD."},
    )

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", "The to date must be on or after the from date.")
        return cleaned


class Echo:
    """A file-like object that hands back what is written: `csv.writer` formats, we stream."""

    def write(self, value):
        return value


def editable_petition(request, page_id):
    """The petition, or None if the user may not edit it (and so may not see its signers)."""
    petition = get_object_or_404(PetitionPage, pk=page_id)
    if not petition.permissions_for_user(request.user).can_edit():
        return None
    return petition


def forbidden():
    return HttpResponseForbidden("You need permission to edit this petition to see its signatures.")


def report(request, page_id):
    petition = editable_petition(request, page_id)
    if petition is None:
        return forbidden()
    return render_report(request, petition, SignatureExportForm())


def render_report(request, petition, form, status=200):
    per_day = signatures_per_day(petition, REPORT_DAYS)
    states = signatures_by_state(petition)
    return TemplateResponse(
        request,
        "petitions/admin/report.html",
        {
            "petition": petition,
            "page": petition,
            "form": form,
            "states": states,
            "states_total": sum(row.count for row in states),
            "rate": confirmation_rate(petition),
            "chart": bar_chart(per_day),
            "report_days": REPORT_DAYS,
        },
        status=status,
    )


def export(request, page_id):
    """Stream the petition's confirmed signatures as CSV; bad filters re-show the report (400)."""
    petition = editable_petition(request, page_id)
    if petition is None:
        return forbidden()
    form = SignatureExportForm(request.GET)
    if not form.is_valid():
        return render_report(request, petition, form, status=400)
    writer = csv.writer(Echo())
    rows = export_rows(
        petition,
        state=form.cleaned_data["state"] or None,
        date_from=form.cleaned_data["date_from"],
        date_to=form.cleaned_data["date_to"],
    )
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in rows),
        content_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": content_disposition_header(
                as_attachment=True, filename=export_filename(petition)
            )
        },
    )
    add_never_cache_headers(response)
    return response
