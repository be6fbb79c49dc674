"""The tally: every request priced as it is read, and summed once into a few grouping sets.

The requests (each line of the logs, or each request left after repeated ones were removed: see
:mod:`.query`) are joined to table ``prices`` by model name, long-context band, price period,
time-of-day slot and variant, each priced at its own rates, and summed in one pass into table
``tally`` (a ``GROUP BY GROUPING SETS``, or on DuckDB one ``GROUP BY`` per set: see
:func:`tally`), a row per group of these sets:

- the **ticket set**: per ticket and combination of its properties (tenant, intent, queue,
  prompt version, outcome): cost, requests, the latest timestamp, and which statuses its
  requests had (``has_ok``, ``has_error``, ...). A status spelled otherwise than the usual ways
  (``PLAIN_STATUSES``: ``ok``, ``ERROR``, ``200``, ...) is a column of the set (``other_status``),
  read once per distinct value afterwards. A ticket has one such row, or a few when its requests
  disagree; view ``tt`` reads them, and ``tk`` (one row per ticket, its latest values) is them,
  or made from them when a ticket has several.
- the **class set**: per file, problem, model, status, variant, band, period, slot and whether
  the cost was given or could be priced, without the ticket: a few hundred rows (view ``tc``)
  that every report by model, status, tier, date, window, skipped line and unpriced request
  reads.
- one **breakdown set** per ``--by`` that names a per-request dimension (model, endpoint, status,
  day, week, month) beside others: per ticket and those values (views ``tb0``, ``tb1``, ...).
  Cost by status alone is read from the class set, and its tickets from the ticket set's flags.

So the logs are grouped as often as there are tickets, not tickets × models × statuses × tiers ×
dates, and nothing after the tally reads more rows than there are tickets.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from ticketcost.attribution.fields import TIME_DIMENSIONS
from ticketcost.attribution.sources import Options, load_outcomes
from ticketcost.attribution.sql import (
    MONEY_SQL,
    STATUS_SYNONYMS,
    TICKET_DIMENSIONS,
    normal_status,
    plain_status,
    sql_text,
)

if TYPE_CHECKING:
    from ticketcost.attribution.connection import Connection

# the columns of the class set (see the module docstring), and what view tc shows for those the
# requests have only as a constant (no service tier mapped, no window, ...): a constant key would
# widen every row of the tally for nothing
CLASS_KEYS = (
    "__file", "problem", "model", "status", "variant", "band", "period", "slot", "given", "undated",
    "inside", "unpriced", "rated",
)  # fmt: skip
CLASS_CONSTANTS = {
    "variant": "CAST(NULL AS VARCHAR)", "slot": "-1", "undated": "false", "inside": "true",
}  # fmt: skip
# per-request dimensions a breakdown can ask for, and the column of the requests each reads
REQUEST_DIMENSIONS = {"model": "model", "endpoint": "endpoint", "status": "status"} | {
    d: "day" for d in TIME_DIMENSIONS
}
# What every set sums (counts of requests as BIGINT, not the 128-bit sums of integers: the table
# is a row per ticket, and at 10M lines it is most of the memory limit); what only the ticket set
# needs, and only the class set
SUMS = (
    "CAST(sum(requests) AS BIGINT) AS requests", f"CAST(sum(cost) AS {MONEY_SQL}) AS cost",
    "CAST(sum(CASE WHEN unpriced THEN requests ELSE 0 END) AS BIGINT) AS unpriced_requests",
)  # fmt: skip
STATUS_FLAGS = tuple(f"has_{s}" for s in STATUS_SYNONYMS)
TICKET_SUMS = (
    "max(last_ts) AS last_ts",
    "bool_or(unpriced) AS any_unpriced", "bool_and(unpriced) AS only_unpriced",
    # which statuses, spelled plainly, the ticket's requests had
    *(f"bool_or(known_status = {sql_text(s)}) AS has_{s}" for s in STATUS_SYNONYMS),
)  # fmt: skip
CLASS_SUMS = (
    # the tokens of requests left unpriced (a price is all the others need)
    "sum(CASE WHEN unpriced THEN fresh_tokens + read_tokens + write_tokens + write_1h_tokens "
    "ELSE 0 END) AS unpriced_input",
    "sum(CASE WHEN unpriced THEN out_tokens ELSE 0 END) AS unpriced_output",
)
# more spellings of a status than this, and they are normalised by the whole rule, not a CASE on
# each spelling found
MANY_STATUSES = 64


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
        return self.breakdowns[wanted]


def _request_columns(columns: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(REQUEST_DIMENSIONS[c] for c in columns if c in REQUEST_DIMENSIONS))


def plan_sets(specs: Sequence[Sequence[str]], present: set[str]) -> Sets:
    """The grouping sets for the breakdowns ``specs`` (``present``: the requests' columns)."""
    ticket = ("ticket", *(d for d in TICKET_DIMENSIONS if d in present), "other_status")
    classes = tuple(k for k in CLASS_KEYS if k not in CLASS_CONSTANTS or k in present)
    breakdowns: dict[tuple[str, ...], str] = {}
    for spec in specs:
        wanted = _request_columns(spec)
        # (cost by status alone is read from the class set and the ticket set's flags)
        if wanted and list(spec) != ["status"] and wanted not in breakdowns:
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
    split: bool = False,
) -> None:
    """Table ``name``: the requests of ``requests`` (SQL of a relation with the columns of view
    ``gv``, see :mod:`.query`) priced from table ``prices`` and summed per grouping set.

    In one ``GROUP BY GROUPING SETS``, which Spark runs in one pass over the rows; or (``split``,
    on DuckDB) as one ``GROUP BY`` per set over the priced requests as a materialized CTE, which
    DuckDB also runs in one pass, each set with only the sums it needs. The rows are the same:
    the sums a set does not need are NULL."""
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
        f"p.inp IS NOT NULL AS rated, {cost} AS cost, {plain_status('r.status')} AS known_status "
        f"FROM ({requests}) r LEFT JOIN {prices} p "
        "ON r.model = p.log_model AND r.band = p.band AND r.period = p.period "
        f"AND r.slot = p.slot AND {same_variant}"
    )
    lines = (
        f"SELECT *, CASE WHEN known_status IS NULL THEN status END AS other_status FROM ({lines})"
    )
    keys = sets.keys
    hours = f"{'bool_or(write_1h_tokens > 0)' if hour else 'false'} AS has_1h"
    if not split:
        # which set a row belongs to: a bit per column it is not grouped by (Spark, DuckDB alike)
        mask = " + ".join(f"CAST(grouping({k}) AS INTEGER) * {1 << i}" for i, k in enumerate(keys))
        groups = ", ".join("(" + ", ".join(group) + ")" for group in sets.all)
        sums = ", ".join([*SUMS, *TICKET_SUMS, *CLASS_SUMS, hours])
        con.execute(
            f"CREATE TEMP TABLE {name} AS SELECT {mask} AS grouping_set, {', '.join(keys)}, "
            f"{sums} FROM ({lines}) GROUP BY GROUPING SETS ({groups})"
        )
        return

    def one_set(group: Sequence[str]) -> str:
        own = {
            **dict.fromkeys(TICKET_SUMS, group == sets.ticket),
            **dict.fromkeys([*CLASS_SUMS, hours], group == sets.classes),
        }
        columns = [k if k in group else f"NULL AS {k}" for k in keys]
        columns += [*SUMS] + [s if mine else f"NULL AS {_alias(s)}" for s, mine in own.items()]
        return (
            f"SELECT {sets.mask(group)} AS grouping_set, {', '.join(columns)} FROM l "
            f"GROUP BY {', '.join(group)}"
        )

    con.execute(
        f"CREATE TEMP TABLE {name} AS WITH l AS MATERIALIZED ({lines}) "
        + " UNION ALL ".join(one_set(group) for group in sets.all)
    )


