"""What an attribution returns: totals, groups, the most expensive tickets, prices used, and
every line that was skipped, all as plain values (Decimal amounts in USD)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
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


class Bin(NamedTuple):
    """Tickets costing ``low_usd`` or more and less than ``high_usd`` (the last: up to it)."""

    low_usd: Decimal
    high_usd: Decimal
    tickets: int


class VersionRow(NamedTuple):
    group: Group  # in natural order of the version names (v9 before v10), no version last
    change_usd: Decimal | None  # cost per resolved ticket against the previous version
    change_ratio: Decimal | None


class Unpriced(NamedTuple):
    model: str | None
    requests: int
    input_tokens: int
    output_tokens: int
    reason: str = "no price for this model in the data"
    variant: str | None = None  # the service tier or Batch the requests asked for


class PricedModel(NamedTuple):
    log_name: str
    price: ModelPrice  # as priced: a variant's rates when ``price.variant`` is set
    requests: int
    one_hour_writes: bool = False  # some of its cache writes were priced at the 1-hour rate


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
    preset: str = "ticketcost"  # the log format it was read as
    recognised: bool = False  # from its content (False: --preset or the config chose it)
    duplicates: int = 0  # requests also found earlier (same request id), counted once


class Duplicates(NamedTuple):
    """Requests seen more than once (same request or span id), each counted once."""

    requests: int  # copies left out
    differing: int  # request ids whose copies disagree on usage (the first file's is kept)
    per_file: dict[int, int]  # file index -> copies left out of it


class Window(NamedTuple):
    """The --since/--until window and what it left out."""

    since: dt.datetime | None
    until: dt.datetime | None
    outside: int  # requests dated outside the window
    undated: int  # requests with no readable timestamp (left out when a window is set)


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
    unpriced_only_tickets: tuple[int, list[str]]  # not counted as resolved: how many, first few
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
    fields: list[FieldMap]  # each file's mapping, in the order of ``files``
    duplicates: Duplicates = field(default_factory=lambda: Duplicates(0, 0, {}))
    window: Window = field(default_factory=lambda: Window(None, None, 0, 0))
    undated: int = 0  # requests with no readable date, priced at today's prices
    other_records: int = 0  # spans or records that are not model calls, passed over
    histogram: list[Bin] = field(default_factory=list)  # tickets by cost per ticket
    # (model, window, requests) priced at a time-of-day window's rates
    time_of_day: list[tuple[str, str, int]] = field(default_factory=list)

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
