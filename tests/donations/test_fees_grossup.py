"""The fee gross-up (donations/fees.py): exact, in minor units, for any amount and rule."""

from decimal import Decimal

import pytest

from donations.fees import (
    FeeRule,
    fee_to_cover,
    fixed_part_in,
    net_of_fee,
    provider_fee,
)

NONPROFIT = FeeRule(percent=Decimal("2.2"), fixed_cents=30)  # the default: 2.2% + $0.30
STANDARD = FeeRule(percent=Decimal("2.9"), fixed_cents=30)  # Stripe's standard card rate
AMOUNTS = [
    50, 51, 99, 100, 101, 333, 500, 999, 1000, 1234,
    2500, 4999, 5000, 7777, 10000, 12345, 25000, 99999, 100000, 2500000,
]  # fmt: skip


@pytest.mark.parametrize("rule", [NONPROFIT, STANDARD], ids=["2.2%+30", "2.9%+30"])
@pytest.mark.parametrize("amount", AMOUNTS)
def test_the_organisation_nets_the_gift_and_at_most_one_minor_unit_more(amount, rule):
    gross = amount + fee_to_cover(amount, rule)

    assert amount <= net_of_fee(gross, rule) <= amount + 1


def test_covering_the_fee_on_50_dollars_at_2_2_percent_and_30_cents_adds_1_dollar_44():
    # (5000 + 30) / 0.978 = 5143.15..., so 5144 is charged; Stripe keeps 113 + 30 = 143.
    assert fee_to_cover(5000, NONPROFIT) == 144
    assert provider_fee(5144, NONPROFIT) == 143
    assert net_of_fee(5144, NONPROFIT) == 5001


def test_covering_the_fee_on_50_dollars_at_2_9_percent_and_30_cents_adds_1_dollar_81():
    assert fee_to_cover(5000, STANDARD) == 181


def test_a_gift_whose_gross_up_divides_exactly_adds_no_extra_cent():
    # 10% of 1000 is 100: (870 + 30) / 0.9 = 1000 exactly, so the fee is 130, not 131.
    assert fee_to_cover(870, FeeRule(percent=Decimal("10"), fixed_cents=30)) == 130


def test_a_rule_of_nothing_adds_nothing():
    rule = FeeRule(percent=Decimal("0"), fixed_cents=0)

    assert rule.is_off
    assert fee_to_cover(5000, rule) == 0


def test_a_fixed_part_alone_is_covered_exactly():
    assert fee_to_cover(5000, FeeRule(percent=Decimal("0"), fixed_cents=30)) == 30


def test_the_rule_reads_as_staff_typed_it():
    assert NONPROFIT.describe("usd") == "2.2% + $0.30"
    assert FeeRule(percent=Decimal("3.00"), fixed_cents=0).describe("usd") == "3%"


def test_the_fixed_part_is_the_same_figure_in_another_currency_rounded_up_to_its_unit():
    assert fixed_part_in(30, "usd") == 30
    assert fixed_part_in(30, "eur") == 30
    assert fixed_part_in(30, "jpy") == 1  # ¥0.30 is no amount: ¥1
    assert fixed_part_in(0, "jpy") == 0


def test_a_zero_decimal_gift_is_grossed_up_in_whole_yen():
    rule = FeeRule(percent=Decimal("3.6"), fixed_cents=0)

    fee = fee_to_cover(1000, rule)  # 1000 / 0.964 = 1037.3...

    assert fee == 38
    assert 1000 <= net_of_fee(1000 + fee, rule) <= 1001