def _alias(expression: str) -> str:
    """The name an ``... AS name`` expression gives its column."""
    return expression.rsplit(" AS ", 1)[1]


def tally_views(con: Connection, sets: Sets, name: str = "tally", portable: bool = False) -> None:
    """Views ``tt`` (ticket rows), ``tc`` (class rows) and one per breakdown set over table
    ``name``, statuses normalised: by a CASE over the ones that occur, or (``portable``: for any
    rows; or when there are many) by the whole rule."""
    classes = sets.mask(sets.classes)
    found = (
        None
        if portable
        else con.execute(
            f"SELECT status, {normal_status('status')} FROM (SELECT DISTINCT status FROM {name} "
            f"WHERE grouping_set = {classes} AND status IS NOT NULL LIMIT {MANY_STATUSES + 1})"
        ).fetchall()
    )
    if found is not None and len(found) > MANY_STATUSES:
        found = None  # (a CASE per spelling would grow with them, and every query binds it)

    def status(column: str) -> str:  # (a NULL status is ok)
        if found is None:
            return normal_status(column)
        whens = " ".join(f"WHEN {sql_text(raw)} THEN {sql_text(norm)}" for raw, norm in found)
        return f"CASE {column} {whens} ELSE 'ok' END" if found else "'ok'"

    sums = "requests, cost, unpriced_requests"
    dimensions = ", ".join(
        "lower(outcome) AS outcome" if d == "outcome" else d for d in sets.ticket[1:-1]
    )
    # a ticket row's flags: the statuses spelled plainly, and its other status if it means one
    other = f"CASE WHEN other_status IS NOT NULL THEN {status('other_status')} END"
    flags = ", ".join(
        f"has_{s} OR coalesce(other = {sql_text(s)}, false) AS has_{s}" for s in STATUS_SYNONYMS
    )
    rest = f"{sums}, last_ts, only_unpriced"
    con.execute(
        f"CREATE TEMP VIEW tt AS SELECT ticket_id, {', '.join(sets.ticket[1:-1])}, other AS "
        f"other_status, {flags}, {rest}, unpriced FROM (SELECT ticket AS ticket_id, {dimensions}, "
        f"{other} AS other, {', '.join(STATUS_FLAGS)}, {rest}, any_unpriced AS unpriced FROM "
        f"{name} WHERE grouping_set = {sets.mask(sets.ticket)} AND ticket IS NOT NULL)"
    )
    columns = ", ".join(
        f"{status('status')} AS status" if k == "status" else f"{sets.class_column(k)} AS {k}"
        for k in CLASS_KEYS
    )
    con.execute(
        f"CREATE TEMP VIEW tc AS SELECT {columns}, {sums}, unpriced_input, unpriced_output, "
        f"has_1h FROM {name} WHERE grouping_set = {classes}"
    )
    for wanted, view in sets.breakdowns.items():
        chosen = ", ".join(f"{status('status')} AS status" if c == "status" else c for c in wanted)
        con.execute(
            f"CREATE TEMP VIEW {view} AS SELECT ticket AS ticket_id, {chosen}, {sums} FROM {name} "
            f"WHERE grouping_set = {sets.mask(('ticket', *wanted))} AND ticket IS NOT NULL"
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
    # tickets with several rows: their requests disagree (on a value, or one has it and another
    # not), or had statuses spelled otherwise than plainly. Their values are their latest ones.
    con.execute(
        "CREATE TEMP TABLE tk_several AS SELECT ticket_id FROM tt GROUP BY ticket_id "
        "HAVING count(*) > 1"
    )
    found = con.execute("SELECT count(*) FROM tk_several").fetchone()
    several = portable or bool(found and found[0])  # (portable: for rows where some may)
    kept = ", ".join(
        (f"t.{d}" if d in present else f"CAST(NULL AS VARCHAR) AS {d}") + f", false AS many_{d}"
        for d in TICKET_DIMENSIONS
    )
    flags = ", ".join(f"t.{f}" for f in STATUS_FLAGS)
    values = f"t.cost, t.requests, t.unpriced, t.unpriced_requests, t.only_unpriced, {flags}"
    rows = f"SELECT t.ticket_id, {kept}, {values} FROM tt t"
    if several:
        sums = (
            "sum(cost) AS cost, sum(requests) AS requests, bool_or(unpriced) AS unpriced, "
            "sum(unpriced_requests) AS unpriced_requests, "
            "bool_and(only_unpriced) AS only_unpriced, "
            + ", ".join(f"bool_or({f}) AS {f}" for f in STATUS_FLAGS)
        )
        # latest first; on a tie (or no timestamps) the alphabetically last value
        when = "coalesce(strftime(last_ts, '%Y-%m-%d %H:%M:%S.%f'), '')"  # (fixed width)
        latest = ", ".join(
            f"max_by({d}, {when} || chr(1) || {d}) FILTER (WHERE {d} IS NOT NULL) "
            f"AS {d}, count(DISTINCT {d}) > 1 AS many_{d}"
            if d in present
            else f"CAST(NULL AS VARCHAR) AS {d}, false AS many_{d}"
            for d in TICKET_DIMENSIONS
        )
        rows = (
            f"{rows} LEFT JOIN tk_several s ON s.ticket_id = t.ticket_id WHERE s.ticket_id IS NULL "
            f"UNION ALL SELECT ticket_id, {latest}, {sums} FROM tt "
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
    # (a table when values were looked up, else a view: no second copy of the ticket rows in the
    # memory limit, and no slower here; Spark keeps a table's rows, and plans a view again for
    # every query that reads it)
    kind = "TABLE" if several or con.dialect == "spark" else "VIEW"
    con.execute(
        f"CREATE TEMP {kind} tk AS SELECT *, coalesce(outcome IN ({resolved_list}) AND NOT "
        f"only_unpriced, false) AS resolved FROM (SELECT t.ticket_id, t.cost, t.requests, "
        f"{columns}, t.unpriced, t.unpriced_requests, t.only_unpriced, {flags} "
        f"FROM ({rows}) t {joins})"
    )
    return outcome_source, orphans
