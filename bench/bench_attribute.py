"""Time ``ticketcost attribute`` against a fair bare DuckDB query over the same log; print figures.

    python bench/bench_attribute.py                       # 1M lines (~360 MB), 5 interleaved rounds
    python bench/bench_attribute.py --parquet             # the same log as Parquet
    python bench/bench_attribute.py --lines 10000000 --rounds 1   # memory stays flat?
    python bench/bench_attribute.py --spark               # also --engine spark (local[*])
    python bench/bench_attribute.py --compare             # also pandas and plain Python, once

Every command runs in a fresh process (interpreter start and imports included, as a user sees it)
and the rounds are interleaved, so drift on a shared machine hits both sides alike. Peak memory is
each process's maximum resident set (os.wait4; for Spark, the Python driver's, not the JVM's).
The package is byte-compiled first, as pip installs it. The log comes from bench/make_logs.py
(deterministic) and is kept in --dir between runs; --parquet converts it once (typed columns).

The fair query (FAIR below) is what someone would write by hand for the same report: it reads the
fields ``attribute`` reads (bad values as NULL), prices each line with a join on the model, sums
per ticket (cost, requests, tenant, intent, prompt version, status, outcome, last timestamp),
then per intent with the resolved count and the p95 cost per ticket. It does none of the checks,
tiers, dates, variants or other breakdowns. The one-field GROUP BY is shown too: the least anyone
would run to group this file by ticket.
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

SCAN = """
fields = ("ticket_id", "timestamp", "tenant", "intent", "prompt_version", "model", "status",
          "outcome", "input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens",
          "cost_usd")
declared = ", ".join(f"'{f}': 'VARCHAR'" for f in fields)
source = sys.argv[1]
scan = (f"read_parquet('{source}')" if source.endswith(".parquet") else
        f"read_json('{source}', format='newline_delimited', columns={{{declared}}}, "
        "ignore_errors=true)")
"""

BARE = (
    "import sys, duckdb\n"
    + SCAN
    + 'duckdb.sql(f"SELECT ticket_id, count(*) FROM {scan} GROUP BY ticket_id").fetchall()\n'
)

FAIR_SQL = """
WITH lines AS (
  SELECT ticket_id, timestamp, tenant, intent, prompt_version, model, status, outcome,
         TRY_CAST(input_tokens AS BIGINT) AS i, TRY_CAST(output_tokens AS BIGINT) AS o,
         coalesce(TRY_CAST(cache_read_tokens AS BIGINT), 0) AS cr,
         coalesce(TRY_CAST(cache_write_tokens AS BIGINT), 0) AS cw,
         TRY_CAST(cost_usd AS DECIMAL(18,12)) AS c
  FROM {scan} WHERE ticket_id IS NOT NULL
), tickets AS (
  SELECT ticket_id, any_value(tenant) AS tenant, any_value(intent) AS intent,
         any_value(prompt_version) AS version, any_value(status) AS status,
         max(timestamp) AS last_ts, any_value(outcome) AS outcome, count(*) AS requests,
         sum(coalesce(c, (l.i - cr - cw) * p.i + cr * p.r + cw * p.w + l.o * p.o)) AS cost
  FROM lines l LEFT JOIN prices p USING (model) GROUP BY ticket_id
)
SELECT intent, count(*), count(*) FILTER (WHERE outcome = 'resolved'), sum(cost),
       quantile_disc(cost, 0.95)
FROM tickets GROUP BY intent
"""

FAIR = (
    "import sys, duckdb\n"
    + SCAN
    + """
from ticketcost.pricing.table import price_table
from ticketcost.attribution import resolve_log_model
con = duckdb.connect()
# (DuckDB's own memory limit: at 10M lines the any_value strings do not fit in 320 MB)
con.execute("SET preserve_insertion_order = false")
rows = []  # every bundled model, by its id (no pass over the log to find the ones it uses)
for p in price_table().models():
    name = p.id
    if p is not None:
        read = p.cache_read_usd_per_mtok or p.input_usd_per_mtok
        write = p.cache_write_usd_per_mtok or p.input_usd_per_mtok
        rows.append(f"('{name}', {p.input_usd_per_mtok}, {p.output_usd_per_mtok}, {read}, {write})")
