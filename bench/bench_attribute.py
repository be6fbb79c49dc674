"""Time ``ticketcost attribute`` against a bare DuckDB GROUP BY over the same log; print figures.

    python bench/bench_attribute.py                       # 1M lines (~360 MB), 5 interleaved rounds
    python bench/bench_attribute.py --lines 10000000 --rounds 1   # memory stays flat?
    python bench/bench_attribute.py --compare             # also pandas and plain Python, once

Every command runs in a fresh process (interpreter start and imports included, as a user sees it)
and the rounds are interleaved, so drift on a shared machine hits both sides alike. Peak memory is
each process's maximum resident set (os.wait4). The package is byte-compiled first, as pip
installs it. The log comes from bench/make_logs.py
(deterministic) and is kept in --dir between runs.

The bare query is the least anyone would run to group this file by ticket:
    SELECT ticket_id, count(*) FROM read_ndjson(FILE, ignore_errors=true) GROUP BY ticket_id
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

BARE = """
import sys, duckdb
duckdb.sql(f"SELECT ticket_id, count(*) FROM read_ndjson('{sys.argv[1]}', ignore_errors=true) "
           "GROUP BY ticket_id").fetchall()
"""

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/ticketcost-bench"))
    parser.add_argument("--compare", action="store_true", help="also pandas and plain Python")
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
    size = log.stat().st_size / 1e6
    print(f"log: {log} ({args.lines:,} lines, {size:,.0f} MB), {os.cpu_count()} cores")

    commands = {
        "bare DuckDB GROUP BY": [sys.executable, "-c", BARE, str(log)],
        "ticketcost attribute": [
            sys.executable,
            "-m",
            "ticketcost",
            "attribute",
            str(log),
            "--format",
            "json",
        ],
    }
    if args.compare:
        import importlib.util

        if importlib.util.find_spec("pandas") is None:
            print("pandas is not installed (pip install pandas); its row is skipped")
        else:
            commands["pandas"] = [sys.executable, "-c", PANDAS, str(log)]
        commands["plain Python"] = [sys.executable, "-c", PLAIN, str(log)]
    figures: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    env_rounds = {
        name: (1 if name in ("pandas", "plain Python") else args.rounds) for name in commands
    }
    for round_number in range(args.rounds):
        for name, cmd in commands.items():
            if round_number < env_rounds[name]:
                figures[name].append(run(cmd))
    base = statistics.median(t for t, _ in figures["bare DuckDB GROUP BY"])
    for name, runs in figures.items():
        wall = statistics.median(t for t, _ in runs)
        rss = max(m for _, m in runs)
        spread = f"{min(t for t, _ in runs):.2f}-{max(t for t, _ in runs):.2f}"
        print(
            f"{name:22} median {wall:6.2f} s ({spread} s over {len(runs)}), "
            f"{wall / base:4.2f}x bare, peak {rss:,.0f} MiB"
        )


if __name__ == "__main__":
    main()
