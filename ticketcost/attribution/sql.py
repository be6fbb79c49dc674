"""SQL building blocks of the attribution: quoting, how each field reads from a source, and the
per-line typed select that validates every request in the one scan."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ticketcost.attribution.fields import (
    TEXT_FIELDS,
    TOKEN_FIELDS,
    Alternative,
    CacheRule,
    FieldMap,
    Path,
)
from ticketcost.io.bounds import MAX_TOKENS

TOKEN_SCALE = 18  # decimal places of a per-token price and of every cost in SQL
MONEY_SQL = "DECIMAL(38,18)"
GIVEN_SQL = "DECIMAL(18,12)"  # cost_usd as read: 12 decimal places, below 1,000,000
# Properties of a ticket (its latest request's value); the other dimensions are per request.
TICKET_DIMENSIONS = ("tenant", "intent", "queue", "prompt_version", "outcome")
STATUS_SYNONYMS = {
    "ok": (
        "ok", "success", "succeeded", "completed", "status_code_ok", "status_code_unset", "unset",
        "0", "1", "default", "debug", "warning",
    ),
    "error": (
        "error", "failure", "failed", "status_code_error", "2", "errored", "expired", "canceled",
        "cancelled",
    ),
    "retry": ("retry", "retried"),
    "fallback": ("fallback",),
}  # fmt: skip
MALFORMED = "malformed line (not a JSON object, or none of the mapped fields)"


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def json_path(keys: Sequence[str]) -> str:
    return sql_text("$" + "".join("." + '"' + k.replace('"', '\\"') + '"' for k in keys))


NUMBERS = (*TOKEN_FIELDS, "cost_usd")


class Columns:
    """How each field reads from one source: SQL text giving the field as VARCHAR (or NULL).

    Nested paths into one column are read with one parse of it: ``prelude`` holds, per column,
    ``json_extract_string(column, [path, ...])`` (a list), which :func:`typed_select` computes in
    a layer of its own, and each field indexes into that list. (Thirty separate extractions parse
    a span's attributes thirty times; with the attributes built from an OTLP KeyValue list, the
    build itself would run thirty times too.)
    """

    def __init__(
        self,
        fields: FieldMap,
        column_sql: Callable[[str], str | None],
        maps: frozenset[str] = frozenset(),
        integers: frozenset[str] = frozenset(),
    ) -> None:
        # column_sql(top-level name) -> an expression, or None when the source has no such column;
        # ``maps``: top-level columns that are MAP(VARCHAR, VARCHAR), read by key, not as JSON;
        # ``integers``: top-level columns of an integer type (typed Parquet): a token count read
        # from one of them alone is checked as a number, not through its text (``integer``)
        self.sql: dict[str, str] = {}
        self.integer: set[str] = set()
        self._maps = maps
        self._nested: dict[str, list[str]] = {}  # column -> its JSON paths, in order
        for name, alternatives in fields.paths.items():
            options = [
                found
                for alternative in alternatives
                if (
                    found := _alternative(
                        alternative, self._path_sql(column_sql), name not in NUMBERS
                    )
                )
                is not None
            ]
            self.sql[name] = (
                "NULL::VARCHAR"
                if not options
                else options[0]
                if len(options) == 1
                else f"coalesce({', '.join(options)})"
            )
            # one alternative of one path of one key: a top-level column
            top = alternatives[0][0][0] if _one_column(alternatives) else None
            if name in TOKEN_FIELDS and top in integers:
                self.sql[name] = ident(str(top))
                self.integer.add(name)
        self.prelude = [
            f"try(json_extract_string({column}, [{', '.join(paths)}])) AS __x{n}"
            for n, (column, paths) in enumerate(self._nested.items())
        ]

    def _path_sql(self, column_sql: Callable[[str], str | None]) -> Callable[[Path], str | None]:
        def path_sql(path: Path) -> str | None:
            if path[0].startswith("="):
                return sql_text(path[0][1:])
            column = column_sql(path[0])
            if column is None or len(path) == 1:
                return column
            if path[0] in self._maps and len(path) == 2:
                return f"{column}[{sql_text(path[1])}]"
            paths = self._nested.setdefault(column, [])
            text = json_path(path[1:])
            if text not in paths:
                paths.append(text)
            number = list(self._nested).index(column)
            return f"__x{number}[{paths.index(text) + 1}]"

        return path_sql

    def wrap(self, source: str) -> str:
        """``source`` with the nested reads computed once a row."""
        if not self.prelude:
            return source
        return f"(SELECT *, {', '.join(self.prelude)} FROM {source})"


def _one_column(alternatives: Sequence[Alternative]) -> bool:
    """Whether a field reads one top-level column and nothing else."""
    return len(alternatives) == 1 and len(alternatives[0]) == 1 and len(alternatives[0][0]) == 1


def _alternative(
    alternative: Alternative, path_sql: Callable[[Path], str | None], text: bool
) -> str | None:
    """One alternative as SQL: a path (an empty text is absent, so the next one is tried), or a
    sum of paths (NULL when none is present; a part that is not a count passes through as is,
    so the line is refused for it)."""
    parts = [p for p in (path_sql(path) for path in alternative) if p is not None]
    if not parts:
        return None
    if len(alternative) == 1:
        return f"nullif({parts[0]}, '')" if text and len(parts) == 1 else parts[0]
    absent = " AND ".join(f"{p} IS NULL" for p in parts)
    bad = " ".join(
        f"WHEN {p} IS NOT NULL AND TRY_CAST({p} AS UBIGINT) IS NULL THEN {p}" for p in parts
    )
    total = " + ".join(f"coalesce(TRY_CAST({p} AS HUGEINT), 0)" for p in parts)
    return f"CASE WHEN {absent} THEN NULL {bad} ELSE CAST({total} AS VARCHAR) END"


def normal_status(column: str) -> str:
    """A status as ok, error, retry or fallback: synonyms, HTTP codes (below 400 ok), OTel status
    codes (0 and 1 ok, 2 error), Langfuse levels (ERROR error, others ok), provider error types
    (``rate_limit_error``), and a status object with no code (unset: ok). Anything else is kept
    as written, lower-cased."""
    low = f"lower(trim({column}))"
    cases = " ".join(
        f"WHEN {low} IN ({', '.join(sql_text(v) for v in values)}) THEN {sql_text(name)}"
        for name, values in STATUS_SYNONYMS.items()
    )
    return (
        f"CASE WHEN {column} IS NULL THEN 'ok' {cases} "
        f"WHEN length({low}) = 3 AND TRY_CAST({low} AS INTEGER) BETWEEN 100 AND 399 THEN 'ok' "
        f"WHEN length({low}) = 3 AND TRY_CAST({low} AS INTEGER) BETWEEN 400 AND 599 THEN 'error' "
        f"WHEN {low} LIKE '%error%' THEN 'error' WHEN {low} LIKE '{{%' THEN 'ok' ELSE {low} END"
    )


# The spellings of a status that normal_status reads most often, as logs write them (lower case,
# upper case, capitalised; the usual HTTP codes): the tally reads their meaning per request by
# comparing, and leaves any other spelling to normal_status, once per distinct value (.tally)
HTTP_ERRORS = ("400", "401", "403", "404", "408", "409", "413", "422", "429", "500", "502", "503",
               "504", "529")  # fmt: skip
PLAIN_STATUSES = (
    {
        spelling: name
        for name, values in STATUS_SYNONYMS.items()
        for value in values
        for spelling in (value, value.upper(), value.capitalize())
    }
    | {"200": "ok"}
    | dict.fromkeys(HTTP_ERRORS, "error")
)


def plain_status(column: str) -> str:
    """SQL: what ``column`` means when it is NULL or a plain spelling (ok, error, retry or
    fallback), else NULL (it is then read by :func:`normal_status`)."""
    spellings = {
        name: ", ".join(sql_text(v) for v, n in PLAIN_STATUSES.items() if n == name)
        for name in STATUS_SYNONYMS
    }
    cases = " ".join(f"WHEN {column} IN ({v}) THEN {sql_text(n)}" for n, v in spellings.items())
    # (the four names as written first: a CASE on the value is the cheapest test of most rows)
    names = " ".join(f"WHEN {sql_text(n)} THEN {sql_text(n)}" for n in STATUS_SYNONYMS)
    return f"CASE {column} {names} ELSE CASE WHEN {column} IS NULL THEN 'ok' {cases} END END"


FAILED = ("error", "retry", "fallback")
FAILED_SQL = f"{normal_status('status')} IN ({', '.join(sql_text(f) for f in FAILED)})"
NO_USAGE = "raw_input_tokens IS NULL AND raw_output_tokens IS NULL AND raw_cost_usd IS NULL"
# a span or record of another kind (an HTTP or database span, a Langfuse SPAN or EVENT): passed
# over and counted, neither priced nor a bad line
NOT_A_CALL = "not a model call (no model, usage or cost)"
BAD = f"problem IS NOT NULL AND problem <> {sql_text(NOT_A_CALL)}"
USED = "problem IS NULL AND inside"  # a request counted: a good line inside --since/--until


def _token_checks(name: str, integer: bool = False) -> tuple[str, list[tuple[str, ...]]]:
    """The cheap test that a token count is bad, and the reasons it can be, in order (read as a
    number when its column is an ``integer`` one)."""
    if integer:
        test = f"(raw_{name} < 0 OR raw_{name} > {MAX_TOKENS})"
        return test, [
            (f"raw_{name} < 0", f"{name} is negative", f"raw_{name}"),
            (f"raw_{name} > {MAX_TOKENS}", f"{name} is above {MAX_TOKENS:,}", f"raw_{name}"),
        ]
    number = f"TRY_CAST(raw_{name} AS DOUBLE)"
    # UBIGINT refuses text and negatives but rounds 12.5, hence the test for a decimal point.
    test = (
        f"(raw_{name} IS NOT NULL AND (u_{name} IS NULL OR u_{name} > {MAX_TOKENS} OR "
        f"(contains(raw_{name}, '.') AND {number} <> u_{name})))"
    )
    return test, [
        (f"{number} < 0", f"{name} is negative", f"raw_{name}"),
        # (NaN, which both engines order above every number, is no number: it falls through)
        (
            f"{number} > {MAX_TOKENS} AND NOT isnan({number})",
            f"{name} is above {MAX_TOKENS:,}",
            f"raw_{name}",
        ),
        (
            f"raw_{name} IS NOT NULL AND u_{name} IS NULL OR {number} <> u_{name}",
            f"{name} is not a whole number",
            f"raw_{name}",
        ),
    ]


_COST_CHECKS: list[tuple[str, ...]] = [
    (
        "TRY_CAST(raw_cost_usd AS DOUBLE) < 0",
        "cost_usd is negative",
        "raw_cost_usd",
    ),
    (
        f"raw_cost_usd IS NOT NULL AND TRY_CAST(raw_cost_usd AS {GIVEN_SQL}) IS NULL AND "
        "TRY_CAST(raw_cost_usd AS DOUBLE) IS NOT NULL AND NOT isnan(TRY_CAST(raw_cost_usd AS "
        "DOUBLE))",  # (NaN, ordered above every number, is no number)
        "cost_usd is 1,000,000 or more",
        "raw_cost_usd",
    ),
    (
        f"raw_cost_usd IS NOT NULL AND TRY_CAST(raw_cost_usd AS {GIVEN_SQL}) IS NULL",
        "cost_usd is not a number",
        "raw_cost_usd",
    ),
]


def includes_cache_sql(fields: FieldMap) -> str:
    """Whether a line's input_tokens counts its cache reads and writes, as SQL."""
    if fields.cache_rule is CacheRule.INCLUDES:
        return "true"
    if fields.cache_rule is CacheRule.EXCLUDES:
        return "false"
    # Anthropic's usage leaves cache reads and writes out of input_tokens; a Messages response
    # says so with "type": "message", a gateway with its provider name
    low = "lower(provider)"
    return f"NOT coalesce({low} = 'message' OR {low} LIKE '%anthropic%', false)"


