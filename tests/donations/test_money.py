"""Amounts typed by donors become exact cents; cents read as dollars."""

import pytest

from donations.money import format_money, parse_amount_cents


@pytest.mark.parametrize(
    ("typed", "cents"),
    [
        ("50", 5000),
        ("$50", 5000),
        (" 40.5 ", 4050),
        ("40.50", 4050),
        ("1,250.99", 125099),
        ("0.29", 29),
        ("25000", 2500000),
    ],
)
def test_an_amount_in_dollars_and_cents_is_parsed_exactly(typed, cents):
    assert parse_amount_cents(typed) == cents


@pytest.mark.parametrize(
    "typed",
    ["", "abc", "-5", "1e9", "12,50", "1.999", "50.", ".5", "NaN", "Infinity", "١٠", "50\n1"],
)
def test_anything_else_is_not_an_amount(typed):
    assert parse_amount_cents(typed) is None


def test_whole_dollars_read_without_cents_and_others_with_them():
    assert format_money(345000) == "$3,450"
    assert format_money(345050) == "$3,450.50"
    assert format_money(5, "eur") == "0.05 EUR"
