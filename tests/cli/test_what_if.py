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
