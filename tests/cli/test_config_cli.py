"""init, stack and compare through the real CLI, and every kind of bad config."""

from __future__ import annotations

import json
import tomllib
from decimal import Decimal as D
from pathlib import Path

import pytest
import yaml
from helpers import error, run

from ticketcost.costs.starter import STARTER_YAML, starter_data

# 1,000 tickets x $0.0026 (gpt-5.4-nano) + $797.40 hosting = $800 a month; 800 resolved
# -> exactly $1.00 per resolved ticket
ONE_DOLLAR = (  # all-in: every part of the stack given (zeros said out loud)
    "volume: 1000\n"
    "intents:\n"
    "  - {name: all, share: 1, model: gpt-5.4-nano, escalation_rate: 0.2}\n"
    "human: {hourly_usd: 60, escalation_minutes: 1, review_rate: 0}\n"
    "observability: {per_ticket_usd: 0}\n"
    "infrastructure:\n"
    "  - {name: hosting, monthly_usd: 597.4}\n"
)

MINIMAL = """\
volume: 1000
intents:
  - name: all
    share: 1
    model: gpt-5.4-nano
"""


@pytest.fixture
def here(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


# ------------------------------------------------------------------------------------------ init


def test_init_writes_a_commented_yaml_starter_that_compare_uses_straight_away(here):
    result = run("init")
    assert "Wrote ticketcost.yaml" in result.stderr
    text = (here / "ticketcost.yaml").read_text()
    assert text == STARTER_YAML
    # every field is explained where it first appears: a comment on its line or just above
    lines = text.splitlines()
    seen: set[str] = set()
    for number, line in enumerate(lines):
        body = line.split("#")[0].strip().removeprefix("- ")
        if line.lstrip().startswith("#") or ":" not in body:
            continue
        field = body.split(":")[0]
        if field not in seen:
            seen.add(field)
            assert "#" in line or lines[number - 1].lstrip().startswith("#"), line
    assert {"volume", "escalation_rate", "review_minutes", "monthly_usd"} <= seen
    out = run("compare").stdout
    assert "per resolved ticket" in out and "Klarna" in out and "Sierra" in out


def test_init_starter_models_four_intents_on_suitable_tiers(here):
    data = starter_data()
    intents = {i["name"]: i for i in data["intents"]}
    assert list(intents) == ["password_reset", "general_question", "billing", "complaint"]
    assert sum(i["share"] for i in intents.values()) == 1
    rates = [intents[n]["escalation_rate"] for n in intents]
    assert rates == sorted(rates)  # harder intents escalate more


def test_init_toml_gives_the_same_stack_as_yaml(here):
    run("init", "--format", "toml")
    assert tomllib.loads((here / "ticketcost.toml").read_text(), parse_float=D)["volume"] == 10000
    run("init")
    from_toml = json.loads(run("stack", "-c", "ticketcost.toml", "-f", "json").stdout)
    from_yaml = json.loads(run("stack", "-c", "ticketcost.yaml", "-f", "json").stdout)
    assert from_toml == from_yaml


def test_init_refuses_to_overwrite_without_force(here):
    (here / "ticketcost.yaml").write_text("keep me")
    assert "ticketcost.yaml already exists; pass --force" in error("init")
    assert (here / "ticketcost.yaml").read_text() == "keep me"
    run("init", "--force")
    assert (here / "ticketcost.yaml").read_text() == STARTER_YAML


# ----------------------------------------------------------------------------------------- stack


def test_stack_of_a_minimal_config(here):
    (here / "ticketcost.yaml").write_text(MINIMAL)
    data = json.loads(run("stack", "--format", "json").stdout, parse_float=D)
    assert data["schema_version"] == "1"
    # 1,000 standard tickets on gpt-5.4-nano at $0.0026 each
    assert data["total"]["monthly_usd"] == D("2.6")
    assert data["total"]["per_ticket_usd"] == D("0.0026")
    assert data["visible_api"]["share"] == 1
    assert data["intents"][0]["model"] == "gpt-5.4-nano"


def test_stack_table_shows_every_component_chart_and_intents(here):
    run("init")
    out = run("stack").stdout
    for text in (
        "All-in:",
        "Model API",
        "Retried model calls",
        "Embedding lookups",
        "Vector database",
        "Human review",
        "Escalated tickets",
        "Observability",
        "Integration: crm_lookup",
        "Infrastructure: app_hosting",
        "Where the money goes",
        "By intent",
        "█",
    ):
        assert text in out, text


def test_stack_csv_and_markdown(here):
    run("init")
    rows = run("stack", "--format", "csv").stdout.splitlines()
    assert rows[0].startswith("component,category,monthly_usd,per_ticket_usd,per_resolved_usd")
    assert rows[-1].startswith("Total,")
    md = run("stack", "--format", "markdown").stdout
    assert "### Cost stack, per month" in md and "### By intent" in md and "```" in md


def test_config_from_pyproject(here):
    (here / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.ticketcost]\nvolume = 100\n\n'
        '[[tool.ticketcost.intents]]\nname = "all"\nshare = 1\nmodel = "gpt-5.4-nano"\n'
    )
    data = json.loads(run("stack", "-f", "json").stdout, parse_float=D)
    assert data["total"]["monthly_usd"] == D("0.26")  # 100 x $0.0026


