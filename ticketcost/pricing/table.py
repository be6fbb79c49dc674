"""Model price tables: the bundled ones in ``pricing/*.yaml`` and a user's own files.

Prices are exact ``Decimal`` values in USD per 1M tokens. The bundled tables are validated with the
strict pydantic schema (:mod:`ticketcost.pricing.schema`) and the validated records are kept in a
small JSON cache keyed by the size and modification time of the data files and the schema, and the
ticketcost version, so a normal run neither imports pydantic nor parses YAML. Set
``TICKETCOST_NO_CACHE=1`` to skip the cache, or ``TICKETCOST_CACHE_DIR`` to move it (default
``~/.cache/ticketcost``).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ticketcost.errors import TicketcostError
from ticketcost.io.datafiles import data_files, read_user_file
from ticketcost.pricing.cache import CACHE_FORMAT, read_cache, write_cache
from ticketcost.pricing.model import DatedPrices, ModelPrice

if TYPE_CHECKING:
    from ticketcost.pricing.schema import PriceFile


class PriceTable:
    """Models by id, with lookup by id, alias or ``provider/id`` (case-insensitive)."""

    def __init__(self, models: Iterable[ModelPrice]) -> None:
        self._models: dict[str, ModelPrice] = {}
        self._index: dict[str, str] = {}
        # What layering a user's file on top did: (file, model id, the file it replaced) for each
        # id it took over, and a sentence for each name it left to the model whose id it is.
        self.replaced: list[tuple[str, str, str]] = []
        self.notes: list[str] = []
        for model in models:
            self._add(model, replace=False)

    def _add(self, model: ModelPrice, *, replace: bool) -> None:
        before = self._models.get(model.id)
        if before is not None and not replace:
            raise TicketcostError(
                f"{model.origin}: model id '{model.id}' is already defined in {before.origin}"
            )
        if before is not None and before.origin != model.origin:
            self.replaced.append((model.origin, model.id, before.origin))
        self._models[model.id] = model
        for name in (model.id, *model.aliases, f"{model.provider}/{model.id}"):
            key = name.lower()
            owner = self._index.get(key)
            if owner is None or owner == model.id:
                self._index[key] = model.id
                continue
            # An override may take over another model's alias, never another model's own id: that
            # name stays with the model it names (the bundled tables themselves must not clash).
            if not replace:
                raise TicketcostError(
                    f"{model.origin}: '{name}' (model {model.id}) already names model {owner} "
                    f"in {self._models[owner].origin}; to change {owner}'s price, use its id"
                )
            if key in (owner.lower(), self._qualified(owner)):
                self.notes.append(
                    f"{model.origin}: '{name}' still names {owner} ({self._models[owner].origin}), "
                    f"whose id it is; {model.id} is reached by its own id"
                )
                continue
            self._index[key] = model.id

    def _qualified(self, model_id: str) -> str:
        model = self._models[model_id]
        return f"{model.provider}/{model.id}".lower()

    def with_overrides(self, models: Iterable[ModelPrice]) -> PriceTable:
        """A new table where ``models`` add to or replace (by id, alias) the ones here."""
        table = PriceTable(self._models.values())
        table.replaced, table.notes = list(self.replaced), list(self.notes)
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

    def select(self, names: Sequence[str] = (), provider: str | None = None) -> list[ModelPrice]:
        """The models named (ids or aliases; each once, in the order given), or every model when
        none is named; only ``provider``'s when it is given."""
        if not names:
            return self.models(provider)
        chosen = list({m.id: m for m in (self.get(name) for name in names)}.values())
        if provider:
            chosen = [m for m in chosen if m.provider == provider.lower()]
            if not chosen:
                raise TicketcostError(
                    f"none of the models given with `model` is from '{provider}'", hints=("model",)
                )
        return chosen

    def providers(self) -> list[str]:
        return sorted({m.provider for m in self._models.values()})

    def find(self, name: str) -> ModelPrice | None:
        """The model an id or alias names, or None."""
        model_id = self._index.get(name.strip().lower())
        return None if model_id is None else self._models[model_id]

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
                "known models, or add yours with `pricing` FILE)",
                hints=("pricing",),
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
            time_of_day=tuple(w.window() for w in entry.time_of_day),
            retires=entry.retires,
            retires_source=entry.retires_source,
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
    modification time (and those of the modules that define the records), so a normal run reads
    one small JSON file instead of parsing YAML and importing pydantic.
    """
    files = data_files("pricing")
    # The modules that give the records their meaning are part of the key, so an upgrade (which
    # rewrites them) or an edit invalidates the cache without asking for the package version.
    key_parts = [f"format {CACHE_FORMAT}"]
    here = Path(__file__)
    modules = (here, here.with_name("schema.py"), here.with_name("model.py"))
    for path in (*modules, *files):
        stat = path.stat()
        key_parts.append(f"{path.name} {stat.st_size} {stat.st_mtime_ns}")
    key = "|".join(key_parts)

    records = read_cache(key)
    if records is not None:
        try:
            return PriceTable(ModelPrice.from_record(r) for r in records)
        except (KeyError, TypeError, ValueError, ArithmeticError):
            pass  # a damaged cache is rebuilt below
    models = [
        m for path in files for m in parse_price_text(path.read_bytes(), f"pricing/{path.name}")
    ]
    table = PriceTable(models)
    write_cache(key, [m.to_record() for m in models])
    return table


def price_table(extra_files: Sequence[str | os.PathLike[str]] = ()) -> PriceTable:
    """Bundled prices, with user files layered on top in the order given."""
    table = bundled_prices()
    for path in extra_files:
        table = table.with_overrides(load_price_file(path))
    return table
