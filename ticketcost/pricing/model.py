"""A model's prices as plain values: base rates, long-context tiers, batch/flex/priority variants,
the 1-hour cache-write price, the minimum cacheable prompt, dated earlier prices, prices by time of
day, and the day the provider retires the model.

Exact ``Decimal`` values in USD per 1M tokens. Nothing here reads files or validates them: see
:mod:`ticketcost.pricing.schema` (the strict file schema) and :mod:`ticketcost.pricing.table`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, NamedTuple

from ticketcost import money
from ticketcost.errors import TicketcostError

_PRICE_FIELDS = (
    "input_usd_per_mtok",
    "output_usd_per_mtok",
    "cache_read_usd_per_mtok",
    "cache_write_usd_per_mtok",
)
_RATE_FIELDS = (*_PRICE_FIELDS, "cache_write_1h_usd_per_mtok")
VARIANTS = ("batch", "flex", "priority")


class Rates(NamedTuple):
    """The prices one request pays, USD per 1M tokens (None: the provider has no such price)."""

    input_usd_per_mtok: Decimal
    output_usd_per_mtok: Decimal
    cache_read_usd_per_mtok: Decimal | None
    cache_write_usd_per_mtok: Decimal | None  # 5-minute retention, or the only write price
    cache_write_1h_usd_per_mtok: Decimal | None = None  # 1-hour retention

    def scaled(self, factor: Decimal) -> Rates:
        """Every price times ``factor``, exactly."""

        def times(value: Decimal | None) -> Decimal | None:
            return None if value is None else money.multiply(value, factor)

        return Rates(
            money.multiply(self.input_usd_per_mtok, factor),
            money.multiply(self.output_usd_per_mtok, factor),
            times(self.cache_read_usd_per_mtok),
            times(self.cache_write_usd_per_mtok),
            times(self.cache_write_1h_usd_per_mtok),
        )

    def to_record(self) -> dict[str, str | None]:
        return {k: None if v is None else str(v) for k, v in self._asdict().items()}

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Rates:
        return cls(*(_optional_decimal(record.get(k)) for k in _RATE_FIELDS))  # type: ignore[arg-type]


class Tier(NamedTuple):
    """Long-context tier: a request with more input tokens than this pays ``rates`` on all of it."""

    above_input_tokens: int
    rates: Rates


class PriceLevel(NamedTuple):
    """Standard service or a request variant (batch, flex, priority): rates and their tiers."""

    rates: Rates
    tiers: tuple[Tier, ...] = ()

    def for_input(self, input_tokens: int) -> tuple[Rates, Tier | None]:
        """The rates of a request with ``input_tokens`` (the highest tier it passes, if any)."""
        chosen: Tier | None = None
        for tier in self.tiers:
            if input_tokens > tier.above_input_tokens:
                chosen = tier
        return (chosen.rates if chosen else self.rates), chosen

    def scaled(self, factor: Decimal) -> PriceLevel:
        return PriceLevel(
            self.rates.scaled(factor),
            tuple(Tier(t.above_input_tokens, t.rates.scaled(factor)) for t in self.tiers),
        )

    def to_record(self) -> dict[str, Any]:
        return self.rates.to_record() | {
            "tiers": [
                {"above_input_tokens": t.above_input_tokens} | t.rates.to_record()
                for t in self.tiers
            ]
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> PriceLevel:
        return cls(
            Rates.from_record(record),
            tuple(
                Tier(int(t["above_input_tokens"]), Rates.from_record(t)) for t in record["tiers"]
            ),
        )


class TimeWindow(NamedTuple):
    """Standard rates in force between two UTC times of day (minutes after midnight; ``start``
    included, ``end`` not; a window may run past midnight): DeepSeek's peak and off-peak hours."""

    start_minute: int
    end_minute: int
    rates: Rates

    def covers(self, minute: int) -> bool:
        if self.start_minute < self.end_minute:
            return self.start_minute <= minute < self.end_minute
        return minute >= self.start_minute or minute < self.end_minute

    @property
    def from_utc(self) -> str:
        return _clock(self.start_minute)

    @property
    def until_utc(self) -> str:
        return _clock(self.end_minute)

    @property
    def label(self) -> str:
        return f"{self.from_utc}–{self.until_utc} UTC"

    def to_record(self) -> dict[str, Any]:
        return {"start": self.start_minute, "end": self.end_minute} | self.rates.to_record()

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> TimeWindow:
        return cls(int(record["start"]), int(record["end"]), Rates.from_record(record))


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