money = "DECIMAL(38,18)"
con.execute(
    f"CREATE TABLE prices AS SELECT model, CAST(i AS {money}) / 1000000 AS i, "
    f"CAST(o AS {money}) / 1000000 AS o, CAST(r AS {money}) / 1000000 AS r, "
    f"CAST(w AS {money}) / 1000000 AS w FROM (VALUES {', '.join(rows)}) v(model, i, o, r, w)"
)
con.execute(FAIR_SQL.format(scan=scan)).fetchall()
"""
)
FAIR = "FAIR_SQL = " + repr(FAIR_SQL) + "\n" + FAIR

# The same aggregation as `attribute` (validate, price, sum per ticket, cost per resolved ticket,
# p50/p95/p99), written the obvious way in pandas and in plain Python, for comparison only.
PANDAS = """
import sys, json
from decimal import Decimal
import pandas as pd
from ticketcost.pricing.table import bundled_prices
from ticketcost.attribution import resolve_log_model
records = []  # pd.read_json(lines=True) stops at the first malformed line, so parse line by line
with open(sys.argv[1], "rb") as handle:
    for line in handle:
        try:
            records.append(json.loads(line))
        except ValueError:
            pass
frame = pd.DataFrame.from_records(records)
del records
for c in ("input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens"):
    frame[c] = pd.to_numeric(frame[c], errors="coerce")
ok = frame["ticket_id"].notna() & (frame["input_tokens"] >= 0) & (frame["output_tokens"] >= 0)
frame = frame[ok]
table = bundled_prices()
rates = {}
for name in frame["model"].dropna().unique():
    p = resolve_log_model(table, name)
    if p:
        rates[name] = (float(p.input_usd_per_mtok), float(p.output_usd_per_mtok),
                       float(p.cache_read_usd_per_mtok or p.input_usd_per_mtok),
                       float(p.cache_write_usd_per_mtok or p.input_usd_per_mtok))
r = frame["model"].map(lambda m: rates.get(m, (float("nan"),) * 4))
fresh = frame["input_tokens"] - frame["cache_read_tokens"] - frame["cache_write_tokens"]
cost = (fresh * r.str[0] + frame["cache_read_tokens"] * r.str[2]
        + frame["cache_write_tokens"] * r.str[3] + frame["output_tokens"] * r.str[1]) / 1e6
frame["cost"] = pd.to_numeric(frame.get("cost_usd"), errors="coerce").fillna(cost)
tickets = frame.groupby("ticket_id").agg(cost=("cost", "sum"), outcome=("outcome", "last"))
resolved = (tickets["outcome"] == "resolved").sum()
print(tickets["cost"].sum() / resolved, tickets["cost"].quantile([0.5, 0.95, 0.99]).tolist())
"""

PLAIN = """
import sys, json, math
from decimal import Decimal
from ticketcost.pricing.table import bundled_prices
from ticketcost.attribution import resolve_log_model
try:
    from orjson import loads
except ImportError:
    from json import loads
table = bundled_prices()
rates = {}
tickets = {}
skipped = 0
M = Decimal(1_000_000)
with open(sys.argv[1], "rb") as handle:
    for line in handle:
        try:
            r = loads(line)
            tid = r["ticket_id"]
            inp, out = int(r.get("input_tokens") or 0), int(r.get("output_tokens") or 0)
            read = int(r.get("cache_read_tokens") or 0)
            write = int(r.get("cache_write_tokens") or 0)
            if not tid or min(inp, out, read, write) < 0:
                raise ValueError
        except Exception:
            skipped += 1
            continue
        if r.get("cost_usd") is not None:
            cost = Decimal(str(r["cost_usd"]))
        else:
            model = r.get("model")
            if model not in rates:
                rates[model] = resolve_log_model(table, model) if model else None
            p = rates[model]
            if p is None:
                continue
            cost = ((inp - read - write) * p.input_usd_per_mtok + out * p.output_usd_per_mtok
                    + read * (p.cache_read_usd_per_mtok or p.input_usd_per_mtok)
                    + write * (p.cache_write_usd_per_mtok or p.input_usd_per_mtok)) / M
        t = tickets.setdefault(tid, [Decimal(0), None])
        t[0] += cost
        if r.get("outcome"):
            t[1] = r["outcome"]
