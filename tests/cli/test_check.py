"""check, diff, baselines, GitHub Actions conventions, and the documented CI workflows."""

from __future__ import annotations

import json
import re
import shlex
from decimal import Decimal as D
from pathlib import Path

import pytest
import yaml
from helpers import ROOT, as_json, error, run

BASE = """\
volume: 1000
intents:
  - name: a
    share: 0.5
    model: gpt-5.4-nano
  - name: b
    share: 0.5
    model: claude-haiku-4-5
"""
# Month: 500 x $0.0026 (nano) + 500 x $0.01175 (Haiku) = $1.30 + $5.875 = $7.175; nothing
# escalates, so $7.175 / 1,000 = $0.007175 per resolved ticket.

BUDGETS = """\
budgets:
  cost_per_resolved_ticket:
    max: 0.008
    warn: 0.007
  monthly_spend:
    max: 7
  intents:
    b:
      max: 0.02
  increase:
    max_percent: 10
"""


@pytest.fixture
def here(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    return tmp_path


def test_passing_budgets_exit_0(here):
    (here / "ticketcost.yaml").write_text(BASE + BUDGETS.replace("max: 7\n", "max: 8\n"))
    out = run("check").stdout  # exit code 0 checked by run()
    # $0.007175 per resolved ticket is above the $0.007 warning level, below the $0.008 max
    assert "PASS with warnings: 1 of 3 budgets past their warning level" in out
    assert "skipped" in out  # the increase budget, without a baseline


def test_a_breach_exits_1_naming_budget_actual_and_limit(here):
    (here / "ticketcost.yaml").write_text(BASE + BUDGETS)
    out = run("check", code=1).stdout
    assert "FAIL: 1 of 3 budgets exceeded: Monthly spend $7.175 > max $7.00" in out
    data = json.loads(run("check", "--format", "json", code=1).stdout, parse_float=D)
    assert data["schema_version"] == "1" and data["verdict"] == "breach" and data["exit_code"] == 1
    monthly = next(b for b in data["budgets"] if b["key"] == "monthly_spend")
    assert (monthly["limit"], monthly["actual"], monthly["headroom"]) == (
        7,
        D("7.175"),
        D("-0.175"),
    )
    assert monthly["status"] == "breach"
    intent_b = next(b for b in data["budgets"] if b["key"] == "intent:b")
    assert intent_b["actual"] == D("0.01175") and intent_b["status"] == "ok"


def test_increase_budget_against_a_baseline(here):
    (here / "ticketcost.yaml").write_text(BASE + BUDGETS.replace("max: 7\n", "max: 8\n"))
    run("check", "--save-baseline", "main.json")
    # this branch routes intent a to gpt-5.4-mini: 500 x $0.0095625 = $4.78125 instead of $1.30,
    # so the month is $4.78125 + $5.875 = $10.65625 and $0.01065625 per resolved ticket,
    # up $0.00348125 = 48.52% on $0.007175
    (here / "ticketcost.yaml").write_text(
        (BASE + BUDGETS.replace("max: 7\n", "max: 20\n")).replace("gpt-5.4-nano", "gpt-5.4-mini")
    )
    data = json.loads(
        run("check", "--baseline", "main.json", "-f", "json", code=1).stdout, parse_float=D
    )
    rise = next(b for b in data["budgets"] if b["key"] == "increase_percent")
    assert rise["status"] == "breach"
    assert rise["actual"].quantize(D("0.01")) == D("48.52")
    assert data["baseline"]["per_resolved"]["change_usd"] == D("0.00348125")
    md = run("check", "--baseline", "main.json", "--format", "markdown", code=1).stdout
    assert md.startswith("**FAIL:")
    assert "### Budgets" in md and "### Cost-stack lines that changed" in md
    assert "| Model API | changed | $7.175 | $10.66 | +$3.481 | +48.52% |" in md


def test_diff_names_a_price_change_a_token_change_and_a_new_integration_in_dollars(here):
    (here / "old.yaml").write_text(BASE)
    # the report a main branch would save
    (here / "old.json").write_text(run("stack", "-c", "old.yaml", "--format", "json").stdout)
    new = (
        BASE.replace(
            "model: claude-haiku-4-5\n",
            "model: claude-haiku-4-5\n    conversation:\n      user_tokens: 250\n",
        )
        + "integrations:\n  - {name: sms, calls_per_ticket: 1, usd_per_call: 0.01}\n"
    )
    (here / "new.yaml").write_text(new)
    (here / "prices.yaml").write_text(
        "provider: openai\nprovider_name: OpenAI\nsource: negotiated\nverified: 2026-11-01\n"
        "models:\n  - id: gpt-5.4-nano\n    name: GPT-5.4 nano\n    input_usd_per_mtok: 0.40\n"
        "    output_usd_per_mtok: 1.25\n    cache_read_usd_per_mtok: 0.02\n"
        "    cache_write_usd_per_mtok: null\n"
    )
    data = as_json("diff", "old.json", "new.yaml", "--pricing", "prices.yaml")
    lines = {line["key"]: line for line in data["lines"]}
    # a: nano input $0.20 -> $0.40: 6,750 x $0.20/M more = +$0.00135 a ticket x 500 = +$0.675
    # b: user tokens 150 -> 250 adds 100 x (1+...+5) = 1,500 input tokens at $1/M = +$0.0015
    #    a ticket x 500 = +$0.75
    assert lines["model"]["change_usd"] == D("1.425")  # 0.675 + 0.75
    # the new integration: 1,000 tickets x 1 call x $0.01 = $10.00 a month
    assert lines["integration:sms"]["status"] == "added"
    assert lines["integration:sms"]["change_usd"] == 10
    why = {i["name"]: i["why"] for i in data["intents"]}
    assert "gpt-5.4-nano input price $0.20/1M → $0.40/1M" in why["a"]
    assert "input tokens per ticket 6,750 → 8,250" in why["b"]
    out = run("diff", "old.json", "new.yaml", "--pricing", "prices.yaml").stdout
    assert "Integration: sms" in out and "added" in out and "+$10.00" in out


def test_diff_of_two_identical_configs_shows_no_change(here):
    (here / "a.yaml").write_text(BASE)
    (here / "b.yaml").write_text(BASE)
    data = as_json("diff", "a.yaml", "b.yaml")
    assert all(line["status"] == "same" for line in data["lines"])
    assert data["per_resolved"]["change_usd"] == 0


@pytest.mark.parametrize(
    ("budgets", "expected"),
    [
        ("budgets:\n  monthly_spend:\n    max: -1\n", "budgets.monthly_spend.max: Input should be"),
        (
            "budgets:\n  monthly_spend:\n    max: 5\n    warn: 6\n",
            "budgets.monthly_spend: warn (6) must not be above max (5)",
        ),
        ("budgets:\n  monthly_spnd:\n    max: 5\n", "did you mean monthly_spend?"),
        ("budgets:\n  increase: {}\n", "give max_percent and/or max_usd"),
        (
            "budgets:\n  intents:\n    c:\n      max: 1\n",
            "budgets.intents.c: no intent is called 'c'; the intents are a, b",
        ),
    ],
)
def test_malformed_budget_exits_2(here, budgets, expected):
    (here / "ticketcost.yaml").write_text(BASE + budgets)
    assert expected in error("check")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("not json", "base.json: not JSON"),
        ("[1, 2]", "expected a JSON object"),
        ('{"schema_version": "1", "command": "stack"}', "not a complete ticketcost report"),
        ('{"schema_version": "9"}', 'schema_version "1"'),
    ],
)
def test_bad_baseline_exits_2(here, content, expected):
    (here / "ticketcost.yaml").write_text(BASE)
    (here / "base.json").write_text(content)
    assert expected in error("check", "--baseline", "base.json")


