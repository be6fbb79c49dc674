"""Public reference points for cost per ticket (``benchmarks/*.yaml``) and the user's own.

Each benchmark states its figure (a value or a low-high range), the unit it is quoted per, what it
includes, its source and date, and caveats, so that a comparison can say when it is comparing unlike
things instead of doing it silently.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ticketcost import money
from ticketcost.errors import TicketcostError
from ticketcost.io.bounded_types import Usd
from ticketcost.io.datafiles import data_files, read_user_file
from ticketcost.io.validation import first_problem
from ticketcost.io.yamlio import YamlDocument, parse_yaml


class Category(StrEnum):
    AI_AGENT = "ai_agent"
    HUMAN = "human"
    TASK_AGENT = "task_agent"


class Unit(StrEnum):
    RESOLUTION = "resolution"  # per ticket resolved: what ticketcost reports
    TICKET = "ticket"  # per ticket handled, resolved or not
    CONVERSATION = "conversation"
    TASK = "task"


class Includes(StrEnum):
    ALL_IN = "all_in"  # model, infrastructure and human review or labour
    API_ONLY = "api_only"
    LABOUR_ONLY = "labour_only"
    VENDOR_PRICE = "vendor_price"  # what a vendor charges, margin included
    UNDISCLOSED = "undisclosed"


UNIT_DIFFERENCE = {
    Unit.TICKET: "quoted per ticket handled; ours is per resolved ticket",
    Unit.CONVERSATION: "quoted per conversation; ours is per resolved ticket",
    Unit.TASK: "quoted per task, not per support ticket",
}
INCLUDES_DIFFERENCE = {
    Includes.API_ONLY: "API cost only; ours is all-in",
    Includes.LABOUR_ONLY: "labour only; ours is all-in",
}
# the same, when our figure is not all-in (the config leaves parts out)
PARTIAL_DIFFERENCE = {
    Includes.API_ONLY: "API cost only; ours is more, though not all-in",
    Includes.LABOUR_ONLY: "labour only; ours is AI cost, not all-in",
}
INCLUDES_DIFFERENCE |= {
    Includes.VENDOR_PRICE: "a vendor's price, margin included",
    Includes.UNDISCLOSED: "what it includes is not disclosed",
}


class Benchmark(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    name: str = Field(min_length=1)
    category: Category
    usd: Usd | None = None
    low_usd: Usd | None = None
    high_usd: Usd | None = None
    unit: Unit
    includes: Includes
    includes_detail: str = ""
    source: str = Field(min_length=1)
    source_date: dt.date | None = Field(description="null for an undated source")
    caveats: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_figure(self) -> Self:
        has_range = self.low_usd is not None or self.high_usd is not None
        if self.usd is not None and has_range:
            raise ValueError("give either usd or low_usd and high_usd, not both")
        if self.usd is None and (self.low_usd is None or self.high_usd is None):
            raise ValueError("give usd, or both low_usd and high_usd")
        if has_range and self.low > self.high:
            raise ValueError(f"low_usd {self.low} is above high_usd {self.high}")
        return self

    @property
    def low(self) -> Decimal:
        return self.usd if self.usd is not None else self.low_usd  # type: ignore[return-value]

    @property
    def high(self) -> Decimal:
        return self.usd if self.usd is not None else self.high_usd  # type: ignore[return-value]

    @property
    def mid(self) -> Decimal:
        """The point figure, or the middle of the range."""
        return self.usd if self.usd is not None else money.divide(money.add(self.low, self.high), 2)

    @property
    def differences(self) -> tuple[str, ...]:
        """How this figure differs in kind from ours (all-in, per resolved ticket)."""
        return self.differences_from(all_in=True)

    def differences_from(self, all_in: bool) -> tuple[str, ...]:
        """How this figure differs in kind from ours, per resolved ticket, all-in or not."""
        notes = [UNIT_DIFFERENCE[self.unit]] if self.unit in UNIT_DIFFERENCE else []
        words = INCLUDES_DIFFERENCE if all_in else INCLUDES_DIFFERENCE | PARTIAL_DIFFERENCE
        if self.includes in words:
            notes.append(words[self.includes])
        return tuple(notes)


class BenchmarkFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    benchmarks: list[Benchmark] = Field(min_length=1)


def validate_benchmarks(
    data: Any, source: str, line_of: Any, root_path: tuple[str | int, ...] = ()
) -> list[Benchmark]:
    """Validate a list of benchmark entries found at ``root_path`` of a parsed file."""
    try:
        return list(BenchmarkFile.model_validate({"benchmarks": data}).benchmarks)
    except ValidationError as exc:
        wrapped = {"benchmarks": data}
        raise first_problem(
            exc,
            BenchmarkFile,
            source,
            wrapped,
            lambda loc: line_of(root_path + tuple(loc[1:])),
        ) from None


def _from_document(document: YamlDocument) -> list[Benchmark]:
    if not isinstance(document.data, dict) or "benchmarks" not in document.data:
        raise TicketcostError(f"{document.source}: a benchmark file has a 'benchmarks:' list")
    extra = sorted(set(document.data) - {"benchmarks"})
    if extra:
        line = document.line_of((extra[0],))
        raise TicketcostError(
            f"{document.source}:{line}: {extra[0]}: unknown field; a benchmark file has only "
            "'benchmarks:'"
        )
    return validate_benchmarks(
        document.data["benchmarks"], document.source, document.line_of, ("benchmarks",)
    )


@functools.cache
def bundled_benchmarks() -> tuple[Benchmark, ...]:
    found: list[Benchmark] = []
    for path in data_files("benchmarks"):
        found += _from_document(parse_yaml(path.read_bytes(), f"benchmarks/{path.name}"))
    return tuple(found)


def load_benchmark_file(path: str | os.PathLike[str]) -> list[Benchmark]:
    return _from_document(parse_yaml(read_user_file(path, "benchmark file"), str(Path(path))))


def merge_benchmarks(*groups: list[Benchmark] | tuple[Benchmark, ...]) -> list[Benchmark]:
    """Later groups replace earlier entries with the same id (a user may correct a figure)."""
    merged: dict[str, Benchmark] = {}
    for group in groups:
        for benchmark in group:
            merged[benchmark.id] = benchmark
    return list(merged.values())
