"""Fuzzing: whatever the input, the command line ends with exit 0, 1 (a budget failed) or 2 (bad
input), a bad input gets exactly one "Error: …" line and nothing on stdout, nothing ever prints a
traceback (an internal error would exit 3 and fail these tests), and a failed run changes no file.

Inputs are real files broken at random (byte edits of the starter config, a bundled price file, a
saved report and request logs) and documents built from random values. The CI profile (CI=true)
tries each property with the full count below (2,100 cases in all, the same every run); a local
run tries a fifth of it, new cases each time.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from helpers import FULL_PROPERTIES, ROOT, examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from ticketcost.cli import app
from ticketcost.costs.starter import STARTER_YAML


def fuzz(full: int) -> settings:
    """Hypothesis settings for a fuzz property: ``full`` examples in CI, a fifth locally."""
    return settings(
        max_examples=examples(full),
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=FULL_PROPERTIES,  # CI tries the same cases every run; local runs explore
    )


def invoke(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def assert_clean(result: Result, allowed: tuple[int, ...] = (0, 2)) -> None:
    assert result.exit_code in allowed, (result.exit_code, result.stderr[-400:])
    assert "Traceback" not in result.stderr
    if result.exit_code == 2:
        assert result.stdout == ""
        assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1


# ------------------------------------------------------------------------- random broken text


@st.composite
def mutated(draw: st.DrawFn, text: bytes) -> bytes:
    """``text`` with a few random edits: bytes replaced, inserted, deleted or a span repeated."""
    data = bytearray(text)
    for _ in range(draw(st.integers(1, 4))):
        where = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["replace", "insert", "delete", "repeat"]))
        junk = draw(
            st.binary(min_size=1, max_size=6)
            | st.sampled_from([b"-", b"1e999", b"\n", b":", b'"', b"&a", b"*a", b"[", b"{", b"\t"])
        )
        if kind == "replace":
            data[where : where + len(junk)] = junk
        elif kind == "insert":
            data[where:where] = junk
        elif kind == "delete":
            del data[where : where + draw(st.integers(1, 20))]
        else:
            data[where:where] = data[where : where + draw(st.integers(1, 40))]
    return bytes(data)


LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(-(10**30), 10**30)
    | st.decimals(allow_nan=True, allow_infinity=True).map(str)
    | st.text(max_size=12)
    | st.sampled_from(["010000", "1:30", "yes", "1e309", "-0", "0x1F", "2026-13-45", ".nan"])
)


def yaml_value(value: object) -> str:
    return value if isinstance(value, str) else json.dumps(value)


# --------------------------------------------------------------------------------- the configs


@fuzz(600)
@given(mutated(STARTER_YAML.encode()))
def test_a_broken_config_never_crashes(text):
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "ticketcost.yaml"
        config.write_bytes(text)
        assert_clean(invoke("stack", "-c", str(config)))


@fuzz(300)
@given(
    st.sampled_from(
        [
            "volume",
            "intents[0].share",
            "intents[0].conversation.turns",
            "human.hourly_usd",
            "embeddings.tokens_per_lookup",
            "infrastructure[0].monthly_usd",
            "intents[0].escalation_rate",
            "retries.rate",
        ]
    ),
    LEAVES,
)
def test_any_value_in_a_config_field_is_used_or_refused(field, value):
    path = field.replace("[0]", "").split(".")
    lines = {
        "volume": f"volume: {yaml_value(value)}\n",
        "intents": "intents:\n  - name: all\n    share: {share}\n    model: gpt-5.4-mini\n"
        "    escalation_rate: {escalation_rate}\n    conversation:\n      turns: {turns}\n",
    }
    share = yaml_value(value) if path[-1] == "share" else "1"
    rate = yaml_value(value) if path[-1] == "escalation_rate" else "0"
    turns = yaml_value(value) if path[-1] == "turns" else "5"
    text = ("volume: 1000\n" if path[0] != "volume" else lines["volume"]) + lines["intents"].format(
        share=share, escalation_rate=rate, turns=turns
    )
    if path[0] in ("human", "embeddings", "retries"):
        text += f"{path[0]}:\n  {path[1]}: {yaml_value(value)}\n"
    if path[0] == "infrastructure":
        text += f"infrastructure:\n  - name: hosting\n    monthly_usd: {yaml_value(value)}\n"
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "ticketcost.yaml"
        config.write_text(text)
        assert_clean(invoke("stack", "-c", str(config)))


# -------------------------------------------------------------------------------- price files

OPENAI = (ROOT / "pricing" / "openai.yaml").read_bytes()


@fuzz(400)
@given(mutated(OPENAI))
def test_a_broken_price_file_never_crashes(text):
    with tempfile.TemporaryDirectory() as folder:
        prices = Path(folder) / "prices.yaml"
        prices.write_bytes(text)
        assert_clean(invoke("estimate", "-m", "gpt-5.4-mini", "--pricing", str(prices)))


# ----------------------------------------------------------------------- baselines and check


@fuzz(300)
@given(st.data())
def test_a_broken_baseline_never_crashes_and_a_failed_check_writes_nothing(data):
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        config = folder / "ticketcost.yaml"
        config.write_text(STARTER_YAML)
        good = folder / "good.json"
        assert invoke("check", "-c", str(config), "--save-baseline", str(good)).exit_code == 0
        broken = data.draw(mutated(good.read_bytes()))
        baseline = folder / "main.json"
        baseline.write_bytes(broken)
        saved = folder / "saved.json"
        saved.write_text("untouched")
        result = invoke(
            "check", "-c", str(config), "--baseline", str(baseline), "--save-baseline", str(saved)
        )
        assert_clean(result, (0, 1, 2))
        if result.exit_code == 2:
            assert saved.read_text() == "untouched"


# ------------------------------------------------------------------------------------- logs

LOG_LINE = json.dumps(
    {"ticket_id": "T1", "model": "gpt-5.4-mini", "input_tokens": 1200, "output_tokens": 300,
     "cache_read_tokens": 200, "outcome": "resolved", "status": "ok", "intent": "billing",
     "timestamp": "2026-11-01T10:00:00Z"}
).encode()  # fmt: skip


@fuzz(200)
@given(st.lists(mutated(LOG_LINE) | st.just(LOG_LINE), min_size=1, max_size=6), st.booleans())
def test_broken_log_lines_are_skipped_or_refused_never_a_crash(lines, as_csv):
    with tempfile.TemporaryDirectory() as folder:
        if as_csv:
            log = Path(folder) / "requests.csv"
            rows = [b"ticket_id,model,input_tokens,output_tokens,outcome"]
            rows += [line.replace(b'", "', b",")[:120] for line in lines]
            log.write_bytes(b"\n".join(rows) + b"\n")
        else:
            log = Path(folder) / "requests.jsonl"
            log.write_bytes(b"\n".join(lines) + b"\n")
        assert_clean(invoke("attribute", str(log)))


# ---------------------------------------------------------------------------------- the flags

FLAG_VALUES = st.text(max_size=15) | st.sampled_from(
    ["1e30", "-1", "0", "NaN", "Infinity", "1e-30", "99999999999999999999", "1_000", "50%", "3-5"]
)


@fuzz(300)
@given(
    st.sampled_from(
        [
            ["estimate", "--turns"],
            ["estimate", "--system-tokens"],
            ["estimate", "--discount"],
            ["estimate", "--markup"],
            ["estimate", "--currency", "EUR", "--fx"],
            ["estimate", "--as-of"],
            ["scale-table", "--volumes"],
            ["scale-table", "--fixed-monthly"],
            ["roi", "--volume", "1000", "--ai-monthly"],
            ["roi", "--ai-monthly", "10", "--volume"],
            ["roi", "--volume", "10", "--ai-monthly", "5", "--deflection"],
            ["curve", "--turns"],
            ["pricing", "check", "--days"],
        ]
    ),
    FLAG_VALUES,
)
def test_any_flag_value_is_used_or_refused_in_one_line(flag, value):
    assert_clean(invoke(*flag, value), (0, 1, 2) if flag[0] == "pricing" else (0, 2))
