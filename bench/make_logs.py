"""Write a deterministic synthetic request log for ``ticketcost attribute`` benchmarks.

    python bench/make_logs.py 1000000 /tmp/logs/1m.jsonl          # ~300 MB, ~85K tickets
    python bench/make_logs.py 100000 /tmp/logs/100k.csv            # CSV by extension
    python bench/make_logs.py 100000 /tmp/logs/100k.jsonl --outcomes /tmp/logs/outcomes.csv

The same N and seed always give the same bytes. The mix is meant to look like a real support
deployment: 25 tenants with a long-tailed share of traffic, six intents each on its own model tier,
1-12 turns a ticket whose prompts grow with the history (system prompt cached after the first turn),
an intent-routing call first, an embedding lookup per turn (its cost reported by the gateway in
``cost_usd``), thread summaries on long tickets, handoff drafts on escalations, about 3% of model
calls failing and retried, 1% falling back to another model, a small fine-tuned model with no price,
a prompt-version rollout half-way through the month, and about one malformed line in 20,000 (bad
JSON, a missing ticket id, negative or non-numeric tokens, a blank line).

With ``--outcomes FILE`` the ticket outcomes go to a separate CSV (ticket_id,outcome) instead of a
column on every request.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import random
import sys
from pathlib import Path
from typing import Any, TextIO

# the fields this log writes (ticketcost's own format; the optional ones it never uses are left out)
FIELDS = (
    "ticket_id", "timestamp", "tenant", "intent", "queue", "endpoint", "prompt_version", "model",
    "status", "outcome", "input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens",
    "cost_usd",
)  # fmt: skip

# intent: (weight, queue, model, fallback model, user tokens a turn, assistant tokens a turn)
INTENTS = {
    "password_reset": (30, "account", "gpt-5.4-nano", "gemini-2.5-flash-lite", 60, 120),
    "order_status": (25, "orders", "gemini-2.5-flash", "gpt-5.4-mini", 80, 160),
    "billing": (18, "billing", "claude-haiku-4-5", "gpt-5.4-mini", 150, 220),
    "refund": (12, "billing", "claude-haiku-4-5", "gpt-5.4-mini", 170, 240),
    "technical": (10, "tech", "claude-sonnet-4-6", "gpt-5.4", 260, 420),
    "complaint": (5, "escalations", "claude-sonnet-4-6", "gpt-5.4", 220, 300),
}
OUTCOMES = (("resolved", 68), ("deflected", 9), ("escalated", 14), ("abandoned", 9))
TURN_WEIGHTS = (6, 12, 18, 16, 12, 9, 7, 6, 5, 4, 3, 2)  # 1..12 turns
SYSTEM_TOKENS = 1_200
EMBEDDING_MODEL = "text-embedding-3-small"
EMBEDDING_USD_PER_TOKEN = "0.00000002"
UNPRICED_MODEL = "acme-support-ft-v3"
START = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)


class Writer:
    def __init__(self, out: TextIO, csv_mode: bool, with_outcome: bool) -> None:
        self.out = out
        self.csv = csv.writer(out, lineterminator="\n") if csv_mode else None
        self.fields = [f for f in FIELDS if with_outcome or f != "outcome"]
        if self.csv is not None:
            self.csv.writerow(self.fields)
        self.lines = 0

    def record(self, record: dict[str, Any]) -> None:
        if self.csv is not None:
            self.csv.writerow(["" if record.get(f) is None else record.get(f) for f in self.fields])
        else:
            self.out.write(json.dumps({f: record[f] for f in self.fields if f in record}))
            self.out.write("\n")
        self.lines += 1

    def raw(self, text: str) -> None:
        self.out.write(text + "\n")
        self.lines += 1


class Ticket:
    """Writes one ticket's requests, advancing its clock; now and then a malformed line."""

    def __init__(
        self, rng: random.Random, writer: Writer, base: dict[str, Any], clock: dt.datetime
    ) -> None:
        self.rng, self.writer, self.base, self.clock = rng, writer, base, clock

    def emit(self, endpoint: str, model_name: str, inp: int, out_tok: int, **extra: Any) -> None:
        self.clock += dt.timedelta(seconds=self.rng.randrange(2, 90))
        record = self.base | {
            "timestamp": self.clock.isoformat().replace("+00:00", "Z"),
            "endpoint": endpoint,
            "model": model_name,
            "input_tokens": inp,
            "output_tokens": out_tok,
            "cache_read_tokens": extra.get("read", 0),
            "cache_write_tokens": extra.get("write", 0),
            "status": extra.get("status", "ok"),
        }
        if "cost_usd" in extra:
            record["cost_usd"] = extra["cost_usd"]
        if self.rng.random() < 1 / 20_000:
            self.bad(record)
        else:
            self.writer.record(record)

    def bad(self, record: dict[str, Any]) -> None:
        kind = self.rng.randrange(5)
        if kind == 0:
            self.writer.raw(json.dumps(record)[: self.rng.randrange(10, 60)])  # truncated JSON
        elif kind == 1:
            self.writer.record({k: v for k, v in record.items() if k != "ticket_id"})
        elif kind == 2:
            self.writer.record(record | {"output_tokens": -record["output_tokens"] - 1})
        elif kind == 3:
            self.writer.record(record | {"input_tokens": "many"})
        else:
            self.writer.raw("")


