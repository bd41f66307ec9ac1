"""Amounts typed by donors and staff become exact cents; cents read as dollars."""

import pytest
from django.core.exceptions import ValidationError

from donations.forms import DonationForm
from donations.money import (
    CURRENCY_CHOICES,
    SUPPORTED_CURRENCIES,
    CurrencyField,
    InvalidAmount,
    MoneyField,
    amount_cents,
    currency_name,
    format_money,
)


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
        ("25,000", 2500000),
        ("$ 1,000,000.01", 100000001),
    ],
)
def test_an_amount_in_dollars_and_cents_is_parsed_exactly(typed, cents):
    assert amount_cents(typed) == cents


@pytest.mark.parametrize(
    "typed",
    ["", "abc", "-5", "1e9", "12,50", "1.999", "50.", ".5", "NaN", "Infinity", "١٠", "50\n1"],
)
def test_anything_else_is_not_an_amount(typed):
    with pytest.raises(InvalidAmount):
        amount_cents(typed)


@pytest.mark.parametrize(
    "typed",
    ["१०००", "１０００", "١٠٠٠", "1０00", "৫0", "$１,０００"],
)
def test_digits_of_other_scripts_are_refused_and_asked_for_as_0_to_9(typed):
    with pytest.raises(InvalidAmount, match="with the digits 0 to 9"):
        amount_cents(typed)


def test_fractions_of_a_cent_are_refused_and_asked_to_be_rounded():
    with pytest.raises(InvalidAmount, match="at most two digits after the point"):
        amount_cents("25,000.005")


@pytest.mark.parametrize("typed", ["-5", "abc", "1e9", "12,50"])
def test_other_text_is_refused_with_an_example_of_an_amount(typed):
    with pytest.raises(InvalidAmount, match="like 40 or 40.50"):
        amount_cents(typed)


def test_whole_dollars_read_without_cents_and_others_with_them():
    assert format_money(345000) == "$3,450"
    assert format_money(345050) == "$3,450.50"
    assert format_money(5, "chf") == "0.05 CHF"


def test_money_going_back_reads_with_a_minus_sign_before_the_symbol():
    assert format_money(-2500) == "-$25"
    assert format_money(-2550) == "-$25.50"
    assert format_money(-1) == "-$0.01"


def test_no_money_reads_as_zero_dollars():
    assert format_money(0) == "$0"
    assert format_money(None) == "$0"


def test_a_currency_code_is_read_in_any_case():
    assert format_money(125050, "USD") == "$1,250.50"
    assert currency_name("USD") == "US dollars"


def test_an_exact_amount_always_shows_its_cents():
    assert format_money(100000, exact=True) == "$1,000.00"
    assert format_money(100050, exact=True) == "$1,000.50"


def test_a_money_field_shows_cents_as_dollars_and_cleans_dollars_to_cents():
    field = MoneyField()
    assert field.prepare_value(1_000_000) == "10,000.00"
    assert field.clean("25,000") == 2_500_000


def test_a_money_field_keeps_what_was_typed_when_shown_again():
    assert MoneyField().prepare_value("25,000.005") == "25,000.005"


def test_a_money_field_outside_its_bounds_says_the_bound_in_dollars():
    field = MoneyField(min_cents=100, max_cents=2_500_000)
    with pytest.raises(ValidationError, match=r"at least \$1\."):
        field.clean("0.50")
    with pytest.raises(ValidationError, match=r"at most \$25,000\."):
        field.clean("25,000.01")


def test_the_supported_currencies_are_lower_case_iso_codes_with_symbol_and_exponent():
    assert "usd" in SUPPORTED_CURRENCIES
    for code, currency in SUPPORTED_CURRENCIES.items():
        assert code == currency.code
        assert len(code) == 3 and code.isascii() and code.islower()
        assert currency.symbol and currency.exponent in (0, 2)  # what amount_cents reads
    assert [code for code, _ in CURRENCY_CHOICES] == list(SUPPORTED_CURRENCIES)


@pytest.mark.parametrize("typed", ["usd", "USD", " Usd "])
def test_a_currency_field_stores_a_supported_code_lower_case(typed):
    assert CurrencyField().clean(typed) == "usd"


@pytest.mark.parametrize("typed", ["chf", "US$", "dollars", "xyz"])
def test_a_currency_field_refuses_a_currency_the_project_does_not_take(typed):
    with pytest.raises(ValidationError, match="one of the currencies we take: USD"):
        CurrencyField().clean(typed)


def test_the_donate_forms_preset_amounts_are_written_by_the_money_format():
    form = DonationForm(currency="usd")
    labels = [label for value, label in form.fields["amount"].choices if value != "other"]
    assert labels == ["$25", "$50", "$100", "$250"]
    assert form.currency_symbol == "$"
    assert form.fields["other_amount"].label == "Your amount (US dollars)"


def test_the_donate_forms_limits_read_in_the_campaigns_currency():
    form = DonationForm({"amount": "other", "other_amount": "0.49"}, currency="USD")
    form.is_valid()
    assert form.errors["other_amount"] == ["The smallest gift is $0.50."]