class DatedPrices(NamedTuple):
    """Prices in force from ``effective_from`` until the next recorded change."""

    effective_from: dt.date | None  # None: the oldest prices, in force since the model came out
    standard: PriceLevel
    variants: tuple[tuple[str, PriceLevel], ...] = ()


@dataclass(frozen=True)
class ModelPrice:
    """One model's list prices (USD per 1M tokens) and where they came from.

    The four ``*_usd_per_mtok`` fields are the standard rates of the base tier in force now;
    ``tiers`` (long-context), ``variants`` (batch, flex, priority) and ``history`` (earlier prices,
    see :meth:`on`) refine them.
    """

    id: str
    name: str
    provider: str
    provider_name: str
    aliases: tuple[str, ...]
    input_usd_per_mtok: Decimal
    output_usd_per_mtok: Decimal
    cache_read_usd_per_mtok: Decimal | None
    cache_write_usd_per_mtok: Decimal | None
    source: str
    verified: dt.date
    notes: str | None
    origin: str  # the file the price was read from, e.g. "pricing/anthropic.yaml"
    cache_write_1h_usd_per_mtok: Decimal | None = None
    cache_min_tokens: int | None = None  # the provider's minimum cacheable prompt
    effective_from: dt.date | None = None  # None: no recorded start
    tiers: tuple[Tier, ...] = ()
    variants: tuple[tuple[str, PriceLevel], ...] = ()
    history: tuple[DatedPrices, ...] = ()  # earlier prices, oldest first
    variant: str | None = None  # set by with_variant: the rates above are this variant's
    # Standard rates by UTC time of day (the base rates apply outside every window); they belong
    # to the current prices: an earlier period (history) and the variants have none.
    time_of_day: tuple[TimeWindow, ...] = ()
    retires: dt.date | None = None  # the day the provider stops serving the model
    retires_source: str | None = None  # where that day was announced

    def at_minute(self, minute: int) -> Rates:
        """The standard base rates of a request at ``minute`` after midnight UTC."""
        for window in self.time_of_day:
            if window.covers(minute):
                return window.rates
        return self.rates

    def retired_on(self, date: dt.date) -> bool:
        return self.retires is not None and date >= self.retires

    @property
    def rates(self) -> Rates:
        """The standard base-tier rates."""
        return Rates(
            self.input_usd_per_mtok,
            self.output_usd_per_mtok,
            self.cache_read_usd_per_mtok,
            self.cache_write_usd_per_mtok,
            self.cache_write_1h_usd_per_mtok,
        )

    def level(self, variant: str | None = None) -> PriceLevel:
        """Standard service (None) or a request variant, with its tiers."""
        if variant is None:
            return PriceLevel(self.rates, self.tiers)
        levels = dict(self.variants)
        if variant not in levels:
            offered = ", ".join(levels) if levels else "none"
            raise TicketcostError(
                f"{self.id} has no {variant} price in the data (variants it has: {offered}); "
                "drop it from the comparison or add the price with `pricing` FILE",
                hints=("pricing",),
            )
        return levels[variant]

    def with_variant(self, variant: str | None) -> ModelPrice:
        """The model as priced for a request variant (batch, flex, priority): that variant's rates
        and tiers in place of the standard ones. Apply :meth:`on` first for a past date."""
        if variant is None:
            return self
        level = self.level(variant)
        return _with_rates(
            self,
            level.rates,
            tiers=level.tiers,
            variants=(),
            history=(),
            variant=variant,
            time_of_day=(),
        )

    def on(self, date: dt.date) -> ModelPrice:
        """The prices in force on ``date`` (a recorded change is never overwritten)."""
        if self.effective_from is None or date >= self.effective_from:
            return self
        earlier = [h for h in self.history if h.effective_from is None or h.effective_from <= date]
        if not earlier:
            first = self.history[0].effective_from if self.history else self.effective_from
            assert first is not None
            raise TicketcostError(
                f"no price for {self.id} on {date.isoformat()}: the earliest recorded price is "
                f"from {first.isoformat()}"
            )
        past = earlier[-1]
        return _with_rates(
            self,
            past.standard.rates,
            tiers=past.standard.tiers,
            variants=past.variants,
            effective_from=past.effective_from,
            history=self.history[: self.history.index(past)],
            time_of_day=(),
        )

    def scaled(self, factor: Decimal) -> ModelPrice:
        """Every price (tiers, variants and history included) times ``factor``, exactly."""
        level = self.level().scaled(factor)
        return _with_rates(
            self,
            level.rates,
            tiers=level.tiers,
            variants=tuple((name, lv.scaled(factor)) for name, lv in self.variants),
            time_of_day=tuple(
                TimeWindow(w.start_minute, w.end_minute, w.rates.scaled(factor))
                for w in self.time_of_day
            ),
            history=tuple(
                DatedPrices(
                    h.effective_from,
                    h.standard.scaled(factor),
                    tuple((name, lv.scaled(factor)) for name, lv in h.variants),
                )
                for h in self.history
            ),
        )

    def to_record(self) -> dict[str, Any]:
        """JSON-safe form: prices as exact decimal strings, the date in ISO form."""
        record: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "provider": self.provider,
            "provider_name": self.provider_name,
            "aliases": list(self.aliases),
            "source": self.source,
            "verified": self.verified.isoformat(),
            "notes": self.notes,
            "origin": self.origin,
            "variant": self.variant,
        }
        record |= self.level().to_record()
        record |= {
            "time_of_day": [w.to_record() for w in self.time_of_day],
            "retires": _iso(self.retires),
            "retires_source": self.retires_source,
            "cache_min_tokens": self.cache_min_tokens,
            "effective_from": _iso(self.effective_from),
            "variants": {name: level.to_record() for name, level in self.variants},
            "history": [
                {
                    "effective_from": _iso(h.effective_from),
                    "standard": h.standard.to_record(),
                    "variants": {name: level.to_record() for name, level in h.variants},
                }
                for h in self.history
            ],
        }
        return record

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> ModelPrice:
        level = PriceLevel.from_record(record)
        return cls(
            id=record["id"],
            name=record["name"],
            provider=record["provider"],
            provider_name=record["provider_name"],
            aliases=tuple(record["aliases"]),
            input_usd_per_mtok=Decimal(record["input_usd_per_mtok"]),
            output_usd_per_mtok=Decimal(record["output_usd_per_mtok"]),
            cache_read_usd_per_mtok=_optional_decimal(record["cache_read_usd_per_mtok"]),
            cache_write_usd_per_mtok=_optional_decimal(record["cache_write_usd_per_mtok"]),
            source=record["source"],
            verified=dt.date.fromisoformat(record["verified"]),
            notes=record["notes"],
            origin=record["origin"],
            variant=record.get("variant"),
            cache_write_1h_usd_per_mtok=level.rates.cache_write_1h_usd_per_mtok,
            cache_min_tokens=record["cache_min_tokens"],
            time_of_day=tuple(TimeWindow.from_record(w) for w in record["time_of_day"]),
            retires=_optional_date(record["retires"]),
            retires_source=record["retires_source"],
            effective_from=_optional_date(record["effective_from"]),
            tiers=level.tiers,
            variants=_variants_from_record(record["variants"]),
            history=tuple(
                DatedPrices(
                    _optional_date(h["effective_from"]),
                    PriceLevel.from_record(h["standard"]),
                    _variants_from_record(h["variants"]),
                )
                for h in record["history"]
            ),
        )


def _optional_decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _with_rates(model: ModelPrice, rates: Rates, **changes: Any) -> ModelPrice:
    """``model`` with its base rates replaced by ``rates`` (and any other ``changes``)."""
    return replace(
        model,
        input_usd_per_mtok=rates.input_usd_per_mtok,
        output_usd_per_mtok=rates.output_usd_per_mtok,
        cache_read_usd_per_mtok=rates.cache_read_usd_per_mtok,
        cache_write_usd_per_mtok=rates.cache_write_usd_per_mtok,
        cache_write_1h_usd_per_mtok=rates.cache_write_1h_usd_per_mtok,
        **changes,
    )


def _optional_date(text: str | None) -> dt.date | None:
    return None if text is None else dt.date.fromisoformat(text)


def _iso(date: dt.date | None) -> str | None:
    return None if date is None else date.isoformat()


def _variants_from_record(record: dict[str, Any]) -> tuple[tuple[str, PriceLevel], ...]:
    return tuple((name, PriceLevel.from_record(level)) for name, level in record.items())
