"""The config file (``ticketcost.yaml``, ``.toml`` or ``[tool.ticketcost]``): a month of support.

A strict pydantic schema (unknown keys are errors, so ``escalaton_rate`` cannot slip through) with
defaults that make a file of ``volume`` plus one intent valid. Loading finds the file, parses YAML
safely or TOML with exact decimals, validates, checks every model against the price tables, and
turns any problem into one line naming the file, line and field.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ticketcost import money
from ticketcost.attribution.fields import Preset
from ticketcost.costs.benchmarks import Benchmark
from ticketcost.costs.conversation import CacheMode, ConversationProfile
from ticketcost.errors import TicketcostError
from ticketcost.io.bounded_types import (
    Amount,
    Percent,
    PositiveAmount,
    PositiveCount,
    Rate,
    Share,
    Tokens,
    Turns,
    Usd,
)
from ticketcost.io.configfind import find_config
from ticketcost.io.datafiles import read_user_file
from ticketcost.io.validation import Loc, dotted, first_problem, located
from ticketcost.io.yamlio import parse_yaml
from ticketcost.pricing.table import PriceTable


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Conversation(_Strict):
    """The ``estimate`` profile of one intent's conversations. Defaults: the standard ticket."""

    turns: Turns = 5
    system_tokens: Tokens = 500
    user_tokens: Tokens = 150
    assistant_tokens: Tokens = 200
    cache: CacheMode = CacheMode.NONE

    def profile(self) -> ConversationProfile:
        return ConversationProfile(
            self.turns, self.system_tokens, self.user_tokens, self.assistant_tokens
        )


class _Rates(_Strict):
    """An escalation rate, or the share the AI resolves (escalation_rate = 1 - resolution_rate)."""

    escalation_rate: Rate = Decimal(0)
    resolution_rate: Rate | None = None

    @model_validator(mode="before")
    @classmethod
    def _one_rate(cls, data: Any) -> Any:
        both = isinstance(data, dict) and "escalation_rate" in data
        if both and data.get("resolution_rate") is not None:
            raise ValueError("give escalation_rate or resolution_rate, not both")
        return data

    @model_validator(mode="after")
    def _escalation_from_resolution(self) -> Self:
        if self.resolution_rate is not None:
            escalated = money.subtract(Decimal(1), self.resolution_rate)
            object.__setattr__(self, "escalation_rate", escalated)  # frozen: set once, here
        return self


class Candidate(_Rates):
    """Another model an intent could run on, with the escalation it would see (``recommend``)."""

    model: str = Field(min_length=1)
    conversation: Conversation | None = None  # default: the intent's


class Intent(_Rates):
    name: str = Field(min_length=1)
    share: Share
    model: str = Field(min_length=1)
    conversation: Conversation = Conversation()
    candidates: list[Candidate] = Field(default_factory=list)


class Embeddings(_Strict):
    lookups_per_ticket: Amount = Decimal(0)
    tokens_per_lookup: Tokens = 0
    usd_per_mtok: Usd = Decimal(0)
    vector_db_monthly_usd: Usd = Decimal(0)


class Retries(_Strict):
    # Retried model calls per model call: 0.1 means one call in ten is paid twice. Above 1 when
    # calls are retried more than once on average.
    rate: Amount = Decimal(0)


class Human(_Strict):
    hourly_usd: Usd | None = None
    annual_cost_usd: Usd | None = None
    productive_hours_per_year: PositiveAmount | None = None
    review_rate: Rate = Decimal(0)
    review_minutes: Amount = Decimal(0)
    escalation_minutes: Amount = Decimal(0)

    @model_validator(mode="after")
    def _one_rate(self) -> Self:
        annual = self.annual_cost_usd is not None or self.productive_hours_per_year is not None
        if self.hourly_usd is not None and annual:
            raise ValueError("give hourly_usd, or annual_cost_usd with productive_hours_per_year")
        if annual and (self.annual_cost_usd is None or self.productive_hours_per_year is None):
            raise ValueError("annual_cost_usd and productive_hours_per_year go together")
        return self

    @property
    def hourly(self) -> Decimal | None:
        """The loaded hourly rate: given, or annual cost / productive hours."""
        if self.hourly_usd is not None:
            return self.hourly_usd
        if self.annual_cost_usd is not None and self.productive_hours_per_year is not None:
            return money.divide(self.annual_cost_usd, self.productive_hours_per_year)
        return None


