"""What an attribution returns: totals, groups, the most expensive tickets, prices used, and
every line that was skipped, all as plain values (Decimal amounts in USD)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from ticketcost import money
from ticketcost.attribution.fields import FieldMap
from ticketcost.pricing.model import ModelPrice

FAILED_STATUSES = ("error", "retry", "fallback")


class Group(NamedTuple):
    values: tuple[str | None, ...]
    requests: int
    tickets: int
    resolved: int
    cost_usd: Decimal
    cost_per_resolved_usd: Decimal | None  # None: no resolved ticket in the group
    share: Decimal  # of all cost
    unpriced: int = 0  # requests in the group whose model has no price (not in cost_usd)


class TicketRow(NamedTuple):
    ticket_id: str
    tenant: str | None
    intent: str | None
    outcome: str | None
    requests: int
    cost_usd: Decimal


class VersionRow(NamedTuple):
    group: Group  # in natural order of the version names (v9 before v10), no version last
    change_usd: Decimal | None  # cost per resolved ticket against the previous version
    change_ratio: Decimal | None


class Unpriced(NamedTuple):
    model: str | None
    requests: int
    input_tokens: int
    output_tokens: int


class PricedModel(NamedTuple):
    log_name: str
    price: ModelPrice
    requests: int


class BadLine(NamedTuple):
    file: str
    line: int | None
    reason: str
    unit: str = "line"  # "row" for Parquet


class FileStat(NamedTuple):
    path: str
    format: str
    requests: int
    skipped: int


@dataclass
class Attribution:
    files: list[FileStat]
    requests: int
    tickets: int
    resolved: int
    cost_usd: Decimal
    given_cost_usd: Decimal
    given_requests: int
    resolved_outcomes: tuple[str, ...]
    percentiles: dict[str, Decimal]  # p50, p95, p99, max of cost per ticket
    outcomes: list[Group]
    statuses: list[Group]
    top_tickets: list[TicketRow]
    top_tenants: list[Group]
    versions: list[VersionRow]
    groups: dict[tuple[str, ...], list[Group]]
    unpriced: list[Unpriced]
    unpriced_tickets: int
    priced_models: list[PricedModel]
    skipped: int
    skipped_reasons: list[tuple[str, int]]
    bad_lines: list[BadLine]
    multi_valued: dict[str, int]  # tickets whose requests carry more than one intent, tenant, ...
    long_context: list[tuple[str, int, int]]  # (model, band threshold passed, requests)
    earlier_prices: list[tuple[str, str | None, int]]  # (model, in force from, requests)
    outcome_source: str
    tickets_without_outcome: int
    outcomes_without_requests: int
    fields: FieldMap

    @property
    def cost_per_resolved_usd(self) -> Decimal | None:
        return per_resolved(self.cost_usd, self.resolved)

    @property
    def mean_ticket_usd(self) -> Decimal | None:
        return money.divide(self.cost_usd, Decimal(self.tickets)) if self.tickets else None

    @property
    def failed_cost_usd(self) -> Decimal:
        return money.add(*(g.cost_usd for g in self.statuses if g.values[0] in FAILED_STATUSES))

    @property
    def unpriced_requests(self) -> int:
        return sum(u.requests for u in self.unpriced)


def per_resolved(cost: Decimal, resolved: int) -> Decimal | None:
    return money.divide(cost, Decimal(resolved)) if resolved else None