# --------------------------------------------------------------------------------------- compare


def test_compare_ratios_and_savings(here):
    (here / "ticketcost.yaml").write_text(ONE_DOLLAR)
    data = json.loads(run("compare", "-f", "json").stdout, parse_float=D)
    # total = 1,000 x $0.0026 + 200 escalations x 1 min x $1/min + $597.40 = $800;
    # resolved 800 -> $1.00 per resolved ticket
    assert data["ours"]["per_resolved_usd"] == D("1")
    rows = {row["id"]: row for row in data["benchmarks"]}
    assert rows["sierra"]["ratio"] == D("0.6666666666666666666666666666666666666667")
    assert rows["intercom-fin"]["ratio"] == D("1.010101010101010101010101010101010101010")
    mid_market = rows["human-mid-market"]  # $8.00 per resolution
    assert mid_market["saving_per_ticket_usd"] == [D("7"), D("7")]
    assert mid_market["saving_per_month_usd"] == [D("5600"), D("5600")]  # $7 x 800
    fully = rows["human-fully-resolved"]  # $9-$14
    assert fully["saving_per_month_usd"] == [D("6400"), D("10400")]
    assert rows["klarna"]["differences"] == [
        "quoted per conversation; ours is per resolved ticket",
        "what it includes is not disclosed",
    ]
    assert rows["sierra"]["differences"] == []
    assert rows["klarna"]["source_date"] == "2026-05-02"
    assert rows["sierra"]["saving_per_ticket_usd"] is None
    # priced at your volume: per resolution × 800 resolutions, per conversation × 1,000 tickets
    assert rows["intercom-fin"]["at_your_volume"] == {
        "monthly_usd": D("792"),  # 0.99 × 800
        "count": D("800"),
        "per": "resolutions",
    }
    assert rows["klarna"]["at_your_volume"]["monthly_usd"] == D("190")  # 0.19 × 1,000
    out = run("compare").stdout
    assert "$0.99 × 800 resolutions = $792.00 a month" in out


def test_compare_table_flags_unlike_rows(here):
    (here / "ticketcost.yaml").write_text(MINIMAL)
    out = run("compare").stdout
    klarna = next(line for line in out.splitlines() if line.startswith("│ Klarna"))
    assert "quoted per conversation" in klarna
    assert "Cost per ticket (range midpoints)" in out


def test_user_benchmarks_from_config_and_file(here):
    (here / "ticketcost.yaml").write_text(
        MINIMAL
        + "benchmarks:\n"
        + "  - {id: ours-2025, name: Our team 2025, category: human, usd: 6.4, unit: resolution,\n"
        + "     includes: all_in, source: FY2025 review, source_date: 2026-01-15}\n"
    )
    (here / "more.yaml").write_text(
        "benchmarks:\n"
        "  - {id: sierra, name: Sierra (our quote), category: ai_agent, usd: 1.2,\n"
        "     unit: resolution, includes: all_in, source: sales call, source_date: null}\n"
    )
    data = json.loads(run("compare", "--benchmarks", "more.yaml", "-f", "json").stdout)
    names = {row["id"]: row["name"] for row in data["benchmarks"]}
    assert names["ours-2025"] == "Our team 2025"
    assert names["sierra"] == "Sierra (our quote)"  # a user's file replaces a bundled entry


def test_bad_benchmark_file(here):
    (here / "ticketcost.yaml").write_text(MINIMAL)
    (here / "b.yaml").write_text(
        "benchmarks:\n  - id: x\n    name: X\n    category: ai_agent\n    low_usd: 3\n"
        "    high_usd: 2\n    unit: resolution\n    includes: all_in\n    source: s\n"
        "    source_date: null\n"
    )
    message = error("compare", "--benchmarks", "b.yaml")
    assert "b.yaml:2: benchmarks[0](x): low_usd 3 is above high_usd 2" in message


