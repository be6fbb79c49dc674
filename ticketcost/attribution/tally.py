"""The tally: every request priced as it is read, and summed once into a few grouping sets.

The requests (each line of the logs, or each request left after repeated ones were removed: see
:mod:`.query`) are joined to table ``prices`` by model name, long-context band, price period,
time-of-day slot and variant, each priced at its own rates, and summed in one ``GROUP BY
GROUPING SETS`` into table ``tally``:

- the **ticket set**: per ticket and combination of its properties (tenant, intent, queue,
  prompt version, outcome) and status: cost, requests, the latest timestamp. A ticket has one
  such row, or a few when its requests disagree; view ``tt`` reads them, table ``tk`` (one row
  per ticket, its latest values) is made from them.
- the **class set**: per file, problem, model, variant, band, period, slot and whether the cost
  was given or could be priced, without the ticket: a few hundred rows (view ``tc``) that every
  report by model, tier, date, window, skipped line and unpriced request reads.
- one **breakdown set** per ``--by`` that names a per-request dimension (model, endpoint, status,
  day, week, month): per ticket and those values (views ``tb0``, ``tb1``, ...).

So the logs are grouped as often as there are tickets, not tickets × models × statuses × tiers ×
dates, and nothing after the tally reads more rows than there are tickets.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from ticketcost.attribution.fields import TIME_DIMENSIONS
from ticketcost.attribution.sources import Options, load_outcomes
from ticketcost.attribution.sql import MONEY_SQL, TICKET_DIMENSIONS, normal_status, sql_text

if TYPE_CHECKING:
    from ticketcost.attribution.connection import Connection

# the columns of the class set (see the module docstring), and what view tc shows for those the
# requests have only as a constant (no service tier mapped, no window, ...): a constant key would
# widen every row of the tally for nothing
CLASS_KEYS = (
    "__file", "problem", "model", "variant", "band", "period", "slot", "given", "undated",
    "inside", "unpriced", "rated",
)  # fmt: skip
CLASS_CONSTANTS = {
    "variant": "CAST(NULL AS VARCHAR)", "slot": "-1", "undated": "false", "inside": "true",
}  # fmt: skip
# per-request dimensions a breakdown can ask for, and the column of the requests each reads
REQUEST_DIMENSIONS = {"model": "model", "endpoint": "endpoint", "status": "status"} | {
    d: "day" for d in TIME_DIMENSIONS
}
# (counts of requests as BIGINT, not the 128-bit sums of integers: the table is a row per ticket
# and status, and at 10M lines it is most of the memory limit)
SUMS = (
    "CAST(sum(requests) AS BIGINT) AS requests", "max(last_ts) AS last_ts",
    f"CAST(sum(cost) AS {MONEY_SQL}) AS cost",
    "CAST(sum(CASE WHEN unpriced THEN requests ELSE 0 END) AS BIGINT) AS unpriced_requests",
    "bool_or(unpriced) AS any_unpriced", "bool_and(unpriced) AS only_unpriced",
    # the tokens of requests left unpriced (a price is all the others need)
    "sum(CASE WHEN unpriced THEN fresh_tokens + read_tokens + write_tokens + write_1h_tokens "
    "ELSE 0 END) AS unpriced_input",
    "sum(CASE WHEN unpriced THEN out_tokens ELSE 0 END) AS unpriced_output",
)  # fmt: skip


class Sets(NamedTuple):
    """The grouping sets of one tally: their columns, and the view each is read through."""

    ticket: tuple[str, ...]  # the ticket set's columns
    classes: tuple[str, ...]  # the class set's columns
    breakdowns: dict[tuple[str, ...], str]  # request columns of a breakdown set -> its view

    @property
    def all(self) -> list[tuple[str, ...]]:
        return [self.ticket, self.classes, *(("ticket", *cols) for cols in self.breakdowns)]

    @property
    def keys(self) -> list[str]:
        """Every column some set groups by, in a fixed order."""
        return list(dict.fromkeys(key for group in self.all for key in group))

    def mask(self, group: Sequence[str]) -> int:
        """The number ``grouping_set`` holds for the rows of ``group`` (a bit per column it
        does not group by)."""
        return sum(1 << i for i, key in enumerate(self.keys) if key not in group)

    def class_column(self, name: str) -> str:
        """A column of the class set, or the constant it stands for when it is not one."""
        return name if name in self.classes else CLASS_CONSTANTS[name]

    def view_for(self, columns: Sequence[str]) -> str:
        """The view of per-ticket rows that a breakdown by ``columns`` reads."""
        wanted = _request_columns(columns)
        if set(wanted) <= {"status"}:
            return "tt"
        return self.breakdowns[wanted]


def _request_columns(columns: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(REQUEST_DIMENSIONS[c] for c in columns if c in REQUEST_DIMENSIONS))


def plan_sets(specs: Sequence[Sequence[str]], present: set[str]) -> Sets:
    """The grouping sets for the breakdowns ``specs`` (``present``: the requests' columns)."""
    ticket = ("ticket", *(d for d in TICKET_DIMENSIONS if d in present), "status")
    classes = tuple(k for k in CLASS_KEYS if k not in CLASS_CONSTANTS or k in present)
    breakdowns: dict[tuple[str, ...], str] = {}
    for spec in specs:
        wanted = _request_columns(spec)
        if wanted and not set(wanted) <= {"status"} and wanted not in breakdowns:
            breakdowns[wanted] = f"tb{len(breakdowns)}"
    return Sets(ticket, classes, breakdowns)


def tally(
    con: Connection,
    requests: str,
    sets: Sets,
    *,
    variant: bool,
    hour: bool,
    prices: str = "prices",
    name: str = "tally",
) -> None:
    """Table ``name``: the requests of ``requests`` (SQL of a relation with the columns of view
    ``gv``, see :mod:`.query`) priced from table ``prices`` and summed per grouping set."""
    # A request costs what its log gave, or its tokens times its rates; it is unpriced when it has
    # tokens to price and no rate (its model, variant or 1-hour write price unknown). A bad line
    # or a request outside --since/--until costs nothing and belongs to no ticket.
    # (1-hour cache writes only when some file maps them: ``hour``)
    used = "r.problem IS NULL AND r.inside"
    tokens = "r.fresh_tokens + r.read_tokens + r.write_tokens + r.out_tokens"
    no_rate = "p.inp IS NULL"
    priced = "r.fresh_tokens * p.inp + r.read_tokens * p.readp + r.write_tokens * p.writep"
    if hour:
        tokens += " + r.write_1h_tokens"
        no_rate += " OR (r.write_1h_tokens > 0 AND p.write1hp IS NULL)"
        priced += " + coalesce(r.write_1h_tokens * p.write1hp, 0)"
    priced += " + r.out_tokens * p.outp"
    unpriced = f"({used} AND NOT r.given AND {tokens} > 0 AND ({no_rate}))"
    cost = (
        f"CAST(CASE WHEN NOT ({used}) THEN 0 WHEN r.given THEN r.given_cost "
        f"WHEN {unpriced} THEN 0 ELSE coalesce({priced}, 0) END AS {MONEY_SQL})"
    )
    # the variant column is a constant NULL unless a file maps a service tier
    same_variant = "r.variant IS NOT DISTINCT FROM p.variant" if variant else "p.variant IS NULL"
    lines = (
        f"SELECT r.*, CASE WHEN {used} THEN r.ticket_id END AS ticket, {unpriced} AS unpriced, "
        f"p.inp IS NOT NULL AS rated, {cost} AS cost FROM ({requests}) r LEFT JOIN {prices} p "
        "ON r.model = p.log_model AND r.band = p.band AND r.period = p.period "
        f"AND r.slot = p.slot AND {same_variant}"
    )
    keys = sets.keys
    # which set a row belongs to: a bit per column it is not grouped by (Spark and DuckDB alike)
    mask = " + ".join(f"CAST(grouping({k}) AS INTEGER) * {1 << i}" for i, k in enumerate(keys))
    groups = ", ".join("(" + ", ".join(group) + ")" for group in sets.all)
    hours = "bool_or(write_1h_tokens > 0)" if hour else "false"
    con.execute(
        f"CREATE TEMP TABLE {name} AS SELECT {mask} AS grouping_set, {', '.join(keys)}, "
        f"{', '.join(SUMS)}, {hours} AS has_1h FROM ({lines}) GROUP BY GROUPING SETS ({groups})"
    )


def tally_views(con: Connection, sets: Sets, name: str = "tally", portable: bool = False) -> None:
    """Views ``tt`` (ticket rows, statuses normalised), ``tc`` (class rows) and one per
    breakdown set over table ``name``. Statuses are normalised by a CASE over the ones that
    occur, or (``portable``: for any rows) by the whole rule."""
    ticket = sets.mask(sets.ticket)
    status = normal_status("status")
    if not portable:
        statuses = con.execute(
            f"SELECT status, {status} FROM (SELECT DISTINCT status FROM {name} "
            f"WHERE grouping_set = {ticket} AND status IS NOT NULL)"
        ).fetchall()
        status = (
            "CASE status "
            + " ".join(f"WHEN {sql_text(raw)} THEN {sql_text(norm)}" for raw, norm in statuses)
            + " ELSE 'ok' END"
            if statuses
            else "'ok'"
        )
    sums = "requests, cost, unpriced_requests"
    dimensions = ", ".join(
        "lower(outcome) AS outcome" if d == "outcome" else d for d in sets.ticket[1:-1]
    )
    con.execute(
        f"CREATE TEMP VIEW tt AS SELECT ticket AS ticket_id, {dimensions}, {status} AS status, "
        f"{sums}, last_ts, any_unpriced AS unpriced, only_unpriced FROM {name} "
        f"WHERE grouping_set = {ticket} AND ticket IS NOT NULL"
    )
    classes = ", ".join(f"{sets.class_column(k)} AS {k}" for k in CLASS_KEYS)
    con.execute(
        f"CREATE TEMP VIEW tc AS SELECT {classes}, {sums}, unpriced_input, unpriced_output, "
        f"has_1h FROM {name} WHERE grouping_set = {sets.mask(sets.classes)}"
    )
    for columns, view in sets.breakdowns.items():
        chosen = ", ".join(f"{status} AS status" if c == "status" else c for c in columns)
        con.execute(
            f"CREATE TEMP VIEW {view} AS SELECT ticket AS ticket_id, {chosen}, {sums} FROM {name} "
            f"WHERE grouping_set = {sets.mask(('ticket', *columns))} AND ticket IS NOT NULL"
        )


def ticket_table(
    con: Connection,
    sets: Sets,
    options: Options,
    outcomes_read_path: Path | None = None,
    portable: bool = False,
) -> tuple[str, int]:
    """Table ``tk``: cost, requests and properties per ticket, and whether it was resolved.

    A ticket's tenant, intent, queue, prompt version and outcome are those of its latest request
    that has one; on a tie (or no timestamps) the alphabetically last value, so that the answer
    never depends on the order the engine read the rows in. Returns where outcomes came from and
    how many outcomes name no ticket in the logs.
    """
    outcome_source = "the outcome field of the requests"
    orphans = 0
    if options.outcomes_file is not None:
        outcome_source, orphans = load_outcomes(con, options.outcomes_file, outcomes_read_path)
    present = [d for d in TICKET_DIMENSIONS if d in sets.ticket]
    # The ticket rows without their statuses: most tickets have one combination of values, and
    # grouping by them costs less than picking any of them (strings are hashed, not copied twice)
    sums = (
        "sum(cost) AS cost, sum(requests) AS requests, bool_or(unpriced) AS unpriced, "
        "sum(unpriced_requests) AS unpriced_requests, bool_and(only_unpriced) AS only_unpriced"
    )
    grouped = ", ".join(["ticket_id", *present])
    con.execute(
        f"CREATE TEMP TABLE tk0 AS SELECT {grouped}, {sums}, max(last_ts) AS last_ts FROM tt "
        f"GROUP BY {grouped}"
    )
    # tickets whose requests disagree (on a value, or one has it and another not): their latest
    con.execute(
        "CREATE TEMP TABLE tk_several AS SELECT ticket_id FROM tk0 GROUP BY ticket_id "
        "HAVING count(*) > 1"
    )
    found = con.execute("SELECT count(*) FROM tk_several").fetchone()
    several = portable or bool(found and found[0])  # (portable: for rows where some may)
    kept = ", ".join(
        (f"t.{d}" if d in present else f"CAST(NULL AS VARCHAR) AS {d}") + f", false AS many_{d}"
        for d in TICKET_DIMENSIONS
    )
    values = "t.cost, t.requests, t.unpriced, t.unpriced_requests, t.only_unpriced"
    rows = f"SELECT t.ticket_id, {kept}, {values} FROM tk0 t"
    if several:
        # latest first; on a tie (or no timestamps) the alphabetically last value
        latest = ", ".join(
            f"max_by({d}, coalesce(last_ts, '') || chr(1) || {d}) FILTER (WHERE {d} IS NOT NULL) "
            f"AS {d}, count(DISTINCT {d}) > 1 AS many_{d}"
            if d in present
            else f"CAST(NULL AS VARCHAR) AS {d}, false AS many_{d}"
            for d in TICKET_DIMENSIONS
        )
        rows = (
            f"{rows} LEFT JOIN tk_several s ON s.ticket_id = t.ticket_id WHERE s.ticket_id IS NULL "
            f"UNION ALL SELECT ticket_id, {latest}, {sums} FROM tk0 "
            "WHERE ticket_id IN (SELECT ticket_id FROM tk_several) GROUP BY ticket_id"
        )
    outcome, joins = "t.outcome", ""
    if options.outcomes_file is not None:
        outcome, joins = (
            "coalesce(o.outcome, t.outcome)",
            ("LEFT JOIN outcomes o ON o.ticket_id = t.ticket_id"),
        )
    columns = ", ".join(
        (f"{outcome} AS outcome" if d == "outcome" else f"t.{d}") + f", t.many_{d}"
        for d in TICKET_DIMENSIONS
    )
    resolved_list = ", ".join(sql_text(o) for o in options.resolved_outcomes)
    # a ticket none of whose requests has a price cost an unknown amount: it is not counted as
    # resolved at $0 (it would lower the cost per resolved ticket), and is named in the report
    # (a table when values were looked up, else a view: a copy of tk0 costs a tenth of the run)
    kind = "TABLE" if several else "VIEW"
    con.execute(
        f"CREATE TEMP {kind} tk AS SELECT *, coalesce(outcome IN ({resolved_list}) AND NOT "
        f"only_unpriced, false) AS resolved FROM (SELECT t.ticket_id, t.cost, t.requests, "
        f"{columns}, t.unpriced, t.unpriced_requests, t.only_unpriced FROM ({rows}) t {joins})"
    )
    return outcome_source, orphans
