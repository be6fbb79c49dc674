"""Set the config's all-in cost per resolved ticket beside reference points."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from ticketcost import money
from ticketcost.costs.benchmarks import Benchmark, Category, Includes, Unit
from ticketcost.costs.completeness import ESCALATIONS
from ticketcost.costs.stack import StackResult
from ticketcost.errors import TicketcostError


@dataclass(frozen=True)
class BenchmarkComparison:
    benchmark: Benchmark
    ratio: Decimal | None  # ours / the benchmark's figure (or mid-range); None for a $0 figure
    # Human baselines only: what each AI-resolved ticket saves against the human figure (low and
    # high end of its range), and that over the month's AI-resolved tickets.
    saving_per_ticket: tuple[Decimal, Decimal] | None
    saving_per_month: tuple[Decimal, Decimal] | None
    # what makes the pair unlike beyond the benchmark's own terms: parts of an all-in figure
    # that the config leaves out and the benchmark includes
    left_out: tuple[str, ...] = ()
    # the benchmark's figure (range midpoint) times your month: resolutions for a per-resolution
    # figure, tickets handled for a per-ticket or per-conversation one (None for a per-task one)
    at_your_volume: tuple[Decimal, Decimal, str] | None = None  # monthly, count, "resolutions"

    @property
    def differences(self) -> tuple[str, ...]:
        return (*self.benchmark.differences_from(all_in=not self.left_out), *self.left_out)


@dataclass(frozen=True)
class Comparison:
    stack: StackResult
    ours: Decimal  # all-in cost per resolved ticket
    rows: tuple[BenchmarkComparison, ...]


def compare(stack: StackResult, benchmarks: Sequence[Benchmark]) -> Comparison:
    ours = stack.per_resolved(stack.total_monthly)
    if ours is None:
        raise TicketcostError(
            "no ticket is resolved by the AI (every intent has escalation_rate 1), so there is no "
            "cost per resolved ticket to compare"
        )
    resolved = stack.resolved
    gaps = stack.gaps
    missing = ", ".join(g.label for g in gaps)
    no_escalations = ESCALATIONS in gaps
    rows = []
    for benchmark in benchmarks:
        saving = monthly = None
        left_out: tuple[str, ...] = ()
        if benchmark.category is Category.HUMAN and no_escalations:
            # the escalated tickets cost nothing in ours: a saving against people would be false
            left_out = (f"no saving claimed: yours leaves out {ESCALATIONS.label}",)
        elif benchmark.category is Category.HUMAN:
            saving = (money.subtract(benchmark.low, ours), money.subtract(benchmark.high, ours))
            monthly = (money.multiply(saving[0], resolved), money.multiply(saving[1], resolved))
        if gaps and benchmark.includes in (Includes.ALL_IN, Includes.VENDOR_PRICE):
            left_out += (f"it includes what yours leaves out ({missing})",)
        elif gaps and benchmark.category is Category.HUMAN and not no_escalations:
            left_out += (f"yours leaves out {missing}",)
        ratio = money.divide(ours, benchmark.mid) if benchmark.mid else None
        at_volume = _at_volume(benchmark, resolved, Decimal(stack.volume))
        rows.append(BenchmarkComparison(benchmark, ratio, saving, monthly, left_out, at_volume))
    return Comparison(stack, ours, tuple(rows))


def _at_volume(
    benchmark: Benchmark, resolved: Decimal, handled: Decimal
) -> tuple[Decimal, Decimal, str] | None:
    """What ``benchmark``'s figure would cost a month at your volume, and on what count."""
    if benchmark.unit is Unit.RESOLUTION:
        count, what = resolved, "resolutions"
    elif benchmark.unit in (Unit.TICKET, Unit.CONVERSATION):
        count, what = handled, f"{benchmark.unit.value}s"
    else:
        return None
    return money.multiply(benchmark.mid, count), count, what
