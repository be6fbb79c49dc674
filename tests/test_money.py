from decimal import Decimal

import pytest

from ticketcost import money


def test_usd_for_tokens_is_exact():
    # 6,750 tokens at $0.075 per 1M = 6750 * 0.075 / 1e6 = 506.25 / 1e6 = 0.00050625
    assert money.usd_for_tokens(6750, Decimal("0.075")) == Decimal("0.00050625")
    # 1 token at $0.0375 per 1M = 0.0000000375, no rounding anywhere
    assert money.usd_for_tokens(1, Decimal("0.0375")) == Decimal("3.75E-8")


def test_add_is_exact_across_many_small_amounts():
    # a million tokens priced one at a time adds back to the per-1M price exactly
    one_token = money.usd_for_tokens(1, Decimal("0.10"))
    assert money.add(*([one_token] * 1000)) == Decimal("0.0001")


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        ("0.001075", "$0.001075"),
        ("12.5", "$12.50"),
        ("0", "$0.00"),
        ("1234567.891", "$1,234,567.891"),
        ("0.000000012345", "≈$0.00000001"),
        ("-3.2", "-$3.20"),
    ],
)
def test_format_usd(amount, shown):
    assert money.format_usd(Decimal(amount)) == shown


def test_plain_has_no_exponent():
    assert money.plain(Decimal("3.75E-8")) == "0.0000000375"
    assert money.plain(Decimal("1E+3")) == "1000"
    assert money.plain(Decimal("0.00")) == "0"