@pytest.mark.parametrize("command", ["stack", "compare", "check"])
def test_any_report_with_a_stack_serves_as_a_baseline(here, command):
    (here / "ticketcost.yaml").write_text(BASE)
    (here / "saved.json").write_text(run(command, "--format", "json").stdout)
    data = as_json("diff", "saved.json", "ticketcost.yaml")
    assert data["per_resolved"]["status"] == "same"
    assert data["per_resolved"]["old_usd"] == D("0.007175")


def test_missing_baseline_file(here):
    (here / "ticketcost.yaml").write_text(BASE)
    assert "nope.json: report not found" in error("check", "--baseline", "nope.json")


def test_github_step_summary_and_annotations(here, monkeypatch):
    (here / "ticketcost.yaml").write_text(BASE + BUDGETS)
    summary = here / "summary.md"
    summary.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result = run("check", code=1)
    text = summary.read_text()
    assert text.startswith("earlier step\n**FAIL:")  # appended, not overwritten
    assert "### Budgets" in text
    # BASE has 8 lines, so budgets: is line 9, cost_per_resolved_ticket line 10, monthly_spend 13
    assert (
        "::error file=ticketcost.yaml,line=13,title=ticketcost budget::Monthly spend: $7.175 is "
        "above the max $7.00" in result.stderr
    )
    assert (
        "::warning file=ticketcost.yaml,line=10,title=ticketcost budget::Cost per resolved "
        "ticket: $0.007175 is above the warning level $0.007" in result.stderr
    )


