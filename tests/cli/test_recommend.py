"""`ticketcost recommend`: which model for which intent, all-in per resolved ticket."""

from __future__ import annotations

import json
from decimal import Decimal as D
from pathlib import Path

import pytest
from helpers import as_json, error, run

from ticketcost import money

# The worked example: 10,000 tickets, one intent, 5 turns of 500 system + 150 user + 200
# assistant tokens, no cache; people at $30/h and 10 minutes an escalation: $5 an escalation.
EXAMPLE = """\
volume: 10000
intents:
  - name: support
    share: 1
    model: gpt-5.4-nano
    escalation_rate: 0.4
    conversation: {turns: 5, system_tokens: 500, user_tokens: 150, assistant_tokens: 200}
    candidates:
      - {model: claude-sonnet-4-6, escalation_rate: 0.2}
human: {hourly_usd: 30, escalation_minutes: 10}
"""


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ticketcost.yaml").write_text(EXAMPLE)
    return tmp_path


def test_the_dearer_model_that_resolves_more_wins(here: Path) -> None:
    data = as_json("recommend")
    (intent,) = data["intents"]
    options = {o["model"]: o for o in intent["options"]}
    nano, sonnet = options["gpt-5.4-nano"], options["claude-sonnet-4-6"]
    # gpt-5.4-nano: $0.0026 a conversation + 40% x $5 = $2.0026 a ticket; / 60% resolved
    assert nano["all_in_usd_per_ticket"] == D("2.0026")
    assert nano["all_in_usd_per_resolved"] == money.divide(D("2.0026"), D("0.6"))  # $3.3377
    # claude-sonnet-4-6: $0.03525 + 20% x $5 = $1.03525 a ticket; / 80% = $1.2940625
    assert sonnet["all_in_usd_per_ticket"] == D("1.03525")
    assert sonnet["all_in_usd_per_resolved"] == D("1.2940625")
    assert intent["recommended"] == "claude-sonnet-4-6" and intent["current"] == "gpt-5.4-nano"
    # 10,000 tickets x ($2.0026 - $1.03525) = $9,673.50 a month
    assert intent["saving_monthly_usd"] == D("9673.5")
    out = run("recommend").stdout
    assert out.startswith("support: claude-sonnet-4-6 instead of gpt-5.4-nano saves $9,673.50")


def test_escalation_measured_in_the_logs_replaces_the_configured_rate(here: Path) -> None:
    # 10 tickets on gpt-5.4-nano, 6 escalated (60%); 4 on claude-sonnet-4-6, 1 escalated (25%)
    lines = []
    for n in range(14):
        model = "gpt-5.4-nano" if n < 10 else "claude-sonnet-4-6"
        escalated = n < 6 or n == 10
        lines.append(
            {"ticket_id": f"T{n}", "intent": "support", "model": model, "input_tokens": 100,
             "output_tokens": 10, "outcome": "escalated" if escalated else "resolved"}
        )  # fmt: skip
    logs = here / "requests.jsonl"
    logs.write_text("".join(json.dumps(line) + "\n" for line in lines))
    data = as_json("recommend", "--logs", str(logs))
    options = {o["model"]: o for o in data["intents"][0]["options"]}
    nano, sonnet = options["gpt-5.4-nano"], options["claude-sonnet-4-6"]
    assert nano["escalation_rate"] == D("0.6") and nano["escalation_rate_measured"] is True
    assert sonnet["escalation_rate"] == D("0.25") and sonnet["escalation_rate_measured"] is True
    # nano: $0.0026 + 60% x $5 = $3.0026 / 40% = $7.5065; sonnet: $0.03525 + 25% x $5 =
    # $1.28525 / 75% = $1.713666...
    assert nano["all_in_usd_per_resolved"] == D("7.5065")
    assert sonnet["all_in_usd_per_resolved"] == money.divide(D("1.28525"), D("0.75"))


def test_an_intent_with_no_candidates_keeps_its_model(here: Path) -> None:
    (here / "ticketcost.yaml").write_text(EXAMPLE.split("    candidates:")[0] + "human: {}\n")
    data = as_json("recommend")
    assert data["intents"][0]["recommended"] == "gpt-5.4-nano"
    assert data["intents"][0]["saving_monthly_usd"] == 0
    assert run("recommend").stdout.startswith("support: keep gpt-5.4-nano")


def test_an_unknown_candidate_model_is_named_with_its_line(here: Path) -> None:
    (here / "ticketcost.yaml").write_text(EXAMPLE.replace("claude-sonnet-4-6", "gpt-99"))
    message = error("recommend")
    assert "ticketcost.yaml:9" in message and "intents[0](support).candidates[0].model" in message
    assert "unknown model 'gpt-99'" in message
