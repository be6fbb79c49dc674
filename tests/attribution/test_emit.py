"""`attribute --emit-sql`: the script is the attribution's own SQL, and it runs unchanged.

The DuckDB script is run here in a fresh DuckDB; the Spark script in tests/attribution/
test_spark.py (it needs Java). Both must give the figures the attribution reports.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from tests.helpers import error, run

LINES = [
    # 2 tickets: T1 resolved (2 requests), T2 escalated (1 request)
    {"ticket_id": "T1", "timestamp": "2026-10-02T09:00:00Z", "model": "gpt-5.4-mini",
     "input_tokens": 1000, "output_tokens": 200, "outcome": "resolved", "intent": "billing"},
    {"ticket_id": "T1", "timestamp": "2026-10-02T09:01:00Z", "model": "gpt-5.4-mini",
     "input_tokens": 2000, "output_tokens": 100, "outcome": "resolved", "intent": "billing"},
    {"ticket_id": "T2", "timestamp": "2026-10-02T10:00:00Z", "model": "claude-haiku-4-5",
     "input_tokens": 500, "output_tokens": 50, "outcome": "escalated", "intent": "refund"},
]  # fmt: skip


def write_logs(tmp_path: Path) -> Path:
    path = tmp_path / "requests.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in LINES))
    return path


def statements(script: str) -> list[str]:
    return [s for s in script.split(";\n\n") if s.strip()]


def test_the_duckdb_script_runs_unchanged_and_gives_the_reported_figures(tmp_path):
    import duckdb

    script = run("attribute", str(write_logs(tmp_path)), "--emit-sql", "duckdb").stdout
    assert script.startswith("-- ticketcost attribute: the SQL run for ")
    con = duckdb.connect()
    for statement in statements(script):
        con.execute(statement)
    tickets, cost, resolved = con.execute(
        "SELECT count(*), sum(cost), count(*) FILTER (WHERE resolved) FROM tk"
    ).fetchone()
    # gpt-5.4-mini $0.75 in / $4.50 out per 1M: T1 = 3,000 x 0.75/1M + 300 x 4.50/1M
    #   = 0.00225 + 0.00135 = 0.0036; claude-haiku-4-5 $1 / $5: T2 = 500 x 1/1M + 50 x 5/1M
    #   = 0.0005 + 0.00025 = 0.00075; 0.00435 in all, over 1 resolved ticket
    assert (tickets, cost, resolved) == (2, Decimal("0.00435"), 1)
    # the percentiles hold for any rows: every ticket ranked in one query, not the bins of cost
    # this run found (their bounds and ranks are the sample's); p50 of 2 is rank 1, T2's
    last = statements(script)
    ranked = [s for s in last if "row_number() OVER (ORDER BY cost)" in s]
    assert len(ranked) == 1 and not any(" AS bin, " in s for s in last)
    p50 = con.execute(ranked[0]).fetchone()[0]
    assert p50 == Decimal("0.00075")


def test_the_spark_script_is_spark_sql(tmp_path):
    script = run("attribute", str(write_logs(tmp_path)), "--emit-sql", "spark").stdout
    assert "SET spark.sql.decimalOperations.allowPrecisionLoss = false;" in script
    assert "USING json OPTIONS (path " in script
    assert "CACHE TABLE tally AS SELECT" in script
    assert "GROUP BY GROUPING SETS ((ticket, " in script  # one pass over the logs
    assert "read_json" not in script  # DuckDB's readers never reach Spark


def test_spark_only_flags_are_refused_on_the_embedded_engine(tmp_path):
    logs = str(write_logs(tmp_path))
    assert "--table needs --engine spark" in error("attribute", "--table", "db.requests")
    assert "--spark-remote needs --engine spark" in error(
        "attribute", logs, "--spark-remote", "sc://localhost:15002"
    )
    assert "--glob (Spark reads patterns itself)" in error(
        "attribute", logs, "--glob", "--engine", "spark"
    )
    assert "no log file given" in error("attribute")


def test_the_script_holds_for_rows_other_than_the_sample(tmp_path):
    # made from LINES, run with its view pointed at more rows: T1's intent changes to "refund"
    # in a later request that failed. The script must not have kept what the sample showed (no
    # ticket with several values, no "error" status): T1 is one ticket, of its latest intent,
    # and the failed request is counted as an error
    import duckdb

    sample = write_logs(tmp_path)
    script = run("attribute", str(sample), "--emit-sql", "duckdb").stdout
    more = tmp_path / "more.jsonl"
    later = {**LINES[0], "timestamp": "2026-10-02T09:05:00Z", "intent": "refund", "status": "500"}
    more.write_text("".join(json.dumps(line) + "\n" for line in [*LINES, later]))
    con = duckdb.connect()
    for statement in statements(script.replace(str(sample), str(more))):
        con.execute(statement)
    tickets = con.execute("SELECT ticket_id, intent FROM tk ORDER BY 1").fetchall()
    assert tickets == [("T1", "refund"), ("T2", "refund")]
    statuses = "SELECT status, sum(requests) FROM tc WHERE problem IS NULL GROUP BY 1 ORDER BY 1"
    assert con.execute(statuses).fetchall() == [("error", 1), ("ok", 3)]
    # tickets with such a request: error T1; ok T1 and T2 (no status given is ok)
    flags = "SELECT count(*) FILTER (WHERE has_error), count(*) FILTER (WHERE has_ok) FROM tk"
    assert con.execute(flags).fetchall() == [(1, 2)]


def test_a_request_repeated_in_the_rows_but_not_the_sample_is_counted_once(tmp_path):
    # the sample's request ids are all different; the rows the script runs on log r1 twice, and
    # a request to a model the sample does not use (its prices are in the script all the same)
    import duckdb

    with_ids = [{**line, "request_id": f"r{i}"} for i, line in enumerate(LINES, 1)]
    sample = tmp_path / "sample.jsonl"
    sample.write_text("".join(json.dumps(line) + "\n" for line in with_ids))
    script = run("attribute", str(sample), "--emit-sql", "duckdb").stdout
    nano = {**with_ids[2], "ticket_id": "T3", "request_id": "r4", "model": "gpt-5.4-nano"}
    more = tmp_path / "more.jsonl"
    rows = [*with_ids, with_ids[0], nano]
    more.write_text("".join(json.dumps(line) + "\n" for line in rows))
    con = duckdb.connect()
    for statement in statements(script.replace(str(sample), str(more))):
        con.execute(statement)
    # $0.00435 as in the first test, the copy of r1 not counted again; T3 on gpt-5.4-nano
    # ($0.20 in, $1.25 out per 1M): 500 x 0.20/1M + 50 x 1.25/1M = 0.0001 + 0.0000625
    assert con.execute("SELECT sum(requests), sum(cost) FROM tk").fetchone() == (
        4,
        Decimal("0.0045125"),
    )
