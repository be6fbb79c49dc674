"""What-ifs of the commands that read a config: prices in a view (variant, date, discount,
markup), config values set for one run (``--set``), and the currency every amount is shown in.
Kept apart from :mod:`.options` so that ``estimate`` does not load it."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from ticketcost.cli.options import price_view
from ticketcost.pricing.view import Variant

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


def what_if(
    variant: Variant | None,
    as_of: str | None,
    discount: str | None,
    markup: str | None,
    sets: Sequence[str] | None = None,
    currency: str | None = None,
    fx: str | None = None,
) -> WhatIf:
    from ticketcost.pricing.view import Adjustment

    view = None
    if variant or as_of or discount is not None or markup is not None:
        view = price_view(variant, as_of, discount, markup, None, None)
    shown_in = Adjustment.from_flags(None, None, currency, fx)  # checks the pair
    return WhatIf(view, tuple(sets or ()), shown_in.currency, shown_in.fx)


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
