"""The two engines on the same logs: every figure of the attribution equal, DuckDB and Spark.

Runs with pyspark (extra ``spark``) and Java 17 or later; without them it is skipped with the
reason (in CI, TICKETCOST_REQUIRE_SPARK=1 turns the skip into a failure). With
TICKETCOST_SPARK_CONNECT=sc://HOST:PORT the comparison also runs through Spark Connect; with
TICKETCOST_SPARK_CONNECT=start (as .ci/run sets) the test starts the Spark Connect server that
ships with pyspark, on a free port, and stops it after. The fixture exercises
what the one query definition has to carry to both engines: cache reads and writes, a 1-hour
cache write, long-context tiers, Batch and flex service tiers, time-of-day prices, a price
change between the requests' dates, given costs, a model with no price, a repeated request id,
failed and retried requests, bad lines, and tickets whose intent changes.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from ticketcost.attribution.engine import attribute
from ticketcost.attribution.sources import build_options, find_sources
from ticketcost.attribution.sql import MALFORMED
from ticketcost.pricing.table import price_table


def _spark_missing() -> str | None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (pip install 'ticketcost[spark]')"
    java = shutil.which("java")
    if java is None:
        return "no Java on PATH: local Spark needs Java 17 or later"
    shown = subprocess.run([java, "-version"], capture_output=True, text=True).stderr
    found = re.search(r'version "(\d+)', shown)
    if not found or int(found.group(1)) < 17:
        return f"Spark needs Java 17 or later; java -version says: {shown.splitlines()[0]}"
    return None


MISSING = _spark_missing()
if MISSING and os.environ.get("TICKETCOST_REQUIRE_SPARK"):
    raise RuntimeError(f"TICKETCOST_REQUIRE_SPARK is set but {MISSING}")
pytestmark = pytest.mark.skipif(MISSING is not None, reason=MISSING or "")


def _request(ticket: str, at: str, model: str, inp: int, out: int, **more: Any) -> dict[str, Any]:
    return {
        "ticket_id": ticket, "timestamp": at, "tenant": more.pop("tenant", "acme"),
        "intent": more.pop("intent", "billing"), "prompt_version": more.pop("version", "v1"),
        "model": model, "status": more.pop("status", "ok"), "outcome": more.pop("outcome", None),
        "input_tokens": inp, "output_tokens": out, **more,
    }  # fmt: skip


RECORDS = [
    # cache reads and writes; the ticket's intent changes (the latest wins)
    _request("T1", "2026-10-02T09:00:00Z", "claude-haiku-4-5", 1500, 200,
             cache_read_tokens=0, cache_write_tokens=1200, intent="other"),
    _request("T1", "2026-10-02T09:01:00Z", "claude-haiku-4-5", 1800, 250,
             cache_read_tokens=1200, cache_write_tokens=0, outcome="resolved"),
    # failed, then retried on another model
    _request("T2", "2026-10-03T12:00:00Z", "gpt-5.4-mini", 900, 0, status="429", tenant="globex"),
    _request("T2", "2026-10-03T12:00:05Z", "gpt-5.4-mini", 900, 150, status="retry",
             tenant="globex", intent="refund"),
    _request("T2", "2026-10-03T12:00:09Z", "claude-sonnet-4-6", 900, 180, tenant="globex",
             intent="refund", outcome="escalated", version="v2"),
    # a long-context request past the 200K tier
    _request("T3", "2026-10-04T08:00:00Z", "gemini-2.5-pro", 250_000, 1_000, outcome="resolved",
             intent="technical", version="v2"),
    # Batch and flex
    _request("T4", "2026-10-05T10:00:00Z", "gpt-5.4-mini", 10_000, 2_000, service_tier="batch",
             outcome="resolved"),
    _request("T4", "2026-10-05T10:05:00Z", "gpt-5.4-mini", 10_000, 2_000, service_tier="flex"),
    # time-of-day prices: one request in the peak window, one off-peak
    _request("T5", "2026-10-06T02:30:00Z", "deepseek-v4-flash", 40_000, 3_000, tenant="initech"),
    _request("T5", "2026-10-06T14:30:00Z", "deepseek-v4-flash", 40_000, 3_000, tenant="initech",
             outcome="resolved"),
    # a given cost (an embedding priced by the gateway), and a model with no price
    _request("T6", "2026-10-07T11:00:00Z", "text-embedding-3-small", 300, 0,
             cost_usd="0.000006"),
    _request("T6", "2026-10-07T11:00:02Z", "acme-support-ft-v3", 700, 90, outcome="resolved"),
    # the same request id twice (an export given twice)
    _request("T7", "2026-10-08T16:00:00Z", "gpt-5.4-mini", 2_000, 300, request_id="req-1",
             outcome="deflected"),
    _request("T7", "2026-10-08T16:00:00Z", "gpt-5.4-mini", 2_000, 300, request_id="req-1",
             outcome="deflected"),
    # a large given cost, repeated (one copy's cost is kept exactly, not divided in DOUBLE)
    _request("T10", "2026-10-05T09:00:00Z", "gpt-5.4-mini", 100, 10, request_id="req-2",
             cost_usd="12345.678901234567", outcome="escalated"),
    _request("T10", "2026-10-05T09:00:00Z", "gpt-5.4-mini", 100, 10, request_id="req-2",
             cost_usd="12345.678901234567", outcome="escalated"),
    # an undated request, and one a year earlier (older prices where recorded)
    _request("T8", "", "claude-haiku-4-5", 5_000, 500, outcome="resolved"),
    _request("T8", "2025-09-01T00:00:00Z", "gpt-4o", 5_000, 500, outcome="resolved"),
    # bad lines: negative tokens, no ticket id, tokens that are not a number
    _request("T9", "2026-10-09T00:00:00Z", "gpt-5.4-mini", -5, 10),
    _request(None, "2026-10-09T00:00:00Z", "gpt-5.4-mini", 50, 10),  # type: ignore[arg-type]
    _request("T9", "2026-10-09T00:00:00Z", "gpt-5.4-mini", "many", 10),  # type: ignore[arg-type]
]  # fmt: skip


def _write(tmp_path: Path, kind: str) -> Path:
    """The fixture as JSON Lines (one bad JSON line too), CSV or Parquet (written by DuckDB)."""
    import duckdb

    lines = tmp_path / "requests.jsonl"
    text = "\n".join(json.dumps({k: v for k, v in r.items() if v is not None}) for r in RECORDS)
    lines.write_text(text + "\n{not json\n\n")  # and a blank line, which is no line at all
    if kind == "jsonl":
        return lines
    target = tmp_path / f"requests.{kind}"
    columns = sorted({k for r in RECORDS for k in r})
    declared = ", ".join(f"'{c}': 'VARCHAR'" for c in columns)
    option = "(FORMAT parquet)" if kind == "parquet" else "(FORMAT csv, HEADER)"
    con = duckdb.connect()
    con.execute(
        f"COPY (SELECT * FROM read_json('{lines}', format='newline_delimited', "
        f"columns={{{declared}}}, ignore_errors=true)) TO '{target}' {option}"
    )
    return target


CONNECT = os.environ.get("TICKETCOST_SPARK_CONNECT")


def _both(path: Path, remote: str | None = None, **options: Any) -> tuple[Any, Any]:
    from ticketcost.attribution.spark import attribute_spark, spark_sources

    chosen = build_options(None, **options)
    prices = price_table()
    embedded = attribute(find_sources([path], None), prices, chosen)
    on_spark = attribute_spark(spark_sources([str(path)], [], None), prices, chosen, remote)
    return embedded, on_spark


def _comparable(result: Any) -> dict[str, Any]:
    found = dataclasses.asdict(result)
    # bad lines: Spark keeps no line order, so examples carry no line number there
    found["bad_lines"] = sorted((b.reason, b.file) for b in found["bad_lines"])
    return found


def _differing(embedded: Any, on_spark: Any) -> list[tuple[str, Any, Any]]:
    """Every figure the two results give differently: (field, embedded, Spark)."""
    left, right = _comparable(embedded), _comparable(on_spark)
    return [(k, left[k], right[k]) for k in left if left[k] != right[k]]


@pytest.mark.parametrize("kind", ["parquet", "jsonl", "csv"])
def test_every_figure_is_equal_on_duckdb_and_spark(tmp_path: Path, kind: str) -> None:
    path = _write(tmp_path, kind)
    embedded, on_spark = _both(path, by=("intent", "model", "tenant,outcome", "day"), top=20)
    assert _differing(embedded, on_spark) == []
    # and the figures are the ones the fixture should give, not merely the same on both:
    # 18 good requests read, two repeated ids (18 - 2 = 16 requests), 3 bad lines and the line
    # that is no JSON (an empty row in the CSV and Parquet copies): 4 skipped
    assert embedded.requests == 16
    assert embedded.skipped == 4
    assert embedded.duplicates.requests == 2
    # T6's embedding at its given $0.000006 (its other request has no price, so T6 is priced
    # in part and still counts as resolved), and T10's request once: $12,345.678901234567
    assert embedded.given_cost_usd == Decimal("12345.678907234567")
    assert [u.model for u in embedded.unpriced] == ["acme-support-ft-v3"]
    # resolved: T1, T3, T4, T5, T6, T8 (T2 and T10 escalated, T7 deflected)
    assert embedded.resolved == 6
    assert embedded.tickets == 9
    # T5 on DeepSeek V4 Flash: 02:30 UTC is in the 01:00-04:00 peak window ($0.30 in, $1.20 out
    # per 1M), 14:30 off-peak ($0.15, $0.60): 40,000 x 0.30/1M + 3,000 x 1.20/1M = 0.0156, plus
    # 40,000 x 0.15/1M + 3,000 x 0.60/1M = 0.0078; 0.0234 in all
    five = next(t for t in embedded.top_tickets if t.ticket_id == "T5")
    assert five.cost_usd == Decimal("0.0234")
    assert embedded.time_of_day == [("deepseek-v4-flash", "01:00–04:00 UTC", 1)]


def test_integer_typed_parquet_is_read_as_numbers_alike_on_both_engines(tmp_path: Path) -> None:
    # token counts in BIGINT columns are checked as numbers, not through their text: the same
    # rows typed (a count that is no whole number becomes NULL in the copy) agree on both engines
    text = _write(tmp_path, "parquet")
    typed = tmp_path / "typed.parquet"
    import duckdb

    tokens = ("input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens")
    con = duckdb.connect()
    names = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM '{text}'").fetchall()]
    chosen = ", ".join(f"TRY_CAST({n} AS BIGINT) AS {n}" if n in tokens else n for n in names)
    con.execute(f"COPY (SELECT {chosen} FROM '{text}') TO '{typed}' (FORMAT parquet)")
    embedded, on_spark = _both(typed, top=20)
    assert _differing(embedded, on_spark) == []
    # the negative count is still refused, quoted as a number
    assert ("input_tokens is negative", 1) in embedded.skipped_reasons


def test_windows_and_time_breakdowns_are_equal_on_both_engines(tmp_path: Path) -> None:
    embedded, on_spark = _both(
        _write(tmp_path, "jsonl"),
        by=("week", "month", "prompt_version", "status", "queue,endpoint"),
        since="2026-10-03",
        until="2026-10-08T12:00:00",
    )
    assert _differing(embedded, on_spark) == []
    # T2 (Oct 3) to T7 (Oct 8 16:00 is past the window): T2, T3, T4, T5, T6, T10 = 3 + 1 + 2 + 2
    # + 2 + 1 (T10's two copies of one request)
    assert embedded.requests == 11
    # outside: T1's 2 (Oct 2), T7's request (Oct 8 16:00; its second copy is counted once, among
    # the duplicates) and T8's 2025 request; undated: T8's other one
    assert (embedded.window.outside, embedded.window.undated) == (4, 1)
    assert embedded.duplicates.requests == 2  # T7's and T10's second copies


def test_a_tickets_latest_request_is_found_by_its_instant_on_both_engines(tmp_path: Path) -> None:
    # the same instants written as fractions, offsets and epoch seconds (see test_billing.py):
    # T1's 12:00:00.5Z is after 12:00:00Z, T2's 13:00+02:00 before 12:00Z, T3's 1790000000
    # (2026-09-21) after 2026-01-01, and T4's two spellings of one instant tie (the
    # alphabetically last intent); T1's first time in RFC 3339's lower case
    times = [
        ("T1", "2026-11-01t12:00:00.5z", "billing"), ("T1", "2026-11-01T12:00:00Z", "refund"),
        ("T2", "2026-11-01T13:00:00+02:00", "refund"), ("T2", "2026-11-01T12:00:00Z", "billing"),
        ("T3", "2026-01-01T00:00:00Z", "refund"), ("T3", "1790000000", "billing"),
        ("T4", "2026-11-01T12:00:00+02:00", "billing"), ("T4", "2026-11-01T10:00:00Z", "refund"),
    ]  # fmt: skip
    path = tmp_path / "times.jsonl"
    path.write_text(
        "".join(json.dumps(_request(t, at, "gpt-5.4-mini", 100, 10, intent=i)) + "\n"
                for t, at, i in times)
    )  # fmt: skip
    embedded, on_spark = _both(path, by=("intent",))
    assert _differing(embedded, on_spark) == []
    assert {t.ticket_id: t.intent for t in on_spark.top_tickets} == {
        "T1": "billing", "T2": "billing", "T3": "billing", "T4": "refund",
    }  # fmt: skip


def _without_line_numbers(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_line_numbers(v) for k, v in value.items() if k != "line"}
    if isinstance(value, list):
        return [_without_line_numbers(v) for v in value]
    return value


@pytest.fixture(scope="module")
def connect_url(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The Spark Connect server to use: TICKETCOST_SPARK_CONNECT, or one started here."""
    import signal
    import socket
    import time

    if CONNECT is None:
        pytest.skip("TICKETCOST_SPARK_CONNECT is not set (sc://HOST:PORT, or start)")
    if CONNECT != "start":
        yield CONNECT
        return
    import pyspark

    home = Path(pyspark.__file__).parent
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    logs = tmp_path_factory.mktemp("spark-connect")
    env = {**os.environ, "SPARK_HOME": str(home), "SPARK_LOG_DIR": str(logs)}
    env["SPARK_PID_DIR"] = str(logs)
    server = subprocess.Popen(
        ["bash", str(home / "sbin" / "start-connect-server.sh"), "--wait", "--master",
         "local[2]", "--conf", f"spark.connect.grpc.binding.port={port}"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 180
        while True:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the Spark Connect server did not start (logs in {logs})")
            time.sleep(1)
        yield f"sc://localhost:{port}"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(60)


def test_the_cli_report_is_the_same_through_spark_connect(tmp_path: Path, connect_url: str) -> None:
    """Through the CLI, in a process of its own (a Python process holds either a local Spark
    session or a Spark Connect one): the JSON report equal to the embedded engine's."""
    import sys

    from tests.helpers import run as cli

    path = _write(tmp_path, "parquet")
    flags = ["--by", "intent", "--by", "tenant,outcome", "--format", "json"]
    embedded = json.loads(cli("attribute", str(path), *flags).stdout)
    done = subprocess.run(
        [sys.executable, "-m", "ticketcost", "attribute", str(path), *flags,
         "--engine", "spark", "--spark-remote", connect_url],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert _without_line_numbers(json.loads(done.stdout)) == _without_line_numbers(embedded)


LOGS = Path(__file__).parent / "logs"
# the other tools' formats, as their published schemas give them (see docs/log-formats.md and
# tests/attribution/test_formats.py for each fixture's source): what Spark reads
REAL_FORMATS = [
    "anthropic_batch_results.jsonl", "clickhouse_otel_traces.jsonl", "helicone_export.jsonl",
    "langfuse_observations_v2.jsonl", "litellm_spend_logs.csv", "litellm_spend_logs.jsonl",
    "openai_batch_output.jsonl", "openinference_spans.jsonl", "openllmetry_spans.jsonl",
    "otel_flattened.jsonl", "otel_sdk_spans.jsonl", "provider_responses_mixed.jsonl",
]  # fmt: skip


def test_every_real_log_format_gives_the_same_figures_on_spark() -> None:
    """Nested fields (LiteLLM's metadata, OpenTelemetry attributes, provider responses) are read
    by one parse of their JSON per line on DuckDB and by get_json_object on Spark."""
    differing = {}
    for name in REAL_FORMATS:
        embedded, on_spark = _both(LOGS / name, by=("intent", "model"))
        assert embedded.requests > 0, name
        differing[name] = [k for k, _, _ in _differing(embedded, on_spark)]
    assert differing == {name: [] for name in REAL_FORMATS}


def test_names_priced_in_a_second_pass_are_equal_on_both_engines(tmp_path: Path) -> None:
    # a gateway route and another case are not the price table's spelling: the tally runs again
    # with them (table tally_named) on both engines. gpt-5.4-mini: $0.75 in, $4.50 out per 1M:
    # 1,000 x 0.75 + 100 x 4.50 = 750 + 450 = 1,200 µ$ a request
    path = tmp_path / "names.jsonl"
    path.write_text(
        "".join(
            json.dumps({"ticket_id": f"T{i}", "model": name, "input_tokens": 1000,
                        "output_tokens": 100, "outcome": "resolved"}) + "\n"
            for i, name in enumerate(["gpt-5.4-mini", "openai/gpt-5.4-mini", "GPT-5.4-Mini"])
        )
    )  # fmt: skip
    embedded, on_spark = _both(path)
    assert _differing(embedded, on_spark) == []
    assert on_spark.cost_usd == Decimal("0.0036") and not on_spark.unpriced


def _mini(ticket: str, **values: Any) -> bytes:
    """A line of 100 input and 50 output tokens of gpt-5.4-mini ($0.75 in, $4.50 out per 1M):
    100 x 0.75 / 1e6 + 50 x 4.50 / 1e6 = $0.000075 + $0.000225 = $0.0003."""
    record = {"ticket_id": ticket, "model": "gpt-5.4-mini", "input_tokens": 100,
              "output_tokens": 50, "outcome": "resolved"} | values  # fmt: skip
    return json.dumps(record).encode() + b"\n"


# Lines as damaged exports have them, and what both engines must make of them
# (requests, skipped lines by reason, cost, resolved tickets)
DAMAGED = {
    # a lone "\r" inside a string (line 3: not JSON, a control character must be escaped) and
    # between two members (line 5: white space); Spark ended a line at it, by default, making
    # two bad halves of each. 8 good lines of $0.0003, T7's negative tokens skipped
    "cr.jsonl": (
        [_mini(f"T{i}") for i in (1, 2)]
        + [_mini("T3").replace(b'"gpt-5.4-mini"', b'"gpt-5.4\rmini"')]
        + [_mini("T4"), _mini("T5").replace(b', "model"', b',\r"model"'), _mini("T6")]
        + [_mini("T7", input_tokens=-2)] + [_mini(f"T{i}") for i in (8, 9, 10)],
        8, [("input_tokens is negative", 1), (MALFORMED, 1)], "0.0024", 8,
    ),
    # a NUL byte inside a string (line 2): not JSON on either engine (the embedded one refused
    # the whole file as UTF-16). 2 good lines of $0.0003
    "nul.jsonl": (
        [_mini("N1"), _mini("N2").replace(b'"resolved"', b'"res\x00olved"'), _mini("N3")],
        2, [(MALFORMED, 1)], "0.0006", 2,
    ),
    # rows with too many or too few columns (Spark filled or dropped values, unsaid): A2 and A6
    # too many (A6's quoted comma is no delimiter), A3 and A5 too few (A5's two quoted commas
    # neither); A4's empty outcome is a value, not a missing column. A1, A4, A7: 3 x $0.0003
    "columns.csv": (
        [b"ticket_id,model,input_tokens,output_tokens,outcome\n",
         b"A1,gpt-5.4-mini,100,50,resolved\n", b"A2,gpt-5.4-mini,100,50,resolved,extra\n",
         b"A3,gpt-5.4-mini,100,50\n", b"A4,gpt-5.4-mini,100,50,\n", b'A5,"x,y,z",100,50\n',
         b'A6,gpt-5.4-mini,100,50,"a,b",more\n', b"A7,gpt-5.4-mini,100,50,resolved\n"],
        3, [("CSV: missing columns", 2), ("CSV: too many columns", 2)], "0.0009", 2,
    ),
    # a quoted field that spans lines (a note, before the usage): Spark read each line as a row,
    # by default, giving B2's tokens to a ticket named 'line two"'. B1, B2, B3: 3 x $0.0003
    "spanning.csv": (
        [b"ticket_id,note,model,input_tokens,output_tokens,outcome\n",
         b"B1,plain,gpt-5.4-mini,100,50,resolved\n",
         b'B2,"line one\nline two",gpt-5.4-mini,100,50,resolved\n',
         b"B3,plain,gpt-5.4-mini,100,50,resolved\n"],
        3, [], "0.0009", 3,
    ),
    # the same in a TSV file: A2 one column too many, A3 two missing. A1 alone: $0.0003
    "columns.tsv": (
        [b"ticket_id\tmodel\tinput_tokens\toutput_tokens\toutcome\n",
         b"A1\tgpt-5.4-mini\t100\t50\tresolved\n", b"A2\tgpt-5.4-mini\t100\t50\tresolved\tx\n",
         b"A3\tgpt-5.4-mini\t100\n"],
        1, [("CSV: missing columns", 1), ("CSV: too many columns", 1)], "0.0003", 1,
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(DAMAGED))
def test_damaged_lines_are_skipped_alike_on_both_engines(tmp_path: Path, name: str) -> None:
    lines, requests, reasons, cost, resolved = DAMAGED[name]
    path = tmp_path / name
    path.write_bytes(b"".join(lines))
    embedded, on_spark = _both(path)
    assert _differing(embedded, on_spark) == []
    assert embedded.requests == requests
    assert embedded.skipped_reasons == reasons
    assert embedded.cost_usd == Decimal(cost)
    assert embedded.resolved == resolved


@pytest.mark.parametrize(
    ("name", "what"),
    [("otlp_file_exporter.jsonl", "OTLP span batches"),
     ("litellm_spend_logs_api.json", "a JSON array or document"),
     ("langfuse_traces.jsonl", "a Langfuse traces export")],
)  # fmt: skip
def test_what_only_the_embedded_engine_reads_is_refused_in_one_line(name: str, what: str) -> None:
    from tests.helpers import error

    said = error("attribute", str(LOGS / name), "--engine", "spark")
    assert f"{what} can be read by the embedded engine only (--engine duckdb)" in said


def test_spark_refuses_an_outcomes_file_in_one_line(tmp_path: Path) -> None:
    from ticketcost.attribution.spark import attribute_spark, spark_sources
    from ticketcost.errors import TicketcostError

    path = _write(tmp_path, "jsonl")
    outcomes = tmp_path / "outcomes.csv"
    outcomes.write_text("ticket_id,outcome\nT1,resolved\n")
    with pytest.raises(TicketcostError, match="outcomes file is read by the embedded engine"):
        attribute_spark(
            spark_sources([str(path)], [], None),
            price_table(),
            build_options(None, outcomes_file=outcomes),
        )


@pytest.mark.parametrize("kind", ["parquet", "jsonl", "csv"])
def test_the_emitted_spark_script_runs_unchanged_on_spark(tmp_path: Path, kind: str) -> None:
    from tests.helpers import run as cli
    from ticketcost.attribution.spark import session

    path = _write(tmp_path, kind)
    script = cli("attribute", str(path), "--emit-sql", "spark").stdout
    spark = session()
    for statement in [s for s in script.split(";\n\n") if s.strip()]:
        spark.sql(statement)
    found = spark.sql("SELECT count(*), sum(cost), count_if(resolved) FROM tk").collect()[0]
    embedded = attribute(find_sources([path], None), price_table(), build_options(None))
    assert tuple(found) == (embedded.tickets, embedded.cost_usd, embedded.resolved)
