"""Templates show money through one filter, `{{ cents|money:currency }}`, never a typed "$"."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template

from donations.money import format_money

TEMPLATES_DIR = Path(settings.BASE_DIR) / "templates"

# A currency sign typed before an amount or a variable: "$25", "$ 25", "${{ amount }}".
TYPED_MONEY = re.compile(r"\$\s*(?:[0-9]|\{\{)")


def render(text, **context):
    return Template("{% load northstar_tags %}" + text).render(Context(context))


@pytest.mark.parametrize(
    ("cents", "shown"),
    [
        (345000, "$3,450"),
        (5000, "$50"),
        (345050, "$3,450.50"),
        (1, "$0.01"),
        (99, "$0.99"),
        (100_000_000_001, "$1,000,000,000.01"),
        (0, "$0"),
        (-2500, "-$25"),
        (-2550, "-$25.50"),
    ],
)
def test_the_money_filter_shows_dollars_as_people_read_them(cents, shown):
    assert render("{{ cents|money:currency }}", cents=cents, currency="usd") == shown


def test_the_money_filter_reads_a_currency_code_in_any_case():
    assert render("{{ cents|money:'USD' }}", cents=125050) == "$1,250.50"


def test_the_money_filter_without_a_currency_shows_dollars():
    assert render("{{ cents|money }}", cents=2500) == "$25"


def test_the_money_filter_and_python_code_format_money_the_same_way():
    for cents in (0, 1, 99, 100, 345050, -2550):
        assert render("{{ cents|money:'usd' }}", cents=cents) == format_money(cents, "usd")


def test_a_currency_the_project_does_not_take_is_shown_by_its_code():
    assert render("{{ cents|money:'chf' }}", cents=5) == "0.05 CHF"


def template_files():
    return sorted(path for path in TEMPLATES_DIR.rglob("*") if path.is_file())


def test_the_template_folder_is_found_and_holds_money_templates():
    names = {path.relative_to(TEMPLATES_DIR).as_posix() for path in template_files()}
    assert "donations/includes/donate_form.html" in names
    assert "email/donation_receipt.txt" in names


def test_no_template_types_a_dollar_sign_before_an_amount():
    offenders = []
    for path in template_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            if TYPED_MONEY.search(line):
                offenders.append(f"{path.relative_to(TEMPLATES_DIR)}:{number}: {line.strip()}")
    assert offenders == [], "show money with {{ cents|money:currency }}:\n" + "\n".join(offenders)


@pytest.mark.parametrize("line", ["Give $25 today", "$ 25", "<b>${{ amount }}</b>", "${{amount}}"])
def test_the_template_check_catches_a_typed_dollar_amount(line):
    assert TYPED_MONEY.search(line)