costs = sorted(t[0] for t in tickets.values())
resolved = sum(1 for t in tickets.values() if t[1] == "resolved")
q = lambda f: costs[max(0, math.ceil(len(costs) * f) - 1)]  # nearest rank, like quantile_disc
print(sum(costs) / resolved, q(0.5), q(0.95), q(0.99), skipped)
"""


def run(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one fresh process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        assert proc.stderr is not None
        raise SystemExit(f"{' '.join(cmd[:4])} failed:\n{proc.stderr.read().decode()}")
    return elapsed, usage.ru_maxrss / 1024


def to_parquet(log: Path) -> Path:
    """The log as Parquet (once, in a process of its own, so that the memory it takes is not
    counted against the commands timed): tokens as BIGINT, the cost as DECIMAL(18,12), the rest
    text; a line that is no JSON, or has a value of the wrong type, is left out."""
    target = log.with_suffix(".parquet")
    if target.exists():
        return target
    text = ("ticket_id", "timestamp", "tenant", "intent", "queue", "endpoint", "prompt_version",
            "model", "status", "outcome")  # fmt: skip
    tokens = ("input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens")
    types = {**dict.fromkeys(text, "VARCHAR"), **dict.fromkeys(tokens, "BIGINT")}
    types["cost_usd"] = "DECIMAL(18,12)"
    declared = ", ".join(f"'{k}': '{v}'" for k, v in types.items())
    copy = (
        f"COPY (SELECT * FROM read_json('{log}', format='newline_delimited', "
        f"columns={{{declared}}}, ignore_errors=true)) TO '{target}' (FORMAT parquet)"
    )
    code = "import sys, duckdb; duckdb.sql(sys.argv[1])"
    subprocess.run([sys.executable, "-c", code, copy], check=True)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/ticketcost-bench"))
    parser.add_argument("--compare", action="store_true", help="also pandas and plain Python")
    parser.add_argument("--parquet", action="store_true", help="read the log as Parquet")
    parser.add_argument("--spark", action="store_true", help="also --engine spark (local[*])")
    args = parser.parse_args()

    # timed as installed: pip byte-compiles a wheel's modules; an editable install under
    # PYTHONDONTWRITEBYTECODE=1 would recompile every module on every run
    import ticketcost.attribution as package

    compileall.compile_dir(str(Path(package.__file__).parent.parent), quiet=1)
    log = args.dir / f"requests-{args.lines}.jsonl"
    if not log.exists():
        subprocess.run(
            [sys.executable, str(HERE / "make_logs.py"), str(args.lines), str(log)], check=True
        )
    if args.parquet:
        log = to_parquet(log)
    size = log.stat().st_size / 1e6
    print(f"log: {log} ({args.lines:,} lines, {size:,.0f} MB), {os.cpu_count()} cores")

    attribute = [sys.executable, "-m", "ticketcost", "attribute", str(log), "--format", "json"]
    commands = {
        "one-field GROUP BY": [sys.executable, "-c", BARE, str(log)],
        "fair DuckDB query": [sys.executable, "-c", FAIR, str(log)],
        "ticketcost attribute": attribute,
    }
    if args.spark:
        commands["attribute --engine spark"] = [*attribute, "--engine", "spark"]
    if args.compare:
        import importlib.util

        if importlib.util.find_spec("pandas") is None:
            print("pandas is not installed (pip install pandas); its row is skipped")
        else:
            commands["pandas"] = [sys.executable, "-c", PANDAS, str(log)]
        commands["plain Python"] = [sys.executable, "-c", PLAIN, str(log)]
    figures: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    once = ("pandas", "plain Python")
    env_rounds = {name: (1 if name in once else args.rounds) for name in commands}
    for round_number in range(args.rounds):
        for name, cmd in commands.items():
            if round_number < env_rounds[name]:
                figures[name].append(run(cmd))
    base = statistics.median(t for t, _ in figures["fair DuckDB query"])
    for name, runs in figures.items():
        wall = statistics.median(t for t, _ in runs)
        rss = max(m for _, m in runs)
        spread = f"{min(t for t, _ in runs):.2f}-{max(t for t, _ in runs):.2f}"
        print(
            f"{name:22} median {wall:6.2f} s ({spread} s over {len(runs)}), "
            f"{wall / base:4.2f}x fair, peak {rss:,.0f} MiB"
        )


if __name__ == "__main__":
    main()