def test_no_budgets_is_a_pass_that_says_so(here):
    (here / "ticketcost.yaml").write_text(BASE)
    assert "No budgets set in the config" in run("check").stdout


def test_check_and_diff_have_help_with_examples():
    for command in ("check", "diff"):
        out = run(command, "--help").stdout
        assert "Examples" in out and f"ticketcost {command}" in out
    assert "Exit codes: 0" in run("check", "--help").stdout


# ------------------------------------------------------------------ the documented CI workflows


def gitlab_commands() -> list[str]:
    """The shell lines of the GitLab job in docs/ci.md (the GitHub Action is run step by step in
    tests/test_action.py)."""
    text = (ROOT / "docs" / "ci.md").read_text()
    for block in re.findall(r"```yaml\n(.*?)```", text, re.S):
        data = yaml.safe_load(block)
        if isinstance(data, dict) and "ticketcost" in data:
            return data["ticketcost"]["script"]
    raise AssertionError("no GitLab job in docs/ci.md")


def test_documented_gitlab_job_runs_against_local_files(here):
    main_config = BASE + BUDGETS.replace("max: 7\n", "max: 20\n")
    branch_config = main_config.replace("gpt-5.4-nano", "gpt-5.4-mini")  # +48.5%: breaks 10%
    (here / "support.yaml").write_text(branch_config)
    ran = []
    for line in gitlab_commands():
        if line.startswith("git show"):  # the target branch's config, here a local file
            target = line.split(">")[-1].strip()
            (here / target).write_text(main_config)
            continue
        if not line.startswith("ticketcost "):
            continue  # installing, fetching
        words = shlex.split(line)
        output = None
        if ">" in words:
            output = words[words.index(">") + 1]
            words = words[: words.index(">")]
        result = run(*words[1:], code=1 if words[1] == "check" else 0)
        if output:
            (here / output).write_text(result.stdout)
        ran.append(words[1])
    assert ran == ["diff", "check"]
    comment = (here / "ticketcost-check.md").read_text()
    # $0.01065625 per resolved ticket breaks the $0.008 ceiling, and the 48.52% rise the 10% limit
    assert comment.startswith(
        "**FAIL: 2 of 4 budgets exceeded: Cost per resolved ticket $0.01066 > max $0.008 "
        "(and 1 more)"
    )
    assert "| Rise in cost per resolved ticket | 10.00% | — | 48.52% |" in comment
