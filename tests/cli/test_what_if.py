"""What-ifs on the commands that read a config: prices in a view, and values set for one run."""

from __future__ import annotations

import json
from decimal import Decimal as D
from pathlib import Path

import pytest
from helpers import as_json, error, run

from ticketcost.costs.starter import STARTER_YAML


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ticketcost.yaml").write_text(STARTER_YAML)
    return tmp_path


def _line(data: dict, key: str) -> D:
    return next(line["monthly_usd"] for line in data["lines"] if line["key"] == key)


def test_set_equals_editing_the_file(here: Path) -> None:
    changed = as_json(
        "stack", "--set", "volume=50000", "--set", "intents.billing.model=gpt-5.4-mini"
    )
    edited = STARTER_YAML.replace("volume: 10000", "volume: 50000", 1)
    billing = edited.index("name: billing")
    model_at = edited.index("model: ", billing)
    end = edited.index("\n", model_at)
    edited = (
        edited[:model_at]
        + "model: gpt-5.4-mini"
        + edited[end:].split("#", 1)[-1] * 0
        + edited[end:]
    )
    (here / "edited.yaml").write_text(edited)
    assert changed == as_json("stack", "-c", "edited.yaml")
    assert changed["volume"] == 50000
    assert next(i for i in changed["intents"] if i["name"] == "billing")["model"] == "gpt-5.4-mini"


def test_set_reaches_items_by_position_and_new_sections(here: Path) -> None:
    data = as_json("stack", "--set", "intents.0.escalation_rate=0.5", "--set", "retries.rate=0")
    assert data["intents"][0]["escalation_rate"] == D("0.5")
    assert not any(line["key"] == "retries" for line in data["lines"])


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("intents.nope.model=gpt-5.4-mini", "--set intents.nope.model=gpt-5.4-mini: intents has no "
         "item called 'nope' (items: password_reset, general_question, billing, complaint"),
        ("volume", "--set volume: write KEY=VALUE"),
        ("volume.size=3", "--set volume.size=3: volume is a single value"),
        ("volume=-5", "volume: Input should be greater than 0"),
        ("intents.billing.model=gpt-99", "intents[2](billing).model: unknown model 'gpt-99'"),
    ],
)  # fmt: skip
def test_a_bad_set_is_refused_naming_the_key(here: Path, value: str, said: str) -> None:
    message = error("stack", "--set", value)
    assert said in message


def test_a_discount_scales_the_model_lines_exactly(here: Path) -> None:
    plain, cut = as_json("stack"), as_json("stack", "--discount", "20")
    for key in ("model", "retries"):
        assert _line(cut, key) == _line(plain, key) * D("0.8")  # 20% off list prices
    assert _line(cut, "escalations") == _line(plain, "escalations")  # people's time unchanged
    assert "List prices, less a 20% discount" in run("stack", "--discount", "20").stdout


@pytest.mark.parametrize(
    "command",
    [
        ["stack"], ["compare"], ["check"], ["recommend"], ["roi"],
        ["scale-table", "-c", "ticketcost.yaml"], ["diff", "ticketcost.yaml", "ticketcost.yaml"],
    ],
)  # fmt: skip
def test_every_config_command_takes_the_what_ifs(here: Path, command: list[str]) -> None:
    flags = ["--variant", "batch", "--markup", "10", "--set", "volume=5000"]
    # claude-sonnet-4-6 and the others of the starter all have batch prices
    result = run(*command, *flags, code=0)
    assert "Request variant: batch" in result.stdout
    assert "Changed for this run (--set): volume=5000" in result.stdout


def test_a_variant_a_model_lacks_is_refused(here: Path) -> None:
    assert "has no flex price" in error("stack", "--variant", "flex")


def test_diff_shows_what_a_what_if_moves(here: Path) -> None:
    data = json.loads(
        run("diff", "ticketcost.yaml", "ticketcost.yaml", "--discount", "50", "-f", "json").stdout,
        parse_float=D,
    )
    changed = {line["key"] for line in data["lines"] if line["status"] == "changed"}
    assert changed == {"model", "retries"}
    assert "saved report cannot be priced again" in error(
        "diff", "ticketcost.yaml", "x.json", "--discount", "5"
    )


def _in_eur(usd: object, fx: D, money_key: bool = False) -> object:
    """The oracle: every number under a key that names USD times ``fx``, keys renamed."""
    from ticketcost import money

    if isinstance(usd, dict):
        here = money_key or usd.get("unit") == "usd"  # a budget states its unit
        return {
            k.replace("usd", "eur"): "eur"
            if k == "unit" and v == "usd"
            else _in_eur(v, fx, here or "usd" in k)
            for k, v in usd.items()
            if k != "currency"
        }
    if isinstance(usd, list):
        return [_in_eur(v, fx, money_key) for v in usd]
    if money_key and isinstance(usd, D | int) and not isinstance(usd, bool):
        return money.multiply(D(usd), fx)
    if isinstance(usd, str) and "$" in usd:
        return "<text with amounts>"  # read below: the EUR run writes it with euros
    return usd


def _texts(eur: object) -> object:
    """Text with amounts in it, set aside for the oracle: ours is written in euros, a bundled
    source's own words (its "$50,000 a year") are left as written; the table test reads them."""
    if isinstance(eur, dict):
        return {k: _texts(v) for k, v in eur.items()}
    if isinstance(eur, list):
        return [_texts(v) for v in eur]
    if isinstance(eur, str) and ("€" in eur or "$" in eur):  # "$": a source's own words
        return "<text with amounts>"
    return eur


@pytest.mark.parametrize(
    "command",
    [
        ["stack"], ["compare"], ["recommend"], ["roi"], ["check"],
        ["scale-table", "-c", "ticketcost.yaml"], ["diff", "ticketcost.yaml", "ticketcost.yaml"],
    ],
)  # fmt: skip
def test_every_config_command_shows_amounts_in_another_currency(
    here: Path, command: list[str]
) -> None:
    usd = as_json(*command)
    eur = as_json(*command, "--currency", "EUR", "--fx", "0.92")
    assert usd["currency"] == "USD" and eur.pop("currency") == "EUR"
    assert _texts(eur) == _in_eur(usd, D("0.92"))


def test_amounts_in_another_currency_read_with_its_sign(here: Path) -> None:
    out = run("compare", "--currency", "EUR", "--fx", "0.92").stdout
    # Intercom Fin's $0.99 is €0.9108; × 7,850 resolutions = €7,149.78 (that is $7,771.50 × 0.92)
    fin = next(line for line in out.splitlines() if line.startswith("│ Intercom Fin"))
    assert "€0.9108 × 7,850 resolutions = €7,149.78 a month" in fin and "$" not in fin
    assert "Every amount in EUR at 0.92 per USD" in out


def test_a_baseline_is_kept_in_usd(here: Path) -> None:
    message = error("check", "--save-baseline", "b.json", "--currency", "EUR", "--fx", "0.9")
    assert "--save-baseline writes a baseline, and baselines are kept in USD" in message
    assert "needs --fx" in error("stack", "--currency", "EUR")