def _checks(
    fields: FieldMap, integer: set[str] | frozenset[str] = frozenset()
) -> tuple[list[str], list[tuple[str, ...]]]:
    """The cheap combined test that a line is bad, and each reason it can be, in order (a reason
    may carry the column whose value it quotes)."""
    all_missing = " AND ".join(
        [f"{n} IS NULL" for n in TEXT_FIELDS]
        + [f"raw_{n} IS NULL" for n in (*TOKEN_FIELDS, "cost_usd")]
    )
    cheap = ["ticket_id IS NULL"]
    detail: list[tuple[str, ...]] = [
        ("NOT __valid", "malformed JSON"),
        (all_missing, MALFORMED),
        (f"model IS NULL AND {NO_USAGE} AND NOT {FAILED_SQL}", NOT_A_CALL),
        ("ticket_id IS NULL", "no ticket_id"),
    ]
    mapped = {name for name, alternatives in fields.paths.items() if alternatives}
    for name in TOKEN_FIELDS:
        if name not in mapped:  # NULL on every line: nothing to check
            continue
        test, checks = _token_checks(name, name in integer)
        cheap.append(test)
        detail += checks
    if fields.zero_cost_is_unknown:
        cheap.append("(raw_cost_usd IS NOT NULL AND TRY_CAST(raw_cost_usd AS DOUBLE) < 0)")
    else:
        cheap.append("(raw_cost_usd IS NOT NULL AND (cost_usd IS NULL OR cost_usd < 0))")
    detail += _COST_CHECKS
    cheap.append(f"({NO_USAGE} AND NOT {FAILED_SQL})")
    detail.append(
        (f"{NO_USAGE} AND NOT {FAILED_SQL}", "no input_tokens, output_tokens or cost_usd")
    )
    over = (
        "coalesce(u_cache_read_tokens, 0) + coalesce(u_cache_write_tokens, 0) > "
        "coalesce(u_input_tokens, 0)"
    )
    if fields.cache_rule is CacheRule.BY_PROVIDER:
        over = f"__incl AND {over}"
    if fields.cache_rule is not CacheRule.EXCLUDES:
        cheap.append(f"({over})")
        detail.append((over, "cache_read_tokens + cache_write_tokens exceed input_tokens"))
    if "cache_write_1h_tokens" in mapped:
        hour = "coalesce(u_cache_write_1h_tokens, 0) > coalesce(u_cache_write_tokens, 0)"
        cheap.append(f"(u_cache_write_1h_tokens IS NOT NULL AND {hour})")
        detail.append((hour, "cache_write_1h_tokens exceed cache_write_tokens"))

    return cheap, detail


