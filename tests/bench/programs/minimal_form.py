"""The framework's own limit for signing: the smallest Django view that validates a form and
inserts one row, mounted only by the bench's settings (`bench_settings`, `bench_urls`).

It is served by the same gunicorn, settings and middleware as the site (sessions,
CSRF, the security headers, the policy), in the same run as signing, and wrk
posts it the very body that signing gets (tests/bench/sign.lua). What signing
does beyond it (the petition's form with its ZIP look-up and target, the rate
limit, the signature's row and the worker's wake-up) is the project's own cost.
"""

from django import forms
from django.db import connection, models
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.utils import timezone
from django.views.decorators.http import require_POST

MINIMAL_PATH = "/bench/minimal-form/"
TABLE = "bench_minimal_row"


class MinimalRow(models.Model):
    """One posted form: the fields a signing posts, and when."""

    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField()
    zip_code = models.CharField(max_length=10)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "bench"  # not an installed app: the table is made by `ensure_table`
        managed = False
        db_table = TABLE

    def __str__(self):
        return self.email


class MinimalForm(forms.ModelForm):
    class Meta:
        model = MinimalRow
        fields = ["first_name", "last_name", "email", "zip_code", "comment"]


@require_POST
def minimal_form(request):
    """Validate the posted form and insert its row: 302 to the same path, or 400."""
    form = MinimalForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest()
    form.save()
    return HttpResponseRedirect(MINIMAL_PATH)


def ensure_table():
    """Create the view's table if this database has none (Django's schema editor)."""
    if TABLE not in connection.introspection.table_names():
        with connection.schema_editor() as editor:
            editor.create_model(MinimalRow)