# ------------------------------------------------------------------------------------ bad input


def write(here: Path, text: str, name: str = "ticketcost.yaml") -> None:
    (here / name).write_text(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # wrong type
        (MINIMAL.replace("1000", "lots"), "ticketcost.yaml:1: volume: must be a number, not text"),
        # negative cost
        (
            MINIMAL + "observability:\n  monthly_usd: -5\n",
            "ticketcost.yaml:7: observability.monthly_usd: Input should be greater than or equal "
            "to 0 (got -5)",
        ),
        # shares not summing to 1
        (
            MINIMAL.replace("share: 1", "share: 0.6")
            + "  - {name: other, share: 0.3, model: gpt-5.4-mini}\n",
            "ticketcost.yaml:2: intents: intent shares must sum to 1; they sum to 0.9 "
            "(all 0.6, other 0.3)",
        ),
        # unknown model, with a suggestion
        (
            MINIMAL.replace("gpt-5.4-nano", "gpt-5.4-nanp"),
            "ticketcost.yaml:5: intents[0](all).model: unknown model 'gpt-5.4-nanp'; "
            "did you mean gpt-5.4-nano",
        ),
        # a misspelt key is not ignored
        (
            MINIMAL + "    escalaton_rate: 0.2\n",
            "ticketcost.yaml:6: intents[0](all).escalaton_rate: unknown field; did you mean "
            "escalation_rate?",
        ),
        # rate outside [0, 1]
        (
            MINIMAL + "    escalation_rate: 1.5\n",
            "intents[0](all).escalation_rate: Input should be less than or equal to 1",
        ),
        # review time but no labour rate
        (
            MINIMAL + "human:\n  review_rate: 0.1\n  review_minutes: 2\n",
            "human needs hourly_usd, or annual_cost_usd with productive_hours_per_year",
        ),
        ("", "ticketcost.yaml: the config is empty"),
        ("# only a comment\n", "ticketcost.yaml: the config is empty"),
        ("volume: [1, 2\n", "ticketcost.yaml:2: invalid YAML"),
        ("- a list\n", "ticketcost.yaml: a config is a mapping"),
        (
            MINIMAL.replace("intents:", "intents: []\nx:"),
            "unknown field",
        ),
        (
            "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
            + "".join(
                f"{k}: &{k} [{', '.join([f'*{p}'] * 10)}]\n"
                for p, k in zip("abcdefg", "bcdefgh", strict=True)
            ),
            "values through aliases; refusing it",
        ),
    ],
)
def test_bad_config_is_one_line_exit_2(here, text, expected):
    write(here, text)
    assert expected in error("stack")


def test_bad_toml(here):
    write(here, "volume = 10\n[[intents]]\nname = \n", "ticketcost.toml")
    message = error("stack")
    assert message.startswith("Error: ticketcost.toml:3: invalid TOML:")


def test_toml_errors_name_the_line(here):
    write(
        here,
        'volume = 10\n\n[[intents]]\nname = "a"\nshare = 1\nmodel = "gpt-5.4-nano"\n'
        "escalaton_rate = 0.1\n",
        "ticketcost.toml",
    )
    assert "ticketcost.toml:7: intents[0](a).escalaton_rate: unknown field" in error("stack")


def test_no_config_found_says_where_it_looked(here):
    message = error("stack")
    assert f"no config found in {here}" in message
    assert "ticketcost.yaml, ticketcost.yml, ticketcost.toml" in message
    assert "run 'ticketcost init'" in message


def test_missing_explicit_config(here):
    assert "nope.yaml: config file not found" in error("compare", "-c", "nope.yaml")


def test_every_new_command_has_help_with_examples():
    for command in ("init", "stack", "compare"):
        out = run(command, "--help").stdout
        assert "Examples" in out and f"ticketcost {command}" in out


def test_bundled_benchmarks_cover_the_reference_points():
    from ticketcost.costs.benchmarks import bundled_benchmarks

    by_id = {b.id: b for b in bundled_benchmarks()}
    assert by_id["klarna"].usd == D("0.19")
    assert by_id["intercom-fin"].usd == D("0.99")
    assert by_id["sierra"].usd == D("1.50")
    assert by_id["human-entry-level-us"].usd == D("2.78")
    assert (by_id["human-fully-resolved"].low, by_id["human-fully-resolved"].high) == (9, 14)
    assert by_id["human-mid-market"].usd == 8
    assert (by_id["human-healthcare-finserv"].low, by_id["human-healthcare-finserv"].high) == (
        6,
        10,
    )
    assert (by_id["decagon"].low, by_id["decagon"].high) == (D("1.5"), D("2.5"))
    assert by_id["devin"].usd == D("2.25")
    for benchmark in by_id.values():
        assert benchmark.source and benchmark.unit and benchmark.includes