class Observability(_Strict):
    per_ticket_usd: Usd = Decimal(0)
    monthly_usd: Usd = Decimal(0)


class Integration(_Strict):
    name: str = Field(min_length=1)
    calls_per_ticket: Amount
    usd_per_call: Usd


class FixedCost(_Strict):
    name: str = Field(min_length=1)
    monthly_usd: Usd


class Limit(_Strict):
    """A ceiling, with an optional warning level below it."""

    max: Usd
    warn: Usd | None = None

    @model_validator(mode="after")
    def _warn_below_max(self) -> Self:
        if self.warn is not None and self.warn > self.max:
            raise ValueError(f"warn ({self.warn}) must not be above max ({self.max})")
        return self


class IncreaseLimit(_Strict):
    """How much cost per resolved ticket may rise against a baseline (``check --baseline``)."""

    max_percent: Percent | None = None
    max_usd: Usd | None = None
    warn_percent: Percent | None = None
    warn_usd: Usd | None = None

    @model_validator(mode="after")
    def _some_limit(self) -> Self:
        if self.max_percent is None and self.max_usd is None:
            raise ValueError("give max_percent and/or max_usd")
        for warn, ceiling, name in (
            (self.warn_percent, self.max_percent, "percent"),
            (self.warn_usd, self.max_usd, "usd"),
        ):
            if warn is not None and ceiling is not None and warn > ceiling:
                raise ValueError(f"warn_{name} ({warn}) must not be above max_{name} ({ceiling})")
            if warn is not None and ceiling is None:
                raise ValueError(f"warn_{name} needs max_{name}")
        return self


class Budgets(_Strict):
    cost_per_resolved_ticket: Limit | None = None  # all-in, the headline figure
    monthly_spend: Limit | None = None  # all-in, per month
    model_cost_per_ticket: Limit | None = None  # the API bill per ticket handled
    intents: dict[str, Limit] = Field(
        default_factory=dict, description="All-in cost per resolved ticket, by intent name."
    )
    increase: IncreaseLimit | None = None


FieldPaths = str | list[str] | None


class LogFieldPaths(_Strict):
    """Where each log field is found: a name, outer/inner for a nested key, a+b for a sum, or a
    list to try in order."""

    ticket_id: FieldPaths = None
    timestamp: FieldPaths = None
    tenant: FieldPaths = None
    intent: FieldPaths = None
    queue: FieldPaths = None
    endpoint: FieldPaths = None
    prompt_version: FieldPaths = None
    model: FieldPaths = None
    status: FieldPaths = None
    outcome: FieldPaths = None
    provider: FieldPaths = None
    service_tier: FieldPaths = None
    request_id: FieldPaths = None
    error: FieldPaths = None
    input_tokens: FieldPaths = None
    output_tokens: FieldPaths = None
    cache_read_tokens: FieldPaths = None
    cache_write_tokens: FieldPaths = None
    cache_write_1h_tokens: FieldPaths = None
    cost_usd: FieldPaths = None

    def overrides(self) -> dict[str, list[str]]:
        chosen = self.model_dump(exclude_none=True)
        return {k: [v] if isinstance(v, str) else list(v) for k, v in chosen.items()}


class Logs(_Strict):
    """How ``ticketcost attribute`` reads request logs (all optional; flags win)."""

    preset: Preset | None = None  # None: each file's format is recognised from its content
    fields: LogFieldPaths = LogFieldPaths()
    input_includes_cache: bool | None = None
    resolved_outcomes: list[Annotated[str, Field(min_length=1)]] = Field(
        default_factory=lambda: ["resolved"], min_length=1
    )