def typed_select(
    columns: Columns,
    fields: FieldMap,
    line: str,
    file: str,
    source: str,
    valid: str = "true",
    values: bool = False,
    invalid: str | None = None,
) -> str:
    """Per-request typed values plus ``problem`` (NULL for a good line, else why it is skipped).

    ``line`` and ``file`` are SQL for the line number (or NULL) and the file name; ``source`` is
    what follows FROM; ``valid`` is false for a line that is not JSON at all; with ``values`` the
    reason quotes the offending value (for the examples; counts group by the bare reason).
    ``invalid``: SQL of the reason a line that is not ``valid`` is skipped for, when it may be
    whole otherwise (a CSV row Spark read with too many or too few columns); such a line is then
    always bad, whatever its values.

    Kept lean, as it runs on every line: values are not trimmed, status and outcome are
    normalised later on the grouped table, given costs are parsed as DECIMAL(18,12) (a 64-bit
    decimal: parsing text into a 128-bit one costs twice the whole scan), and the reason for a
    bad line is worked out only for lines that fail one cheap combined test. A line with no
    usage is a failed request at $0 when its status says it failed, else a skipped line.
    """
    raw = columns.sql
    inner = [f"{line} AS __line", f"{file} AS __file", f"{valid} AS __valid"]
    if invalid is not None:
        inner.append(f"{invalid} AS __invalid")
    for name in TEXT_FIELDS:
        value = raw[name]
        if name == "status" and fields.paths.get("error"):  # an error object: it failed
            value = f"CASE WHEN {raw['error']} IS NOT NULL THEN 'error' ELSE {value} END"
        inner.append(f"{value} AS {name}")
    for name in (*TOKEN_FIELDS, "cost_usd"):
        inner.append(f"{raw[name]} AS raw_{name}")
    cast = [
        f"TRY_CAST(raw_{n} AS UBIGINT) AS u_{n}"
        for n in TOKEN_FIELDS
        if fields.paths.get(n)  # an unmapped count is NULL: no cast per line
    ]
    cast += [f"NULL::UBIGINT AS u_{n}" for n in TOKEN_FIELDS if not fields.paths.get(n)]
    given = f"TRY_CAST(raw_cost_usd AS {GIVEN_SQL})"
    if fields.zero_cost_is_unknown:  # a gateway's $0 for tokens it could not price
        given = (
            f"CASE WHEN {given} = 0 AND coalesce(TRY_CAST(raw_input_tokens AS UBIGINT), 0) + "
            f"coalesce(TRY_CAST(raw_output_tokens AS UBIGINT), 0) > 0 THEN NULL ELSE {given} END"
        )
    cast.append(f"{given} AS cost_usd")
    cast.append(f"{includes_cache_sql(fields)} AS __incl")

    cheap, detail = _checks(fields, columns.integer)
    if invalid is not None:
        cheap.insert(0, "NOT __valid")

    def said(entry: tuple[str, ...]) -> str:
        if invalid is not None and entry[0] == "NOT __valid":
            return "__invalid"
        if values and len(entry) == 3:  # the offending value, cut short, for the examples
            quoted = f"CAST({entry[2]} AS VARCHAR)"
            return f"{sql_text(entry[1] + ' (got ')} || left({quoted}, 40) || ')'"
        return sql_text(entry[1])

    reason = "CASE " + " ".join(f"WHEN {e[0]} THEN {said(e)}" for e in detail) + " END"
    # (bounded before the cast: a count above the bound is a skipped line, never a failed query;
    # a CASE costs less than least(coalesce(...)), which widens the types)
    tokens = ", ".join(
        f"CASE WHEN u_{n} <= {MAX_TOKENS} THEN CAST(u_{n} AS BIGINT) ELSE 0 END AS {n}"
        if fields.paths.get(n)
        else f"CAST(0 AS BIGINT) AS {n}"
        for n in TOKEN_FIELDS
    )
    return (
        f"SELECT __line, __file, __valid, {', '.join(TEXT_FIELDS)}, {tokens}, __incl, cost_usd, "
        f"CASE WHEN {' OR '.join(cheap)} THEN {reason} END AS problem FROM "
        f"(SELECT *, {', '.join(cast)} FROM (SELECT {', '.join(inner)} FROM "
        f"{columns.wrap(source)}))"
    )


