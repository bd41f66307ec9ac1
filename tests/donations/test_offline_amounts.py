"""What staff and owners type as an offline gift's amount is read exactly by the dollars
parser, ASCII digits only; anything else is refused with a message."""

import re

import pytest

from donations.offline import BadAmount, parse_offline_amount


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("0", "more than zero"),
        ("-5", "dollars and cents"),
        ("1e3", "dollars and cents"),
        ("٤٠", "digits 0 to 9"),
        ("40.005", "round the amount to the cent"),
        ("1,000,000.01", "at most $1,000,000"),
        ("", "enter an amount"),
    ],
)
def test_a_bad_amount_is_refused_with_a_message(typed, says):
    with pytest.raises(BadAmount, match="(?i)" + re.escape(says)):
        parse_offline_amount(typed)


@pytest.mark.parametrize(
    ("typed", "cents"), [("40", 4000), ("$40.50", 4050), ("1,000,000", 100_000_000)]
)
def test_a_good_amount_is_read_exactly_in_cents(typed, cents):
    assert parse_offline_amount(typed) == cents