class _LogsOnly(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    logs: Logs | None = None


class Config(_Strict):
    volume: PositiveCount = Field(description="Tickets handled per month.")
    intents: list[Intent] = Field(min_length=1)
    embeddings: Embeddings = Embeddings()
    retries: Retries = Retries()
    human: Human = Human()
    observability: Observability = Observability()
    integrations: list[Integration] = Field(default_factory=list)
    infrastructure: list[FixedCost] = Field(default_factory=list)
    benchmarks: list[Benchmark] = Field(default_factory=list)
    budgets: Budgets = Budgets()
    logs: Logs | None = None

    @field_validator("intents")
    @classmethod
    def _shares_sum_to_one(cls, intents: list[Intent]) -> list[Intent]:
        total = money.add(*(intent.share for intent in intents))
        if total != 1:
            parts = ", ".join(f"{i.name} {i.share}" for i in intents)
            raise ValueError(f"intent shares must sum to 1; they sum to {total} ({parts})")
        names = [intent.name for intent in intents]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"intent names must be unique; repeated: {', '.join(duplicates)}")
        return intents

    @model_validator(mode="after")
    def _labour_rate_when_needed(self) -> Self:
        human = self.human
        reviews = human.review_rate > 0 and human.review_minutes > 0
        escalations = human.escalation_minutes > 0 and any(i.escalation_rate for i in self.intents)
        if (reviews or escalations) and human.hourly is None:
            raise ValueError(
                "human review or escalation time is set, so human needs hourly_usd, or "
                "annual_cost_usd with productive_hours_per_year"
            )
        return self


# ---------------------------------------------------------------------------------------- loading


@dataclass(frozen=True)
class LoadedConfig:
    config: Config
    path: Path
    line_of: Callable[[Loc], int | None]


def load_config(
    explicit: str | Path | None = None,
    prices: PriceTable | None = None,
    cwd: Path | None = None,
    sets: Sequence[str] = (),
) -> LoadedConfig:
    """Find, parse and validate the config; check each intent's model against ``prices``.

    ``sets`` are ``KEY=VALUE`` changes applied before validation (see :mod:`.overrides`); a
    problem in a value set so has no line in the file, so it is reported by its key alone.
    """
    path = find_config(explicit, cwd)
    data, line_of = _parse(path, read_user_file(path, "config file"))
    if sets and isinstance(data, dict):
        from ticketcost.costs.overrides import apply_sets

        data, places = apply_sets(data, sets)
        file_line = line_of

        def line_of(loc: Loc) -> int | None:
            if any(loc[: len(place)] == place for place in places):
                return None
            return file_line(loc)

    if data is None or data == {}:
        raise TicketcostError(
            f"{path}: the config is empty; it needs at least volume and intents "
            "(run 'ticketcost init' for a commented starter)"
        )
    if not isinstance(data, dict):
        raise TicketcostError(f"{path}: a config is a mapping of volume, intents, ...")
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        raise first_problem(exc, Config, str(path), data, line_of) from None
    loaded = LoadedConfig(config, path, line_of)
    names = [intent.name for intent in config.intents]
    for name in config.budgets.intents:
        if name not in names:
            loc: Loc = ("budgets", "intents", name)
            raise located(
                str(path),
                line_of(loc),
                dotted(loc, data),
                f"no intent is called '{name}'; the intents are {', '.join(names)}",
            )
    if prices is not None:
        check_models(loaded, prices, data)
    return loaded


