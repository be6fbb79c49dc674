"""ticketcost: what one AI-handled customer-support ticket really costs, exactly.

The library API (documented in docs/library.md)::

    import ticketcost

    haiku = ticketcost.price_table().get("claude-haiku-4.5")
    cost = ticketcost.price_conversation(haiku, ticketcost.ConversationProfile(turns=8))
    cost.total_usd  # Decimal('0.01938'), exact

Amounts are ``decimal.Decimal`` in USD; prices are per 1M tokens. Bad input raises
:class:`TicketcostError` (a ``ValueError``) with a one-line message.

Names are imported on first use, so ``import ticketcost`` (and the command line, which imports
it) stays fast; ``__version__`` is read from the installed package's metadata.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ticketcost.attribution import Attribution, attribute_logs
    from ticketcost.costs.benchmarks import Benchmark, bundled_benchmarks
    from ticketcost.costs.compare import Comparison, compare
    from ticketcost.costs.config import Config, load_config
    from ticketcost.costs.conversation import (
        CacheMode,
        CacheTTL,
        ConversationCost,
        ConversationProfile,
        price_conversation,
    )
    from ticketcost.costs.estimate import Estimate, estimate
    from ticketcost.costs.stack import StackResult, compute_stack
    from ticketcost.errors import TicketcostError
    from ticketcost.pricing.model import ModelPrice
    from ticketcost.pricing.table import PriceTable, price_table

# public name -> the module that defines it
_EXPORTS = {
    "price_table": "ticketcost.pricing.table",
    "PriceTable": "ticketcost.pricing.table",
    "ModelPrice": "ticketcost.pricing.model",
    "ConversationProfile": "ticketcost.costs.conversation",
    "CacheMode": "ticketcost.costs.conversation",
    "CacheTTL": "ticketcost.costs.conversation",
    "ConversationCost": "ticketcost.costs.conversation",
    "price_conversation": "ticketcost.costs.conversation",
    "estimate": "ticketcost.costs.estimate",
    "Estimate": "ticketcost.costs.estimate",
    "load_config": "ticketcost.costs.config",
    "Config": "ticketcost.costs.config",
    "compute_stack": "ticketcost.costs.stack",
    "StackResult": "ticketcost.costs.stack",
    "bundled_benchmarks": "ticketcost.costs.benchmarks",
    "Benchmark": "ticketcost.costs.benchmarks",
    "compare": "ticketcost.costs.compare",
    "Comparison": "ticketcost.costs.compare",
    "attribute_logs": "ticketcost.attribution",
    "Attribution": "ticketcost.attribution",
    "TicketcostError": "ticketcost.errors",
}

__all__ = [
    "Attribution",
    "Benchmark",
    "CacheMode",
    "CacheTTL",
    "Comparison",
    "Config",
    "ConversationCost",
    "ConversationProfile",
    "Estimate",
    "ModelPrice",
    "PriceTable",
    "StackResult",
    "TicketcostError",
    "__version__",
    "attribute_logs",
    "bundled_benchmarks",
    "compare",
    "compute_stack",
    "estimate",
    "load_config",
    "price_conversation",
    "price_table",
]


def __getattr__(name: str) -> Any:
    if name == "__version__":
        value: Any = _installed_version()
    elif name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
    else:
        raise AttributeError(f"module 'ticketcost' has no attribute {name!r}")
    globals()[name] = value  # looked up once
    return value


def _installed_version() -> str:
    """The version in the installed package's metadata.

    Looks on ``sys.path`` for ``ticketcost-*.dist-info`` as :mod:`importlib.metadata` does, and
    reads its ``METADATA`` header directly: importing ``importlib.metadata`` (``email``,
    ``zipfile``) costs ~30 ms, which every JSON report would pay for its ``generated_by``.
    """
    import os
    import sys

    for entry in sys.path:
        try:
            names = sorted(os.listdir(entry or "."))
        except OSError:
            continue
        for name in names:
            if name.startswith("ticketcost-") and name.endswith(".dist-info"):
                try:
                    with open(os.path.join(entry or ".", name, "METADATA"), encoding="utf-8") as f:
                        for line in f:
                            if line.startswith("Version:"):
                                return line.partition(":")[2].strip()
                            if not line.strip():
                                break  # the end of the headers
                except OSError:
                    continue
    from importlib.metadata import version  # zipped or unusual installs

    return version("ticketcost")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
