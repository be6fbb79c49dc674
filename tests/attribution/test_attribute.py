"""ticketcost attribute: every figure checked against hand arithmetic on small logs.

Prices used (USD per 1M tokens, bundled tables):
  claude-haiku-4-5  in 1.00  out 5.00  cache read 0.10  cache write 1.25
  gpt-5.4-mini      in 0.75  out 4.50  cache read 0.075 (no write price: writes bill as input)

The four tickets of LOG (input_tokens include cache reads and writes):
  T1 acme/billing/v1, resolved
     r1 haiku: 2000 in of which 1500 cache write, 300 out
        500*1.00 + 1500*1.25 + 300*5.00 = 500 + 1875 + 1500 = 3875 µ$ -> $0.003875
     r2 haiku: 2600 in of which 1500 cache read, 250 out
        1100*1.00 + 1500*0.10 + 250*5.00 = 1100 + 150 + 1250 = 2500 µ$ -> $0.0025
     T1 = $0.006375
  T2 acme/refund/v1, escalated
     r1 mini error: 1000 in, 0 out -> 1000*0.75 = 750 µ$ -> $0.00075
     r2 mini retry: 1000 in, 200 out -> 750 + 200*4.50 = 750 + 900 -> $0.00165
     r3 mini ticket_draft: 1200 in, 400 out -> 900 + 1800 -> $0.0027
     T2 = 0.00075 + 0.00165 + 0.0027 = $0.0051
  T3 globex/billing/v2, abandoned
     r1 embedding, cost_usd 0.00002 given            -> $0.00002
     r2 haiku 800 in 100 out but cost_usd 0.0123 given -> $0.0123 (tokens would say $0.0013)
     T3 = $0.01232
  T4 globex/billing/v2, resolved
     r1 haiku 1000 in 200 out -> 1000 + 1000 µ$ -> $0.002
     r2 acme-support-ft-v3 (no price) 500 in 50 out -> unpriced, not in any cost
     T4 = $0.002
  Total = 0.006375 + 0.0051 + 0.01232 + 0.002 = $0.025795; resolved T1, T4 -> 2 tickets
  Cost per resolved ticket = 0.025795 / 2 = $0.0128975
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from helpers import as_json, error, examples, run
from hypothesis import given, settings
from hypothesis import strategies as st

from ticketcost import money
from ticketcost.attribution import Options, attribute, find_sources, resolve_log_model
from ticketcost.attribution.fields import FieldChoice, Preset
from ticketcost.errors import TicketcostError
from ticketcost.pricing.table import bundled_prices

D = Decimal
HAIKU, MINI = "claude-haiku-4-5", "gpt-5.4-mini"


def req(ticket: str, model: str | None, inp: int | None, out: int | None, **extra: Any) -> dict:
    t1 = {"tenant": "acme", "intent": "billing", "prompt_version": "v1", "outcome": "resolved"}
    t2 = {"tenant": "acme", "intent": "refund", "prompt_version": "v1", "outcome": "escalated"}
    t3 = {"tenant": "globex", "intent": "billing", "prompt_version": "v2", "outcome": "abandoned"}
    t4 = {"tenant": "globex", "intent": "billing", "prompt_version": "v2", "outcome": "resolved"}
    base = {"T1": t1, "T2": t2, "T3": t3, "T4": t4}.get(ticket, {})
    record = {"ticket_id": ticket, **base, "endpoint": "support.reply", "model": model}
    if inp is not None:
        record["input_tokens"] = inp
    if out is not None:
        record["output_tokens"] = out
    return record | extra


LOG = [
    req("T1", HAIKU, 2000, 300, cache_write_tokens=1500, timestamp="2026-11-01T10:00:00Z"),
    req("T1", HAIKU, 2600, 250, cache_read_tokens=1500, timestamp="2026-11-01T10:01:00Z"),
    req("T2", MINI, 1000, 0, status="error"),
    req("T2", MINI, 1000, 200, status="retry"),
    req("T2", MINI, 1200, 400, endpoint="support.ticket_draft"),
    req("T3", "text-embedding-3-small", 1000, 0, cost_usd=0.00002, endpoint="support.retrieval"),
    req("T3", HAIKU, 800, 100, cost_usd="0.0123"),
    req("T4", HAIKU, 1000, 200),
    req("T4", "acme-support-ft-v3", 500, 50),
]
TICKET_COST = {"T1": D("0.006375"), "T2": D("0.0051"), "T3": D("0.01232"), "T4": D("0.002")}
TOTAL = D("0.025795")


def write_jsonl(path: Path, records: list[dict], extra_lines: tuple[str, ...] = ()) -> Path:
    lines = [json.dumps(r) for r in records] + list(extra_lines)
    path.write_text("\n".join(lines) + "\n")
    return path


def write_csv(path: Path, records: list[dict]) -> Path:
    import csv

    names = list(dict.fromkeys(k for r in records for k in r))
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, names)
        writer.writeheader()
        writer.writerows(records)
    return path


def write_parquet(path: Path, records: list[dict]) -> Path:
    import duckdb

    staging = write_jsonl(path.with_suffix(".staging.jsonl"), records)
    duckdb.sql(f"COPY (SELECT * FROM read_json('{staging}')) TO '{path}' (FORMAT parquet)")
    staging.unlink()
    return path


def run_core(paths: list[Path], **options: Any) -> Any:
    fields = options.pop("fields", FieldChoice())
    return attribute(find_sources(paths, None), bundled_prices(), Options(fields, **options))


@pytest.fixture
def log(tmp_path: Path) -> Path:
    return write_jsonl(tmp_path / "requests.jsonl", LOG)


# ---------------------------------------------------------------------------------------- core


def test_totals_and_cost_per_resolved_ticket(log: Path) -> None:
    result = run_core([log])
    assert result.cost_usd == TOTAL
    assert result.tickets == 4 and result.resolved == 2
    assert result.requests == 9  # the unpriced request is a request, not a cost
    assert result.cost_per_resolved_usd == D("0.0128975")  # 0.025795 / 2
    assert result.mean_ticket_usd == D("0.00644875")  # 0.025795 / 4


def test_retries_and_errors_are_in_the_cost_and_their_share(log: Path) -> None:
    result = run_core([log])
    statuses = {g.values[0]: g for g in result.statuses}
    assert statuses["error"].cost_usd == D("0.00075")
    assert statuses["retry"].cost_usd == D("0.00165")
    # ok = total - error - retry = 0.025795 - 0.0024
    assert statuses["ok"].cost_usd == D("0.023395")
    assert result.failed_cost_usd == D("0.0024")
    assert statuses["retry"].share == money.divide(D("0.00165"), TOTAL)


def test_unresolved_tickets_count_in_cost_not_in_the_denominator(log: Path) -> None:
    result = run_core([log])
    outcomes = {g.values[0]: g for g in result.outcomes}
    assert outcomes["escalated"].cost_usd == D("0.0051")
    assert outcomes["abandoned"].cost_usd == D("0.01232")
    assert outcomes["escalated"].resolved == 0
    # Counting deflected-style outcomes as resolved too changes only the denominator:
    also = run_core([log], resolved_outcomes=("resolved", "abandoned"))
    assert also.resolved == 3 and also.cost_usd == TOTAL
    assert also.cost_per_resolved_usd == money.divide(TOTAL, D(3))


def test_cost_usd_is_taken_as_given(log: Path) -> None:
    result = run_core([log])
    top = {t.ticket_id: t.cost_usd for t in result.top_tickets}
    assert top == TICKET_COST
    assert result.given_requests == 2
    assert result.given_cost_usd == D("0.01232")  # 0.00002 + 0.0123


def test_unpriced_models_are_listed_never_priced_as_zero(log: Path) -> None:
    result = run_core([log])
    assert [(u.model, u.requests, u.input_tokens, u.output_tokens) for u in result.unpriced] == [
        ("acme-support-ft-v3", 1, 500, 50)
    ]
    assert result.unpriced_tickets == 1
    priced = {p.log_name: (p.price.id, p.requests) for p in result.priced_models}
    # haiku priced: T1 r1, T1 r2, T4 r1; T3 r2 carries its own cost_usd and is not priced
    assert priced == {HAIKU: (HAIKU, 3), MINI: (MINI, 3)}


def test_groups_by_intent_with_no_resolved_ticket_shown_as_none(log: Path) -> None:
    result = run_core([log], by=(("intent",),))
    groups = {g.values: g for g in result.groups[("intent",)]}
    billing = groups[("billing",)]
    # T1 + T3 + T4 = 0.006375 + 0.01232 + 0.002 = 0.020695 over 2 resolved
    assert billing.cost_usd == D("0.020695") and billing.resolved == 2
    assert billing.cost_per_resolved_usd == D("0.0103475")
    refund = groups[("refund",)]
    assert refund.cost_usd == D("0.0051") and refund.cost_per_resolved_usd is None


def test_combined_and_request_level_groups(log: Path) -> None:
    result = run_core([log], by=(("intent", "tenant"), ("model",)))
    combo = {g.values: g.cost_usd for g in result.groups[("intent", "tenant")]}
    assert combo == {
        ("billing", "acme"): D("0.006375"),
        ("billing", "globex"): D("0.01432"),  # T3 + T4
        ("refund", "acme"): D("0.0051"),
    }
    models = {g.values[0]: g for g in result.groups[("model",)]}
    # haiku: T1 0.006375 + T3's given 0.0123 + T4 0.002 = 0.020675, in 3 tickets, 2 resolved
    assert models[HAIKU].cost_usd == D("0.020675")
    assert (models[HAIKU].tickets, models[HAIKU].resolved) == (3, 2)
    assert models["acme-support-ft-v3"].cost_usd == 0 and models["acme-support-ft-v3"].unpriced == 1
    assert sum(g.cost_usd for g in result.groups[("model",)]) == TOTAL


def test_prompt_versions_and_change(log: Path) -> None:
    result = run_core([log])
    v1, v2 = result.versions
    assert v1.group.values == ("v1",) and v1.group.cost_usd == D("0.011475")  # T1 + T2
    assert v1.group.cost_per_resolved_usd == D("0.011475")  # 1 resolved (T1)
    assert v2.group.cost_per_resolved_usd == D("0.01432")  # T3 + T4, 1 resolved (T4)
    assert v2.change_usd == D("0.002845")  # 0.01432 - 0.011475
    assert v2.change_ratio == money.divide(D("0.002845"), D("0.011475"))
    assert v1.change_usd is None


def test_percentiles_top_tickets_and_tenants(log: Path) -> None:
    result = run_core([log], top=2)
    # Sorted ticket costs 0.002, 0.0051, 0.006375, 0.01232; nearest rank ceil(q*n):
    # p50 -> 2nd, p95 and p99 -> 4th.
    assert result.percentiles == {
        "p50": D("0.0051"),
        "p95": D("0.01232"),
        "p99": D("0.01232"),
        "max": D("0.01232"),
    }
    assert [t.ticket_id for t in result.top_tickets] == ["T3", "T1"]
    tenants = [(g.values[0], g.cost_usd, g.share) for g in result.top_tenants]
    # globex T3 + T4 = 0.01432, acme T1 + T2 = 0.011475
    assert tenants == [
        ("globex", D("0.01432"), money.divide(D("0.01432"), TOTAL)),
        ("acme", D("0.011475"), money.divide(D("0.011475"), TOTAL)),
    ]


def test_mixed_formats_give_the_same_figures(tmp_path: Path) -> None:
    a = write_jsonl(tmp_path / "a.jsonl", LOG[:3])
    b = write_csv(tmp_path / "b.csv", LOG[3:6])
    c = write_parquet(tmp_path / "c.parquet", LOG[6:])
    result = run_core([a, b, c])
    assert result.cost_usd == TOTAL and result.resolved == 2
    assert {t.ticket_id: t.cost_usd for t in result.top_tickets} == TICKET_COST
    assert [(f.format, f.requests) for f in result.files] == [
        ("jsonl", 3),
        ("csv", 3),
        ("parquet", 3),
    ]


def test_outcomes_file_wins_over_the_column(tmp_path: Path, log: Path) -> None:
    outcomes = tmp_path / "outcomes.csv"
    outcomes.write_text("ticket_id,outcome\nT2,resolved\nT3,resolved\nT9,resolved\nT2,Resolved\n")
    result = run_core([log], outcomes_file=outcomes)
    # T1 and T4 keep their column outcome; T2 and T3 become resolved: 4 resolved
    assert result.resolved == 4
    assert result.cost_per_resolved_usd == money.divide(TOTAL, D(4))
    assert result.outcomes_without_requests == 1  # T9


def test_bad_lines_are_skipped_counted_and_located(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "bad.jsonl",
        LOG,
        (
            "",  # line 10: blank, not a record
            json.dumps(req("T5", MINI, -5, 1)),  # line 11
            '{"ticket_id": "T6", "model": ',  # line 12
            json.dumps(req("", MINI, 5, 1)),  # line 13: empty ticket id
            json.dumps(req("T7", MINI, 12.5, 1)),  # line 14
            json.dumps(req("T8", MINI, "many", 1)),  # line 15
            json.dumps(req("T9", MINI, 10, 1, cost_usd="free")),  # line 16
        ),
    )
    result = run_core([path])
    assert result.cost_usd == TOTAL  # nothing of the bad lines counted
    assert result.skipped == 6
    assert [(b.line, b.reason) for b in result.bad_lines][:5] == [
        (11, "input_tokens is negative (got -5)"),
        (12, "malformed JSON"),
        (13, "no ticket_id"),
        (14, "input_tokens is not a whole number (got 12.5)"),
        (15, "input_tokens is not a whole number (got many)"),
    ]
    reasons = dict(result.skipped_reasons)
    assert reasons["input_tokens is not a whole number"] == 2
    assert reasons["cost_usd is not a number"] == 1
    with pytest.raises(TicketcostError, match=r"6 bad lines .*bad.jsonl:11: input_tokens .*-5"):
        run_core([path], strict=True)


def test_csv_structure_errors_are_counted_with_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text(
        "ticket_id,model,input_tokens,output_tokens,outcome\n"
        "T1,gpt-5.4-mini,1000,200,resolved\n"  # 750 + 900 µ$ = $0.00165
        "T1,gpt-5.4-mini,1000\n"  # line 3: too few columns
        "T2,gpt-5.4-mini,-1,0,resolved\n"  # line 4
    )
    result = run_core([path])
    assert result.cost_usd == D("0.00165")
    assert [(b.line, b.reason) for b in result.bad_lines] == [
        (3, "CSV: missing columns"),
        (4, "input_tokens is negative (got -1)"),
    ]


def test_input_tokens_excluding_cache(tmp_path: Path) -> None:
    # Anthropic's own usage: input_tokens excludes cache. 500 fresh + 1500 write + 300 out is
    # T1's first request again: $0.003875.
    path = write_jsonl(tmp_path / "a.jsonl", [req("T1", HAIKU, 500, 300, cache_write_tokens=1500)])
    result = run_core([path], fields=FieldChoice(input_includes_cache=False))
    assert result.cost_usd == D("0.003875")
    # Read as "includes", 1500 written of 500 input is impossible: the line is skipped.
    with pytest.raises(TicketcostError, match=r"no usable request; 1 lines skipped.*exceed input"):
        run_core([path])


def test_log_model_names_resolve_with_prefix_and_date() -> None:
    table = bundled_prices()
    assert resolve_log_model(table, "openai/gpt-5.4-mini").id == MINI  # type: ignore[union-attr]
    assert resolve_log_model(table, "azure/gpt-5.4-mini").id == MINI  # type: ignore[union-attr]
    assert resolve_log_model(table, "gpt-5.4-mini-2026-03-17").id == MINI  # type: ignore[union-attr]
    assert resolve_log_model(table, "claude-haiku-4-5-20251001").id == HAIKU  # type: ignore[union-attr]
    assert resolve_log_model(table, "my-own-model") is None


def test_status_synonyms_and_case(tmp_path: Path) -> None:
    records = [
        req("T1", MINI, 1000, 0, status="FAILURE"),
        req("T1", MINI, 1000, 0, status="success"),
    ]
    result = run_core([write_jsonl(tmp_path / "s.jsonl", records)])
    assert {g.values[0]: g.cost_usd for g in result.statuses} == {
        "error": D("0.00075"),
        "ok": D("0.00075"),
    }


def test_otel_preset_reads_span_attributes(tmp_path: Path) -> None:
    spans = [
        {
            "name": "chat gpt-5.4-mini",
            "attributes": {
                "gen_ai.conversation.id": "T1",
                "gen_ai.request.model": "gpt-5.4-mini",
                "gen_ai.usage.input_tokens": 1000,
                "gen_ai.usage.output_tokens": 200,
                "gen_ai.usage.cache_read.input_tokens": 400,
                "intent": "billing",
                "outcome": "resolved",
            },
        }
    ]
    path = write_jsonl(tmp_path / "spans.jsonl", spans)
    result = run_core([path], fields=FieldChoice(Preset.OTEL))
    # 600 fresh * 0.75 + 400 read * 0.075 + 200 out * 4.50 = 450 + 30 + 900 µ$ = $0.00138
    assert result.cost_usd == D("0.00138") and result.resolved == 1
    assert result.groups == {}


def test_litellm_preset_reads_spend_logs_csv(tmp_path: Path) -> None:
    path = tmp_path / "spend.csv"
    metadata = json.dumps(
        {
            "spend_logs_metadata": {"intent": "billing", "outcome": "resolved"},
            "additional_usage_values": {"cache_read_input_tokens": 400},
        }
    ).replace('"', '""')
    path.write_text(
        "request_id,session_id,model,prompt_tokens,completion_tokens,spend,status,team_id,metadata\n"
        f'r1,T1,gpt-5.4-mini,1000,200,,success,team-a,"{metadata}"\n'
        f'r2,T1,gpt-5.4-mini,1000,200,0.5,failure,team-a,"{metadata}"\n'
    )
    result = run_core([path], fields=FieldChoice(Preset.LITELLM), by=(("tenant",),))
    # r1 priced: 600*0.75 + 400*0.075 + 200*4.50 = $0.00138; r2 spend given: $0.5
    assert result.cost_usd == D("0.50138")
    assert {g.values[0] for g in result.statuses} == {"ok", "error"}
    assert result.groups[("tenant",)][0].values == ("team-a",)
    assert result.resolved == 1


def test_sql_sum_matches_python_to_the_last_digit(tmp_path: Path) -> None:
    """Many requests with awkward token counts: the DECIMAL sum equals Decimal arithmetic."""
    import random

    rng = random.Random(7)
    records = []
    expected = D(0)
    for i in range(3000):
        inp, out = rng.randrange(1, 200_000), rng.randrange(0, 5_000)
        read = rng.randrange(0, inp)
        records.append(req(f"T{i % 97}", HAIKU, inp, out, cache_read_tokens=read))
        # (fresh * 1.00 + read * 0.10 + out * 5.00) / 1e6
        expected += (D(inp - read) * D("1.00") + D(read) * D("0.10") + D(out) * D("5.00")) / D(
            1_000_000
        )
    result = run_core([write_jsonl(tmp_path / "many.jsonl", records)])
    assert result.cost_usd == expected


def test_find_sources_errors(tmp_path: Path) -> None:
    (tmp_path / "log.txt").write_text("x")
    with pytest.raises(TicketcostError, match=r"log.txt: cannot tell the format.*`input_format`"):
        find_sources([tmp_path / "log.txt"], None)
    with pytest.raises(TicketcostError, match=r"nope\.jsonl: no such file"):
        find_sources([tmp_path / "nope.jsonl"], None)


# ----------------------------------------------------------------------------------------- CLI


def test_cli_table_shows_headline_breakdowns_and_prices(log: Path) -> None:
    out = run("attribute", str(log)).stdout
    assert "Cost per resolved ticket: $0.0129 = $0.0258 for all 4 tickets / 2 resolved" in out
    assert "Failed attempts and repeats (error, retry, fallback requests): $0.0024" in out
    assert "Cost by intent" in out and "Cost by outcome" in out and "Prompt versions" in out
    assert "Unpriced requests" in out and "acme-support-ft-v3" in out
    assert "Prices used" in out and "2026-11-25" in out


def test_cli_json_is_exact_and_versioned(log: Path) -> None:
    data = as_json("attribute", str(log), "--by", "intent", "--by", "model,endpoint")
    assert data["schema_version"] == "1" and data["command"] == "attribute"
    totals = data["totals"]
    assert totals["cost_usd"] == TOTAL
    assert totals["cost_per_resolved_ticket_usd"] == D("0.0128975")
    refund = next(r for r in data["groups"][0]["rows"] if r["intent"] == "refund")
    assert refund["cost_per_resolved_ticket_usd"] is None  # null, not 0
    assert data["groups"][1]["by"] == ["model", "endpoint"]
    assert data["unpriced"][0]["model"] == "acme-support-ft-v3"
    assert data["prices"][0]["source"]


def test_cli_csv_and_markdown(log: Path) -> None:
    csv_text = run("attribute", str(log), "--format", "csv").stdout
    assert csv_text.splitlines()[0].startswith("intent,tickets,resolved,requests,cost_usd")
    assert "billing,3,2,6,0.020695" in csv_text
    markdown = run("attribute", str(log), "--format", "markdown").stdout
    assert "### Cost by intent" in markdown and "| billing |" in markdown


def test_cli_bad_input_is_one_line_exit_2(tmp_path: Path, log: Path) -> None:
    assert "unknown dimension 'intnet'" in error("attribute", str(log), "--by", "intnet")
    assert "unknown log field 'tiket_id' (did you mean ticket_id?)" in error(
        "attribute", str(log), "--field", "tiket_id=conv"
    )
    assert "no such file" in error("attribute", str(tmp_path / "missing.jsonl"))
    csv_path = tmp_path / "x.csv"
    csv_path.write_text("conversation,model\nc1,gpt-5.4-mini\n")
    message = error("attribute", str(csv_path))
    assert "no column for ticket_id (columns: conversation, model)" in message
    assert "no usable request" in error(
        "attribute", str(csv_path), "--field", "ticket_id=conversation"
    )


def test_cli_strict_exits_2(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "bad.jsonl", LOG, ("{oops",))
    assert "bad.jsonl:10: malformed JSON" in error("attribute", str(path), "--strict")


def test_cli_reads_the_logs_section_of_a_config(tmp_path: Path) -> None:
    path = tmp_path / "conv.jsonl"
    write_jsonl(path, [{"conversation": "C1", "llm": MINI, "in": 1000, "out": 200, "result": "ok"}])
    config = tmp_path / "ticketcost.yaml"
    config.write_text(
        "logs:\n"
        "  fields:\n"
        "    ticket_id: conversation\n"
        "    model: llm\n"
        "    input_tokens: in\n"
        "    output_tokens: out\n"
        "    outcome: result\n"
        "  resolved_outcomes: [ok]\n"
    )
    data = as_json("attribute", str(path), "-c", str(config))
    # 1000*0.75 + 200*4.50 = 1650 µ$ over 1 resolved ("ok" counts as resolved here)
    assert data["totals"]["cost_per_resolved_ticket_usd"] == D("0.00165")
    config.write_text("logs:\n  fields:\n    tiket_id: conversation\n")
    message = error("attribute", str(path), "-c", str(config))
    assert "ticketcost.yaml:3: logs.fields.tiket_id" in message and "ticket_id" in message


def test_attribute_help_has_examples() -> None:
    out = run("attribute", "--help").stdout
    assert "Examples:" in out and "--since" in out and "--strict" in out


def test_gzip_and_tsv_inputs(tmp_path: Path) -> None:
    import gzip

    plain = write_jsonl(tmp_path / "a.jsonl", LOG)
    packed = tmp_path / "a.jsonl.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    tsv = tmp_path / "b.tsv"
    tsv.write_text(
        "ticket_id\tmodel\tinput_tokens\toutput_tokens\tstatus\nT9\tgpt-5.4-mini\t1000\t0\tok\n"
    )
    result = run_core([packed, tsv])
    # LOG's total plus T9: 1000 * 0.75 = 750 µ$
    assert result.cost_usd == TOTAL + D("0.00075")
    assert [f.format for f in result.files] == ["jsonl", "csv"]


def test_user_price_file_prices_the_unpriced_model(tmp_path: Path, log: Path, price_file) -> None:
    prices = price_file(
        "  - id: acme-support-ft-v3\n"
        "    name: Our fine-tune\n"
        "    input_usd_per_mtok: 2\n"
        "    output_usd_per_mtok: 8\n"
        "    cache_read_usd_per_mtok: null\n"
        "    cache_write_usd_per_mtok: null\n"
    )
    data = as_json("attribute", str(log), "--pricing", str(prices))
    # T4's r2 now costs 500 * 2 + 50 * 8 = 1400 µ$
    assert data["totals"]["cost_usd"] == TOTAL + D("0.0014")
    assert data["unpriced"] == []
    origins = {p["priced_as"]: p["origin"] for p in data["prices"]}
    assert origins["acme-support-ft-v3"] == str(prices)


def test_progress_is_reported_to_the_callback(log: Path, tmp_path: Path) -> None:
    seen: list[float] = []
    attribute(find_sources([log], None), bundled_prices(), Options(FieldChoice()), seen.append)
    assert seen[0] == 0.0 and seen[-1] == 1.0 and all(0 <= f <= 1 for f in seen)
    # a name the price table spells another way: a second pass, which starts from 0 again
    routed = write_jsonl(tmp_path / "routed.jsonl", [req("T1", "openai/" + MINI, 1000, 10)])
    seen.clear()
    attribute(find_sources([routed], None), bundled_prices(), Options(FieldChoice()), seen.append)
    ends = [i for i, f in enumerate(seen) if f == 1.0]
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen[ends[0] + 1] == 0.0


def test_a_ticket_with_several_values_takes_its_latest(tmp_path: Path) -> None:
    records = [
        req(
            "T1", MINI, 1000, 0, intent="billing", outcome="escalated", timestamp="2026-11-01T10:00"
        ),
        req("T1", MINI, 1000, 0, intent="refund", outcome="resolved", timestamp="2026-11-01T10:05"),
        req("T1", MINI, 1000, 0, intent=None, outcome=None, timestamp="2026-11-01T10:09"),
    ]
    result = run_core([write_jsonl(tmp_path / "t.jsonl", records)])
    assert [g.values for g in result.outcomes] == [("resolved",)]
    assert result.multi_valued["intent"] == 1 and result.multi_valued["outcome"] == 1
    assert result.multi_valued["tenant"] == 0  # one tenant (acme) throughout
    assert [t.intent for t in result.top_tickets] == ["refund"]


# A plain-Python oracle for the property test below: the same rules, written the obvious way.
RATES = {  # USD per 1M tokens: input, output, cache read, cache write
    HAIKU: (D("1.00"), D("5.00"), D("0.10"), D("1.25")),
    MINI: (D("0.75"), D("4.50"), D("0.075"), D("0.75")),  # no write price: billed as input
}


def oracle(records: list[dict]) -> tuple[dict[str, D], D, int, set[str]]:
    """Cost per ticket, total, unpriced requests, and the tickets with a price for something
    (a request with no tokens costs $0 and needs no price; a ticket whose every request is
    unpriced is never counted as resolved)."""
    tickets: dict[str, D] = {}
    unpriced = 0
    priced: set[str] = set()
    for r in records:
        if r.get("cost_usd") is None and r["input_tokens"] + r["output_tokens"] == 0:
            cost = D(0)
        elif r.get("cost_usd") is not None:
            cost = D(str(r["cost_usd"]))
        elif r["model"] in RATES:
            inp, out, read_rate, write_rate = RATES[r["model"]]
            read, write = r.get("cache_read_tokens", 0), r.get("cache_write_tokens", 0)
            fresh = r["input_tokens"] - read - write
            cost = fresh * inp + r["output_tokens"] * out + read * read_rate + write * write_rate
            cost /= D(1_000_000)
        else:
            unpriced += 1
            cost = D(0)
            tickets[r["ticket_id"]] = tickets.get(r["ticket_id"], D(0)) + cost
            continue
        priced.add(r["ticket_id"])
        tickets[r["ticket_id"]] = tickets.get(r["ticket_id"], D(0)) + cost
    return tickets, sum(tickets.values(), D(0)), unpriced, priced


@st.composite
def request_logs(draw: Any) -> list[dict]:
    outcomes = {t: draw(st.sampled_from(["resolved", "escalated", None])) for t in "ABCD"}
    records = []
    for _ in range(draw(st.integers(1, 25))):
        ticket = draw(st.sampled_from("ABCD"))
        inp = draw(st.integers(0, 300_000))
        read = draw(st.integers(0, inp))
        write = draw(st.integers(0, inp - read))
        record = {
            "ticket_id": ticket,
            "model": draw(st.sampled_from([HAIKU, MINI, "no-such-model"])),
            "input_tokens": inp,
            "output_tokens": draw(st.integers(0, 10_000)),
            "cache_read_tokens": read,
            "cache_write_tokens": write,
            "status": draw(st.sampled_from(["ok", "error", "retry"])),
            "outcome": outcomes[ticket],
        }
        if draw(st.booleans()) and draw(st.booleans()):
            units = draw(st.integers(0, 10**8))
            record["cost_usd"] = str(D(units).scaleb(-8))  # up to 8 decimal places, as text
        records.append(record)
    return records


@settings(max_examples=examples(25), deadline=None)
@given(request_logs())
def test_attribution_matches_a_plain_python_oracle(tmp_path_factory: Any, records: list) -> None:
    path = write_jsonl(tmp_path_factory.mktemp("logs") / "r.jsonl", records)
    tickets, total, unpriced, priced = oracle(records)
    result = run_core([path], top=10)
    assert result.cost_usd == total
    assert {t.ticket_id: t.cost_usd for t in result.top_tickets} == tickets
    assert result.unpriced_requests == unpriced
    resolved = {r["ticket_id"] for r in records if r["outcome"] == "resolved"} & priced
    assert result.resolved == len(resolved)
    expected = money.divide(total, D(len(resolved))) if resolved else None
    assert result.cost_per_resolved_usd == expected


def test_bad_lines_are_listed_file_by_file_in_the_order_given(tmp_path: Path) -> None:
    later = write_jsonl(tmp_path / "z.jsonl", LOG[:2], ("{broken", "{broken"))  # lines 3, 4
    first = write_jsonl(tmp_path / "a.jsonl", LOG[2:], ("{broken",))  # line 8
    result = run_core([later, first])
    assert [(Path(b.file).name, b.line) for b in result.bad_lines] == [
        ("z.jsonl", 3),
        ("z.jsonl", 4),
        ("a.jsonl", 8),
    ]
    assert result.cost_usd == TOTAL and [f.skipped for f in result.files] == [2, 1]


def test_a_long_request_is_priced_at_the_tier_it_reaches(tmp_path: Path) -> None:
    records = [
        # claude-sonnet-4-5 bills requests above 200,000 input tokens at $6 in / $22.50 out:
        # 250,000 * 6 + 100 * 22.50 = 1,500,000 + 2,250 µ$ = $1.50225
        req("T1", "claude-sonnet-4-5", 250_000, 100),
        # gpt-5.4's tier starts above 272,000: 250,000 * 2.50 + 100 * 15 = 625,000 + 1,500 µ$
        req("T2", "gpt-5.4", 250_000, 100),
        # and below 200,000 Sonnet 4.5 is at $3 / $15: 1,000 * 3 + 100 * 15 = 4,500 µ$
        req("T3", "claude-sonnet-4-5", 1_000, 100),
    ]
    result = run_core([write_jsonl(tmp_path / "long.jsonl", records)])
    costs = {t.ticket_id: t.cost_usd for t in result.top_tickets}
    assert costs == {"T1": D("1.50225"), "T2": D("0.6265"), "T3": D("0.0045")}
    assert result.long_context == [("claude-sonnet-4-5", 200_000, 1)]


def test_requests_are_priced_at_the_prices_of_their_date(tmp_path: Path) -> None:
    # claude-sonnet-4-6 had a 200K long-context tier ($6 in / $22.50 out) until 2026-03-13, when
    # it became flat-priced at $3 / $15 (recorded history in pricing/anthropic.yaml)
    records = [
        req("T1", "claude-sonnet-4-6", 250_000, 100, timestamp="2026-02-01T09:00:00Z"),
        req("T2", "claude-sonnet-4-6", 250_000, 100, timestamp="2026-04-01T09:00:00Z"),
        req("T3", "claude-sonnet-4-6", 250_000, 100),  # no date: today's prices
    ]
    result = run_core([write_jsonl(tmp_path / "dated.jsonl", records)])
    costs = {t.ticket_id: t.cost_usd for t in result.top_tickets}
    # T1: 250,000 * 6 + 100 * 22.50 = 1,502,250 µ$; T2, T3: 250,000 * 3 + 100 * 15 = 751,500 µ$
    assert costs == {"T1": D("1.50225"), "T2": D("0.7515"), "T3": D("0.7515")}
    assert result.earlier_prices == [("claude-sonnet-4-6", None, 1)]


def test_queue_and_endpoint_group_the_cost_when_a_breakdown_asks(tmp_path: Path) -> None:
    # the report shows how the file maps them either way; asked for, they group the cost (the
    # tally keeps them only then). gpt-5.4-mini $0.75 in, $4.50 out:
    # T1 1,000 x 0.75/1M + 100 x 4.50/1M = 0.00075 + 0.00045 = 0.0012; T2 2,000 x 0.75/1M = 0.0015
    records = [
        req("T1", MINI, 1000, 100, queue="billing", endpoint="chat"),
        req("T2", MINI, 2000, 0, queue="orders", endpoint="embed"),
    ]
    log = str(write_jsonl(tmp_path / "qe.jsonl", records))
    plain = as_json("attribute", log)
    assert plain["fields"][0]["paths"]["queue"] == ["queue"]
    assert plain["fields"][0]["paths"]["endpoint"] == ["endpoint"]
    assert plain["totals"]["cost_usd"] == D("0.0027")
    asked = as_json("attribute", log, "--by", "queue", "--by", "endpoint")
    found = {
        tuple(g["by"]): {r[g["by"][0]]: r["cost_usd"] for r in g["rows"]} for g in asked["groups"]
    }
    assert found == {
        ("queue",): {"billing": D("0.0012"), "orders": D("0.0015")},
        ("endpoint",): {"chat": D("0.0012"), "embed": D("0.0015")},
    }