def test_starter_yaml_is_plain_safe_yaml():
    assert yaml.safe_load(STARTER_YAML)["volume"] == 10000


def test_compare_csv_has_exact_numbers_not_display_text(here):
    (here / "ticketcost.yaml").write_text(ONE_DOLLAR)
    import csv
    import io

    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(run("compare", "-f", "csv").stdout))}
    # $1.00 per resolved ticket (see test_compare_ratios_and_savings) against $9-$14, x 800
    fully = rows["human-fully-resolved"]
    assert (fully["saving_per_month_low_usd"], fully["saving_per_month_high_usd"]) == (
        "6400",
        "10400",
    )
    assert "figure" not in fully and "$" not in fully["low_usd"]


# The smallest config a newcomer writes: no people, no tooling, no infrastructure.
NOT_ALL_IN = """\
volume: 50000
intents:
  - {name: all, share: 1, model: gpt-5.4-mini, escalation_rate: 0.4}
"""


def test_a_figure_that_is_not_all_in_says_so_and_what_it_leaves_out(here):
    (here / "ticketcost.yaml").write_text(NOT_ALL_IN)
    data = json.loads(run("stack", "-f", "json").stdout, parse_float=D)
    assert data["complete"] is False
    assert [m["key"] for m in data["missing"]] == [
        "human_escalations",
        "human_review",
        "observability",
        "infrastructure",
    ]
    out = run("stack").stdout
    assert out.startswith("Not all-in: ") and "(leaves out human time on escalations, " in out
    assert "Not in the figure: human time on escalations; add human.hourly_usd" in out


def test_compare_claims_no_saving_when_escalations_cost_nothing(here):
    (here / "ticketcost.yaml").write_text(NOT_ALL_IN)
    data = json.loads(run("compare", "-f", "json").stdout, parse_float=D)
    assert data["ours"]["complete"] is False
    rows = {row["id"]: row for row in data["benchmarks"]}
    # 20,000 escalated tickets cost nothing here: no saving against people is claimed
    people = rows["human-mid-market"]
    assert people["saving_per_ticket_usd"] is None and people["saving_per_month_usd"] is None
    said = "no saving claimed: yours leaves out human time on escalations"
    assert said in people["differences"]
    assert "labour only; ours is AI cost, not all-in" in rows["human-entry-level-us"]["differences"]
    fin = rows["intercom-fin"]["differences"]
    assert fin == [
        "it includes what yours leaves out (human time on escalations, human review of AI "
        "answers, observability (logging, tracing), fixed infrastructure (hosting, licences, "
        "staff time))"
    ]
    out = run("compare").stdout
    assert "per resolved ticket, not all-in" in out and "no saving claimed" in out


def test_zeros_said_out_loud_make_the_figure_all_in(here):
    (here / "ticketcost.yaml").write_text(
        NOT_ALL_IN
        + "human: {hourly_usd: 30, escalation_minutes: 10, review_rate: 0}\n"
        + "observability: {}\n"
        + "infrastructure: []\n"
    )
    data = json.loads(run("stack", "-f", "json").stdout, parse_float=D)
    assert data["complete"] is True and data["missing"] == []
    assert run("stack").stdout.startswith("All-in: ")


def test_an_intent_may_give_its_resolution_rate(here):
    (here / "ticketcost.yaml").write_text(
        NOT_ALL_IN.replace("escalation_rate: 0.4", "resolution_rate: 0.785")
    )
    data = json.loads(run("stack", "-f", "json").stdout, parse_float=D)
    # 50,000 tickets, 78.5% resolved by the AI: 39,250 resolved and 10,750 escalated
    assert data["intents"][0]["escalation_rate"] == D("0.215")
    assert data["tickets_resolved"] == D("39250") and data["tickets_escalated"] == D("10750")


def test_an_intent_gives_one_rate_not_both(here):
    (here / "ticketcost.yaml").write_text(
        NOT_ALL_IN.replace("escalation_rate: 0.4", "escalation_rate: 0.4, resolution_rate: 0.6")
    )
    message = error("stack")
    assert "ticketcost.yaml" in message and "escalation_rate or resolution_rate" in message
