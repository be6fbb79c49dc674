"""What-ifs of the commands that read a config: prices in a view (variant, date, discount,
markup), config values set for one run (``--set``), and the currency every amount is shown in.
Kept apart from :mod:`.options` so that ``estimate`` does not load it."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from ticketcost.cli.options import price_view
from ticketcost.pricing.view import Variant

F = TypeVar("F", bound=Any)

if TYPE_CHECKING:
    from ticketcost.costs.config import LoadedConfig
    from ticketcost.costs.stack import StackResult
    from ticketcost.pricing.table import PriceTable
    from ticketcost.pricing.view import PriceView
    from ticketcost.report.model import Report


def load_stack(
    config: Path | None, prices: PriceTable, what_if: WhatIf | None = None
) -> tuple[LoadedConfig, StackResult]:
    """The config (found or given) and its cost stack at ``prices``, what-ifs applied."""
    from ticketcost.costs.stack import compute_stack

    loaded, prices = load_what_if(config, prices, what_if)
    return loaded, compute_stack(loaded.config, prices)


class WhatIf(NamedTuple):
    """A config command's what-ifs: prices in a view (variant, date, discount, markup), config
    values changed for the run (``--set``), and the currency every amount is shown in."""

    view: PriceView | None = None
    sets: tuple[str, ...] = ()
    currency: str = "USD"
    fx: Decimal = Decimal(1)

    def notes(self) -> list[str]:
        notes = self.view.notes() if self.view is not None else []
        if self.sets:
            notes.append("Changed for this run (--set): " + ", ".join(self.sets))
        if self.currency != "USD":
            notes.append(
                f"Every amount in {self.currency} at {self.fx.normalize():f} per USD (your rate, "
                "never fetched); computed in USD, as the prices and the config are"
            )
        return notes

    def shown(self, report: Report) -> Report:
        """``report`` with the what-if notes first, in the chosen currency."""
        from dataclasses import replace

        from ticketcost.report.currency import in_currency

        notes = self.notes()
        if notes:
            report = replace(report, notes=(*notes, *report.notes))
        return in_currency(report, self.currency, self.fx)


WHAT_IF_NONE = WhatIf()  # what a command sees when no what-if is given


def what_if(
    variant: Variant | None = None,
    as_of: str | None = None,
    discount: str | None = None,
    markup: str | None = None,
    set_values: Sequence[str] | None = None,
    currency: str | None = None,
    fx: str | None = None,
) -> WhatIf:
    from ticketcost.pricing.view import Adjustment

    view = None
    if variant or as_of or discount is not None or markup is not None:
        view = price_view(variant, as_of, discount, markup, None, None)
    shown_in = Adjustment.from_flags(None, None, currency, fx)  # checks the pair
    return WhatIf(view, tuple(set_values or ()), shown_in.currency, shown_in.fx)


def load_what_if(
    config: Path | None, prices: PriceTable, what: WhatIf | None
) -> tuple[LoadedConfig, PriceTable]:
    """The config with ``--set`` applied, and ``prices`` with the models it uses (intents and
    candidates) in the view; a model without the variant or date asked for is refused."""
    from ticketcost.costs.config import load_config

    what = what or WhatIf()
    loaded = load_config(config, prices, sets=what.sets)
    if what.view is None:
        return loaded, prices
    names = {i.model for i in loaded.config.intents}
    names |= {c.model for i in loaded.config.intents for c in i.candidates}
    used = [what.view.apply(prices.get(name)) for name in sorted(names)]
    return loaded, prices.with_overrides(used)


# The what-if options, given to a command by :func:`takes_what_ifs` (typer reads a command's
# parameters from its signature, so they are added to it rather than spelled in every command).
_OPTIONS = (
    ("variant", "VariantOption"),
    ("as_of", "AsOfOption"),
    ("discount", "DiscountOption"),
    ("markup", "MarkupOption"),
    ("set_values", "SetOption"),
    ("currency", "CurrencyOption"),
    ("fx", "FxOption"),
)
_LAST = ("output_format", "export")  # kept at the end of --help


def takes_what_ifs(function: F) -> F:
    """Give a command the what-if options; it receives them as one ``what: WhatIf``."""
    import inspect

    from ticketcost.cli import options

    added = [
        inspect.Parameter(
            name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=getattr(options, kind)
        )
        for name, kind in _OPTIONS
    ]

    def call(kwargs: dict[str, Any]) -> Any:
        chosen = {name: kwargs.pop(name) for name, _ in _OPTIONS}
        return function(**kwargs, what=what_if(**chosen))

    return options.with_parameters(function, added, call, drop=("what",), last=_LAST)
