"""The strict schema of a price file (``pricing/*.yaml`` or a user's ``--pricing`` file).

Imported only when a file has to be validated: the bundled tables are validated once and then read
from the on-disk cache (see :mod:`ticketcost.pricing.table`), which keeps pydantic off the
start-up path.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Annotated, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from ticketcost.errors import TicketcostError
from ticketcost.io.bounded_types import PositiveTokens, Usd
from ticketcost.io.validation import first_problem
from ticketcost.io.yamlio import YamlDocument
from ticketcost.pricing.model import VARIANTS, PriceLevel, Rates, Tier, TimeWindow

UsdPerMtok = Usd  # USD per 1M tokens, 0 to 10^12
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")]
ModelId = Annotated[str, Field(min_length=1, pattern=r"^\S+$")]
Clock = Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]  # HH:MM, 24-hour


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RateFields(_Strict):
    """Prices of one kind of request, USD per 1M tokens."""

    input_usd_per_mtok: UsdPerMtok
    output_usd_per_mtok: UsdPerMtok
    # Required but nullable: a reviewer must say "no such price" explicitly.
    cache_read_usd_per_mtok: UsdPerMtok | None
    cache_write_usd_per_mtok: UsdPerMtok | None = Field(
        description="Writing to the cache with the default (5-minute) retention."
    )
    cache_write_1h_usd_per_mtok: UsdPerMtok | None = Field(
        default=None, description="Writing to the cache with 1-hour retention, where offered."
    )

    @model_validator(mode="after")
    def _write_needs_read(self) -> Self:
        writes = (self.cache_write_usd_per_mtok, self.cache_write_1h_usd_per_mtok)
        if any(w is not None for w in writes) and self.cache_read_usd_per_mtok is None:
            raise ValueError("a cache write price needs a cache read price as well")
        return self

    def rates(self) -> Rates:
        return Rates(**{name: getattr(self, name) for name in Rates._fields})


class TierEntry(RateFields):
    """Long-context tier: a request with more input tokens than the threshold pays these rates
    on all its tokens."""

    above_input_tokens: PositiveTokens


class LevelFields(RateFields):
    tiers: list[TierEntry] = Field(default_factory=list)

    @field_validator("tiers")
    @classmethod
    def _tiers_in_order(cls, tiers: list[TierEntry]) -> list[TierEntry]:
        thresholds = [t.above_input_tokens for t in tiers]
        if any(b <= a for a, b in itertools.pairwise(thresholds)):
            raise ValueError(
                "tier thresholds (above_input_tokens) must rise from one tier to the next "
                f"(got {', '.join(f'{t:,}' for t in thresholds)})"
            )
        return tiers

    def level(self) -> PriceLevel:
        return PriceLevel(
            self.rates(), tuple(Tier(t.above_input_tokens, t.rates()) for t in self.tiers)
        )


class VariantFields(LevelFields):
    """A request variant's own rates (and tiers)."""


class Variants(_Strict):
    """Request variants with their own rates: batch API, flex and priority processing."""

    batch: VariantFields | None = None
    flex: VariantFields | None = None
    priority: VariantFields | None = None

    def levels(self) -> tuple[tuple[str, PriceLevel], ...]:
        found = ((name, getattr(self, name)) for name in VARIANTS)
        return tuple((name, level.level()) for name, level in found if level is not None)


class TimeOfDayEntry(RateFields):
    """Standard rates in force between two UTC times of day, e.g. DeepSeek's peak hours."""

    from_utc: Clock = Field(description="Start, HH:MM UTC (included).")
    until_utc: Clock = Field(description="End, HH:MM UTC (not included); may be past midnight.")

    @model_validator(mode="after")
    def _not_empty(self) -> Self:
        if self.from_utc == self.until_utc:
            raise ValueError(f"from_utc and until_utc are both {self.from_utc}: an empty window")
        return self

    def window(self) -> TimeWindow:
        return TimeWindow(_minutes(self.from_utc), _minutes(self.until_utc), self.rates())


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


class HistoryEntry(LevelFields):
    """Prices in force from ``effective_from`` until the next change (the oldest entry may leave
    it out: in force since the model came out)."""

    effective_from: dt.date | None = None
    variants: Variants = Variants()


class ModelEntry(LevelFields):
    """One model's list prices, USD per 1M tokens."""

    id: ModelId = Field(description="The provider's API model name, e.g. claude-haiku-4-5.")
    name: str = Field(min_length=1, description="Display name, e.g. Claude Haiku 4.5.")
    aliases: list[ModelId] = Field(default_factory=list, description="Other spellings accepted.")
    cache_min_tokens: PositiveTokens | None = Field(
        default=None, description="The shortest prompt prefix the provider will cache."
    )
    effective_from: dt.date | None = Field(
        default=None, description="When these prices took effect (needed with history)."
    )
    variants: Variants = Variants()
    history: list[HistoryEntry] = Field(
        default_factory=list, description="Earlier prices, oldest first."
    )
    time_of_day: list[TimeOfDayEntry] = Field(
        default_factory=list,
        description="Standard rates by UTC time of day; the rates above apply at other times.",
    )
    retires: dt.date | None = Field(
        default=None, description="The day the provider stops serving the model."
    )
    retires_source: str | None = Field(
        default=None, description="Where the retirement date was announced."
    )
    source: str | None = Field(default=None, description="Overrides the file's source.")
    verified: dt.date | None = Field(default=None, description="Overrides the file's date.")
    notes: str | None = None

    @model_validator(mode="after")
    def _windows_apart(self) -> Self:
        windows = [w.window() for w in self.time_of_day]
        for i, a in enumerate(windows):
            for b in windows[i + 1 :]:
                if a.covers(b.start_minute) or b.covers(a.start_minute):
                    raise ValueError(f"time_of_day windows {a.label} and {b.label} overlap")
        return self

    @model_validator(mode="after")
    def _history_in_order(self) -> Self:
        if not self.history:
            return self
        if self.effective_from is None:
            raise ValueError("a model with history needs effective_from for its current prices")
        if any(h.effective_from is None for h in self.history[1:]):
            raise ValueError("only the oldest history entry may leave out effective_from")
        dates = [h.effective_from for h in self.history if h.effective_from] + [self.effective_from]
        if any(b <= a for a, b in itertools.pairwise(dates)):
            raise ValueError(
                "history must run oldest first, every effective_from before the next and before "
                f"the current prices' (got {', '.join(d.isoformat() for d in dates)})"
            )
        return self


class PriceFile(BaseModel):
    """A provider's price table."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    provider: Slug
    provider_name: str = Field(min_length=1)
    source: str = Field(min_length=1, description="Where the prices were taken from.")
    verified: dt.date = Field(description="The date the prices were last checked.")
    models: list[ModelEntry] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_names(self) -> Self:
        seen: dict[str, str] = {}
        for model in self.models:
            for name in (model.id, *model.aliases):
                key = name.lower()
                if key in seen:
                    raise ValueError(f"'{name}' names both {seen[key]} and {model.id}")
                seen[key] = model.id
        return self


def validate_price_file(document: YamlDocument) -> PriceFile:
    """Validate parsed YAML; the first problem becomes a one-line error naming file, line, field."""
    if not isinstance(document.data, dict):
        raise TicketcostError(
            f"{document.source}: a price file is a mapping with provider, provider_name, source, "
            "verified and models"
        )
    try:
        return PriceFile.model_validate(document.data)
    except ValidationError as exc:
        raise first_problem(
            exc, PriceFile, document.source, document.data, document.line_of
        ) from None
