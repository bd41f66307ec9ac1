"""Staff views for one petition in the Wagtail admin: the signatures report and the CSV export.

Wagtail's admin URLs already require an admin login; each view also requires
permission to edit the petition page, since the export holds signers' emails
(`petition_editors_only`, by `northstar.admin_access`).
"""

from django import forms
from django.template.response import TemplateResponse

from northstar.admin_access import page_editors_only
from northstar.charts import bar_chart
from northstar.exports import csv_response

from .jurisdictions import JURISDICTION_CHOICES
from .models import PetitionPage
from .reports import (
    EXPORT_COLUMNS,
    REPORT_DAYS,
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


# A staff view of one petition: its `page_id` becomes the petition, for its editors only.
petition_editors_only = page_editors_only(
    PetitionPage, "You need permission to edit this petition to see its signatures."
)


@petition_editors_only
def report(request, petition):
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


@petition_editors_only
def export(request, petition):
    """Stream the petition's confirmed signatures as CSV (`northstar.exports`); bad filters
    re-show the report (400). The dates are the organisation's days."""
    form = SignatureExportForm(request.GET)
    if not form.is_valid():
        return render_report(request, petition, form, status=400)
    rows = export_rows(
        petition,
        state=form.cleaned_data["state"] or None,
        date_from=form.cleaned_data["date_from"],
        date_to=form.cleaned_data["date_to"],
    )
    return csv_response(EXPORT_COLUMNS, rows, export_filename(petition))