def edges_passed(value: str, edges: Sequence[str], operator: str = ">=") -> str:
    """SQL of how many of ``edges`` (ascending SQL constants) ``value`` (never NULL) passes
    (``value >= edge``, or the ``operator`` given): a binary search of nested CASEs, so that a
    line is compared with a few edges instead of every one."""

    def passed(low: int, high: int) -> str:  # the answer lies in low..high
        if low == high:
            return str(low)
        middle = (low + high + 1) // 2  # passing edge number ``middle`` means at least middle
        return (
            f"CASE WHEN {value} {operator} {edges[middle - 1]} THEN {passed(middle, high)} "
            f"ELSE {passed(low, middle - 1)} END"
        )

    return passed(0, len(edges))


def timestamp_sql(column: str) -> str:
    """A log timestamp as a UTC TIMESTAMP: ISO 8601 text (an offset is applied; none is UTC), or
    epoch seconds, milliseconds, microseconds or nanoseconds (told apart by size; OTLP's
    startTimeUnixNano is nanoseconds). Text in UTC (``...Z``, the usual case) or with no offset
    skips the slower zone-aware parse. RFC 3339 allows a lower-case ``t`` and ``z``: text the
    first reading leaves without a time is read again in upper case (only those lines)."""
    upper = f"CASE WHEN contains({column}, 't') OR contains({column}, 'z') THEN upper({column}) END"
    return f"coalesce({_instant(column)}, {_instant(upper)})"


