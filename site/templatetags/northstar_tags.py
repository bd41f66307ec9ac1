from datetime import timedelta

from django import template
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext

from donations.money import DEFAULT_CURRENCY, format_money
from northstar.emails import public_url as page_public_url

register = template.Library()


@register.filter
def ago(value):
    """'3 hours ago': the largest unit only, as lists of people read best; 'just now' under
    a minute (or for a time a little ahead of this server's clock)."""
    if timezone.now() - value < timedelta(minutes=1):
        return "just now"
    return f"{timesince(value, depth=1)} ago"


@register.filter
def money(cents, currency=DEFAULT_CURRENCY):
    """`{{ cents|money:currency }}`: an amount in minor units as people read it ("$3,450",
    "$3,450.50", "-$25"), by `donations.money.format_money`, the project's one money format.
    Every template shows money through this filter; none writes a currency sign itself."""
    return format_money(cents, currency)


@register.filter
def money_exact(cents, currency=DEFAULT_CURRENCY):
    """`{{ cents|money_exact:currency }}`: as `money`, with the minor unit even when it is
    zero ("$50.00"), for a receipt's column of figures, where "$50" beside "$1.44" reads
    as a different kind of number."""
    return format_money(cents, currency, exact=True)


@register.inclusion_tag("northstar/admin/bar_chart.html")
def bar_chart(chart, chart_id, title, what):
    """`{% bar_chart chart "raised-chart" "Raised per day" "Raised" %}`: the staff reports'
    one chart, a `northstar.charts.BarChart` drawn as SVG (no script) with its `title`, a
    description for screen readers, and the table of every day's figure (`what` heads its
    column). `chart_id` makes the SVG's ids unique in the page."""
    return {"chart": chart, "chart_id": chart_id, "title": title, "what": what}


@register.simple_tag
def public_url(page):
    """`{% public_url page %}`: the page's absolute URL on the public site (SITE_URL), as
    share links and email carry it (`northstar.emails.public_url`), whatever host and port
    Wagtail's Site record holds."""
    return page_public_url(page)


@register.simple_tag
def error_summary(form, row_name="", first=""):
    """The problems to list in a form's error summary, in the order the form shows them.

    `form` is a Django form or formset (or None). Returns a list of `(href, message)`:
    `href` is `"#<id>"` of the input the message is about (a group of radios or
    checkboxes: its first input), or None for an error that belongs to no visible
    field (the form's own, or a hidden field's). A formset's messages start with
    `row_name` and the row's number ("Friend 2: ...") when it has more than one form.
    `first` names the fields (space-separated) that the page shows before the others,
    when its order differs from the form's (the donate form puts the amount first).
    """
    if form is None:
        return []
    if hasattr(form, "forms"):  # a formset
        problems = [(None, message) for message in form.non_form_errors()]
        several = len(form.forms) > 1
        row_name = row_name or gettext("Row")
        for number, row in enumerate(form.forms, start=1):
            for href, message in error_summary(row):
                if several:
                    message = gettext("%(row)s %(number)s: %(message)s") % {
                        "row": row_name,
                        "number": number,
                        "message": message,
                    }
                problems.append((href, message))
        return problems
    if not form.is_bound or not form.errors:
        return []
    problems = [(None, message) for message in form.non_field_errors()]
    shown_first = first.split()
    fields = sorted(
        form,
        key=lambda field: (
            shown_first.index(field.name) if field.name in shown_first else len(shown_first)
        ),
    )  # a stable sort: the rest keep the form's order
    for field in fields:
        if not field.errors:
            continue
        target = field_input_id(field)
        problems.extend((f"#{target}" if target else None, message) for message in field.errors)
    return problems


def field_input_id(field):
    """The id of the input a message about `field` (a BoundField) should lead to, or ''."""
    if field.is_hidden:
        return ""
    if field.id_for_label:
        return field.id_for_label
    subwidgets = field.subwidgets  # radios and checkbox groups have no id of their own
    return subwidgets[0].id_for_label if subwidgets else ""
