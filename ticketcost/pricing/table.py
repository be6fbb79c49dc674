"""Model price tables: the bundled ones in ``pricing/*.yaml`` and a user's own files.

Prices are exact ``Decimal`` values in USD per 1M tokens. The bundled tables are validated with the
strict pydantic schema (:mod:`ticketcost.pricing.schema`) and the validated records are kept in a
small JSON cache keyed by the size and modification time of the data files and the schema, and the
ticketcost version, so a normal run neither imports pydantic nor parses YAML. Set
``TICKETCOST_NO_CACHE=1`` to skip the cache, or ``TICKETCOST_CACHE_DIR`` to move it (default
``~/.cache/ticketcost``).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ticketcost import __version__, money
from ticketcost.errors import TicketcostError
from ticketcost.io.datafiles import data_files, read_user_file

if TYPE_CHECKING:
    from ticketcost.pricing.schema import PriceFile

CACHE_FORMAT = 2
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
                "drop it from the comparison or add the price with --pricing FILE"
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
        )

    def scaled(self, factor: Decimal) -> ModelPrice:
        """Every price (tiers, variants and history included) times ``factor``, exactly."""
        level = self.level().scaled(factor)
        return _with_rates(
            self,
            level.rates,
            tiers=level.tiers,
            variants=tuple((name, lv.scaled(factor)) for name, lv in self.variants),
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


class PriceTable:
    """Models by id, with lookup by id, alias or ``provider/id`` (case-insensitive)."""

    def __init__(self, models: Iterable[ModelPrice]) -> None:
        self._models: dict[str, ModelPrice] = {}
        self._index: dict[str, str] = {}
        for model in models:
            self._add(model, replace=False)

    def _add(self, model: ModelPrice, *, replace: bool) -> None:
        if model.id in self._models and not replace:
            raise TicketcostError(
                f"{model.origin}: model id '{model.id}' is already defined in "
                f"{self._models[model.id].origin}"
            )
        self._models[model.id] = model
        for name in (model.id, *model.aliases, f"{model.provider}/{model.id}"):
            key = name.lower()
            owner = self._index.get(key)
            # An override may take over another model's alias, never another model's own id.
            owned_id = owner is not None and key in (owner.lower(), self._qualified(owner))
            if owner is not None and owner != model.id and (not replace or owned_id):
                raise TicketcostError(
                    f"{model.origin}: '{name}' (model {model.id}) already names model {owner} "
                    f"in {self._models[owner].origin}; to change {owner}'s price, use its id"
                )
            self._index[key] = model.id

    def _qualified(self, model_id: str) -> str:
        model = self._models[model_id]
        return f"{model.provider}/{model.id}".lower()

    def with_overrides(self, models: Iterable[ModelPrice]) -> PriceTable:
        """A new table where ``models`` add to or replace (by id, alias) the ones here."""
        table = PriceTable(self._models.values())
        for model in models:
            table._add(model, replace=True)
        return table

    def __len__(self) -> int:
        return len(self._models)

    def __iter__(self) -> Any:
        return iter(self._models.values())

    def models(self, provider: str | None = None) -> list[ModelPrice]:
        if provider is None:
            return list(self._models.values())
        wanted = provider.lower()
        found = [m for m in self._models.values() if m.provider == wanted]
        if not found:
            raise TicketcostError(
                f"unknown provider '{provider}'{_did_you_mean(wanted, self.providers())}"
                f"; known providers: {', '.join(self.providers())}"
            )
        return found

    def providers(self) -> list[str]:
        return sorted({m.provider for m in self._models.values()})

    def get(self, name: str) -> ModelPrice:
        key = name.strip().lower()
        model_id = self._index.get(key)
        if model_id is None:
            import difflib

            close = difflib.get_close_matches(key, list(self._index), n=6, cutoff=0.6)
            ids = list(dict.fromkeys(self._index[c] for c in close))[:3]
            hint = f"; did you mean {', '.join(ids)}?" if ids else ""
            raise TicketcostError(
                f"unknown model '{name}'{hint} (run 'ticketcost models' for the {len(self)} "
                "known models, or add yours with --pricing FILE)"
            )
        return self._models[model_id]


def _did_you_mean(word: str, choices: Sequence[str]) -> str:
    import difflib

    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""


# ---------------------------------------------------------------------------------------- loading


def models_from_file(price_file: PriceFile, origin: str) -> list[ModelPrice]:
    return [
        ModelPrice(
            id=entry.id,
            name=entry.name,
            provider=price_file.provider,
            provider_name=price_file.provider_name,
            aliases=tuple(entry.aliases),
            input_usd_per_mtok=entry.input_usd_per_mtok,
            output_usd_per_mtok=entry.output_usd_per_mtok,
            cache_read_usd_per_mtok=entry.cache_read_usd_per_mtok,
            cache_write_usd_per_mtok=entry.cache_write_usd_per_mtok,
            source=entry.source or price_file.source,
            verified=entry.verified or price_file.verified,
            notes=entry.notes,
            origin=origin,
            cache_write_1h_usd_per_mtok=entry.cache_write_1h_usd_per_mtok,
            cache_min_tokens=entry.cache_min_tokens,
            effective_from=entry.effective_from,
            tiers=entry.level().tiers,
            variants=entry.variants.levels(),
            history=tuple(
                DatedPrices(h.effective_from, h.level(), h.variants.levels()) for h in entry.history
            ),
        )
        for entry in price_file.models
    ]


def parse_price_text(text: str | bytes, origin: str) -> list[ModelPrice]:
    """Validate one price file's text against the schema (imports pydantic and yaml lazily)."""
    from ticketcost.io.yamlio import parse_yaml
    from ticketcost.pricing.schema import validate_price_file

    return models_from_file(validate_price_file(parse_yaml(text, origin)), origin)