def _instant(column: str) -> str:
    """:func:`timestamp_sql`'s reading of ``column`` as it is spelled (NULL: no time read)."""
    whole = f"TRY_CAST({column} AS HUGEINT)"
    micros = (
        f"CASE WHEN {whole} < 100000000000 THEN {whole} * 1000000 "
        f"WHEN {whole} < 100000000000000 THEN {whole} * 1000 "
        f"WHEN {whole} < 100000000000000000 THEN {whole} ELSE {whole} // 1000 END"
    )
    seconds = f"TRY_CAST({column} AS DECIMAL(20,6))"
    clock = f"substr({column}, 12)"
    return (
        f"CASE WHEN suffix({column}, 'Z') THEN TRY_CAST({column} AS TIMESTAMP) "
        f"WHEN contains({clock}, '+') OR contains({clock}, '-') "
        f"THEN TRY_CAST(TRY_CAST({column} AS TIMESTAMPTZ) AS TIMESTAMP) "
        f"WHEN contains({column}, '-') OR contains({column}, ':') "
        f"THEN TRY_CAST({column} AS TIMESTAMP) "
        f"WHEN contains({column}, '.') "  # fractional epoch seconds
        f"THEN make_timestamp(CAST({seconds} * 1000000 AS BIGINT)) "
        f"WHEN {whole} IS NOT NULL THEN make_timestamp(CAST({micros} AS BIGINT)) END"
    )


def numbered(checked: str) -> str:
    """Bad lines of ``checked`` with their ordinal; only the verdict passes through the window,
    so the ordered pass holds no line text and stops as soon as LIMIT is met."""
    return (
        "SELECT rn AS __line, problem FROM (SELECT row_number() OVER () AS rn, problem FROM "
        f"(SELECT CASE WHEN __valid IS NOT NULL THEN problem END AS problem FROM ({checked}))) "
        f"WHERE {BAD}"
    )
