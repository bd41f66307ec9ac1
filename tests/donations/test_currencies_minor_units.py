"""Currencies: a zero-decimal currency (JPY) and Stripe's smallest charge per currency."""

import pytest

from donations.forms import DonationForm
from donations.money import (
    InvalidAmount,
    MoneyField,
    amount_cents,
    format_money,
    minimum_charge,
    minor_units,
)
from tests.donations.factories import donate_form

pytestmark = pytest.mark.django_db


def test_yen_are_shown_whole():
    assert format_money(500, "jpy") == "¥500"
    assert format_money(1500000, "JPY") == "¥1,500,000"
    assert format_money(500, "jpy", exact=True) == "¥500"


def test_yen_are_read_whole():
    assert amount_cents("500", "jpy") == 500
    assert amount_cents("¥1,500", "jpy") == 1500
    assert minor_units("jpy") == 1


@pytest.mark.parametrize("typed", ["5.00", "5.5", "500.000"])
def test_yen_with_a_decimal_point_are_refused_with_a_message(typed):
    with pytest.raises(InvalidAmount) as refused:
        amount_cents(typed, "jpy")

    assert str(refused.value) == (
        "Please type a whole amount, like 500: Japanese yen have no smaller unit."
    )


def test_a_two_decimal_currency_still_reads_cents():
    assert amount_cents("5.00", "eur") == 500
    assert amount_cents("£12.5", "gbp") == 1250


def test_a_money_field_in_yen_shows_its_initial_value_without_decimals():
    field = MoneyField(currency="jpy")

    assert field.prepare_value(1500) == "1,500"


@pytest.mark.parametrize(
    ("currency", "cents", "shown"),
    [
        ("usd", 50, "$0.50"),
        ("eur", 50, "€0.50"),
        ("gbp", 30, "£0.30"),
        ("cad", 50, "CA$0.50"),
        ("aud", 50, "A$0.50"),
        ("jpy", 50, "¥50"),
    ],
)
def test_stripes_smallest_charge_is_known_per_currency(currency, cents, shown):
    assert minimum_charge(currency) == cents
    assert format_money(cents, currency, exact=True) == shown


def test_the_donate_form_states_the_smallest_gift_in_its_currency():
    form = DonationForm(currency="usd")

    assert "The smallest gift is $0.50." in str(form["other_amount"].help_text)


def test_a_gift_below_the_smallest_charge_is_refused_with_that_message():
    form = DonationForm(donate_form(amount="other", other_amount="0.49"), currency="usd")

    assert not form.is_valid()
    assert form.errors["other_amount"] == ["The smallest gift is $0.50."]


def test_a_gift_of_the_smallest_charge_is_taken():
    form = DonationForm(donate_form(amount="other", other_amount="0.50"), currency="usd")

    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount_cents"] == 50


def test_in_pounds_the_smallest_gift_is_30_pence():
    form = DonationForm(donate_form(amount="other", other_amount="0.29"), currency="gbp")

    assert not form.is_valid()
    assert form.errors["other_amount"] == ["The smallest gift is £0.30."]


def test_in_yen_a_typed_gift_is_whole_yen_and_at_least_50():
    taken = DonationForm(donate_form(amount="other", other_amount="1500"), currency="jpy")
    small = DonationForm(donate_form(amount="other", other_amount="49"), currency="jpy")
    decimal = DonationForm(donate_form(amount="other", other_amount="15.00"), currency="jpy")

    assert taken.is_valid(), taken.errors
    assert taken.cleaned_data["amount_cents"] == 1500
    assert small.errors["other_amount"] == ["The smallest gift is ¥50."]
    assert decimal.errors["other_amount"] == [
        "Please type a whole amount, like 500: Japanese yen have no smaller unit."
    ]


def test_in_yen_a_preset_below_the_smallest_charge_is_refused():
    form = DonationForm(donate_form(amount="25"), currency="jpy")  # ¥25

    assert not form.is_valid()
    assert form.errors["amount"] == ["The smallest gift is ¥50."]