def load_logs_settings(
    explicit: str | Path | None = None, cwd: Path | None = None, optional: bool = False
) -> Logs | None:
    """The ``logs:`` section of the config, alone (the rest of the file is not needed for logs).

    Without ``explicit``, a config found in the current directory is used if there is one. A
    config named ``explicit`` must have the section, unless ``optional``.
    """
    path = find_config(explicit, cwd, required=explicit is not None)
    if path is None:
        return None
    data, line_of = _parse(path, read_user_file(path, "config file"))
    if not isinstance(data, dict) or data.get("logs") is None:
        if (
            explicit is not None
            and not optional
            and not (isinstance(data, dict) and "logs" in data)
        ):
            raise TicketcostError(f"{path}: no logs section (see docs/attribute.md)")
        return None
    try:
        return _LogsOnly.model_validate({"logs": data["logs"]}).logs
    except ValidationError as exc:
        raise first_problem(exc, _LogsOnly, str(path), data, line_of) from None


def check_models(loaded: LoadedConfig, prices: PriceTable, data: Any = None) -> None:
    for index, intent in enumerate(loaded.config.intents):
        named: list[tuple[Loc, str]] = [(("intents", index, "model"), intent.model)]
        named += [
            (("intents", index, "candidates", n, "model"), c.model)
            for n, c in enumerate(intent.candidates)
        ]
        for loc, model in named:
            try:
                prices.get(model)
            except TicketcostError as exc:
                line = loaded.line_of(loc)
                raise located(str(loaded.path), line, dotted(loc, data), str(exc)) from None


def _parse(path: Path, raw: bytes) -> tuple[Any, Callable[[Loc], int | None]]:
    if path.suffix in (".yaml", ".yml"):
        document = parse_yaml(raw, str(path))
        return document.data, document.line_of
    try:
        text = raw.decode().removeprefix("\ufeff")  # a byte-order mark some editors write
        data: Any = tomllib.loads(text, parse_float=Decimal)
    except UnicodeDecodeError:
        raise TicketcostError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        where = f"{path}:{match.group(1)}" if match else str(path)
        problem = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise TicketcostError(f"{where}: invalid TOML: {problem}") from None
    except (ValueError, RecursionError) as exc:  # an integer of thousands of digits, deep nesting
        raise TicketcostError(f"{path}: invalid TOML: {str(exc) or 'nested too deeply'}") from None
    except ArithmeticError:  # a float Decimal cannot hold (1e999999999999999999999)
        raise TicketcostError(f"{path}: invalid TOML: a number is out of any range") from None
    prefix: tuple[str, ...] = ()
    if path.name == "pyproject.toml":
        prefix = ("tool", "ticketcost")
        data = data.get("tool", {}).get("ticketcost")
        if data is None:
            raise TicketcostError(f"{path}: no [tool.ticketcost] table")
    return data, lambda loc: _toml_line(text, prefix, loc)


def _toml_line(text: str, prefix: Sequence[str], loc: Loc) -> int | None:
    """Best-effort line of ``loc`` in TOML text (tomllib keeps no positions).

    Follows ``[table]`` and ``[[array]]`` headers (counting array items) and then looks for the
    last key; falls back to the nearest header found.
    """
    lines = text.splitlines()
    start = 0
    found: int | None = None
    path = list(prefix)
    parts = list(loc)
    for i, part in enumerate(parts):
        if isinstance(part, int):
            continue
        dotted_path = ".".join([*path, part])
        following = parts[i + 1] if i + 1 < len(parts) else None
        if isinstance(following, int):
            index = following
            header = re.compile(rf"^\s*\[\[\s*{re.escape(dotted_path)}\s*\]\]")
            hits = [n for n in range(start, len(lines)) if header.match(lines[n])]
            if index < len(hits):
                start = found = hits[index]
                path.append(part)
                continue
        header = re.compile(rf"^\s*\[\s*{re.escape(dotted_path)}\s*\]")
        key = re.compile(rf"^\s*\"?{re.escape(part)}\"?\s*=")
        for n in range(start, len(lines)):
            if header.match(lines[n]) or key.match(lines[n]):
                start = found = n
                break
        path.append(part)
    return None if found is None else found + 1
