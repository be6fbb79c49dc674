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


def test_a_phrase_reads_as_text_and_keeps_its_amounts_exact():
    phrase = money.Phrase(
        "6 min at ",
        money.Amount(Decimal("27.7777777777")),
        "/h, ",
        money.Amount(Decimal("0.00050625"), exact=True),
    )
    # format_money: 4 significant figures, never fewer than cents; format_usd: every digit
    assert phrase == "6 min at $27.78/h, $0.00050625"
    assert phrase.amounts == (Decimal("27.7777777777"), Decimal("0.00050625"))
    assert phrase.render("€") == "6 min at €27.78/h, €0.00050625"
    assert money.format_money(Decimal("9407.04"), symbol="£") == "£9,407.04"