def generate(lines: int, out: TextIO, csv_mode: bool, outcomes: TextIO | None, seed: int) -> None:
    rng = random.Random(seed)
    tenants = [f"tenant-{i:02d}" for i in range(1, 26)]
    tenant_weights = [1 / (i**1.1) for i in range(1, 26)]
    intents = list(INTENTS)
    intent_weights = [INTENTS[i][0] for i in intents]
    outcome_names = [o for o, _ in OUTCOMES]
    outcome_weights = [w for _, w in OUTCOMES]
    writer = Writer(out, csv_mode, with_outcome=outcomes is None)
    outcome_writer = csv.writer(outcomes, lineterminator="\n") if outcomes else None
    if outcome_writer is not None:
        outcome_writer.writerow(("ticket_id", "outcome"))
    ticket = 0
    month_seconds = 30 * 24 * 3600
    while writer.lines < lines:
        ticket += 1
        ticket_id = f"T{ticket:08d}"
        clock = START + dt.timedelta(seconds=rng.randrange(month_seconds))
        intent = rng.choices(intents, intent_weights)[0]
        _, queue, model, fallback, user_tokens, assistant_tokens = INTENTS[intent]
        if rng.random() < 0.01:
            model = UNPRICED_MODEL
        outcome = rng.choices(outcome_names, outcome_weights)[0]
        version = "v13" if clock >= START + dt.timedelta(days=15) else "v12"
        base = {
            "ticket_id": ticket_id,
            "tenant": rng.choices(tenants, tenant_weights)[0],
            "intent": intent,
            "queue": queue,
            "prompt_version": version,
            "outcome": outcome,
        }

        emit = Ticket(rng, writer, base, clock).emit
        emit("support.intent_route", "gpt-5.4-nano", 350 + rng.randrange(80), 8)
        turns = rng.choices(range(1, 13), TURN_WEIGHTS)[0]
        for turn in range(1, turns + 1):
            user = user_tokens + rng.randrange(-20, 21)
            reply = assistant_tokens + rng.randrange(-40, 41)
            prompt = SYSTEM_TOKENS + turn * user + (turn - 1) * reply
            lookup = 30 + rng.randrange(30)
            cost = lookup * float(EMBEDDING_USD_PER_TOKEN)  # a float, as gateways write it
            emit("support.retrieval", EMBEDDING_MODEL, lookup, 0, cost_usd=cost)
            cached = {"read": SYSTEM_TOKENS} if turn > 1 else {"write": SYSTEM_TOKENS}
            roll = rng.random()
            if roll < 0.03:
                emit("support.rag_answer", model, prompt, 0, status="error", **cached)
                emit("support.rag_answer", model, prompt, reply, status="retry", **cached)
            elif roll < 0.04:
                emit("support.rag_answer", model, prompt, 0, status="error", **cached)
                emit("support.rag_answer", fallback, prompt, reply, status="fallback")
            else:
                emit(
                    "support.rag_answer" if turn == 1 else "support.reply",
                    model,
                    prompt,
                    reply,
                    **cached,
                )
        if turns > 6:
            emit("support.thread_summary", "gpt-5.4-mini", prompt, 250)
        if outcome == "escalated":
            emit("support.ticket_draft", "gpt-5.4-mini", prompt, 400)
        if outcome_writer is not None:
            outcome_writer.writerow((ticket_id, outcome))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("lines", type=int, help="at least this many lines (whole tickets)")
    parser.add_argument("output", type=Path, help=".jsonl or .csv")
    parser.add_argument("--outcomes", type=Path, help="write outcomes to this CSV instead")
    parser.add_argument("--seed", type=int, default=20261125)
    args = parser.parse_args()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    outcomes = args.outcomes.open("w", newline="") if args.outcomes else None
    with args.output.open("w", newline="") as out:
        generate(args.lines, out, args.output.suffix == ".csv", outcomes, args.seed)
    if outcomes is not None:
        outcomes.close()
    size = args.output.stat().st_size
    sys.stderr.write(f"Wrote {args.output} ({size / 1e6:.0f} MB)\n")


if __name__ == "__main__":
    main()