def load_price_file(path: str | os.PathLike[str]) -> list[ModelPrice]:
    """A user's price file (same schema as the bundled ones)."""
    return parse_price_text(read_user_file(path, "price file"), str(Path(path)))


@functools.cache
def bundled_prices() -> PriceTable:
    """The bundled price tables, validated (once per data version) and cached.

    Like Python's own bytecode cache, the cache key is built from each input file's size and
    modification time (plus the ticketcost version and the schema module), so a normal run reads
    one small JSON file instead of parsing YAML and importing pydantic.
    """
    files = data_files("pricing")
    key_parts = [f"ticketcost {__version__}", f"format {CACHE_FORMAT}"]
    for path in (Path(__file__).with_name("schema.py"), *files):
        stat = path.stat()
        key_parts.append(f"{path.name} {stat.st_size} {stat.st_mtime_ns}")
    key = "|".join(key_parts)

    records = _read_cache(key)
    if records is not None:
        try:
            return PriceTable(ModelPrice.from_record(r) for r in records)
        except (KeyError, TypeError, ValueError, ArithmeticError):
            pass  # a damaged cache is rebuilt below
    models = [
        m for path in files for m in parse_price_text(path.read_bytes(), f"pricing/{path.name}")
    ]
    table = PriceTable(models)
    _write_cache(key, [m.to_record() for m in models])
    return table


def price_table(extra_files: Sequence[str | os.PathLike[str]] = ()) -> PriceTable:
    """Bundled prices, with user files layered on top in the order given."""
    table = bundled_prices()
    for path in extra_files:
        table = table.with_overrides(load_price_file(path))
    return table


def _cache_dir() -> Path | None:
    if os.environ.get("TICKETCOST_NO_CACHE"):
        return None
    configured = os.environ.get("TICKETCOST_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "ticketcost"


def _cache_file(directory: Path, key: str) -> Path:
    return directory / f"pricing-{zlib.crc32(key.encode()):08x}.json"


def _read_cache(key: str) -> list[dict[str, Any]] | None:
    directory = _cache_dir()
    if directory is None:
        return None
    try:
        payload = json.loads(_cache_file(directory, key).read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(payload, dict) or payload.get("key") != key:
        return None
    records = payload.get("models")
    return records if isinstance(records, list) else None


def _write_cache(key: str, records: list[dict[str, Any]]) -> None:
    """Best effort: a read-only or missing home directory just means no cache."""
    directory = _cache_dir()
    if directory is None:
        return
    import tempfile

    target = _cache_file(directory, key)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=directory, delete=False, suffix=".tmp") as tmp:
            json.dump({"key": key, "models": records}, tmp)
        os.replace(tmp.name, target)
        for stale in directory.glob("pricing-*.json"):
            if stale != target:
                stale.unlink(missing_ok=True)
    except OSError:
        return
