"""SQL building blocks of the attribution: quoting, how each field reads from a source, and the
per-line typed select that validates every request in the one scan."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ticketcost.attribution.fields import TEXT_FIELDS, TOKEN_FIELDS, FieldMap
from ticketcost.io.bounds import MAX_TOKENS

TOKEN_SCALE = 18  # decimal places of a per-token price and of every cost in SQL
MONEY_SQL = "DECIMAL(38,18)"
GIVEN_SQL = "DECIMAL(18,12)"  # cost_usd as read: 12 decimal places, below 1,000,000
# Properties of a ticket (its latest request's value); the other dimensions are per request.
TICKET_DIMENSIONS = ("tenant", "intent", "queue", "prompt_version", "outcome")
STATUS_SYNONYMS = {
    "ok": (
        "ok",
        "success",
        "succeeded",
        "completed",
        "status_code_ok",
        "status_code_unset",
        "unset",
    ),
    "error": ("error", "failure", "failed", "status_code_error"),
    "retry": ("retry", "retried"),
    "fallback": ("fallback",),
}
MALFORMED = "malformed line (not a JSON object, or none of the mapped fields)"


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def json_path(keys: Sequence[str]) -> str:
    return sql_text("$" + "".join("." + '"' + k.replace('"', '\\"') + '"' for k in keys))


class Columns:
    """How each field reads from one source: SQL text giving the field as VARCHAR (or NULL)."""

    def __init__(self, fields: FieldMap, column_sql: Callable[[str], str | None]) -> None:
        # column_sql(top-level name) -> an expression, or None when the source has no such column
        self.sql: dict[str, str] = {}
        for name, paths in fields.paths.items():
            options = []
            for path in paths:
                column = column_sql(path[0])
                if column is None:
                    continue
                if len(path) == 1:
                    options.append(column)
                else:
                    options.append(f"try(json_extract_string({column}, {json_path(path[1:])}))")
            self.sql[name] = (
                "NULL::VARCHAR"
                if not options
                else options[0]
                if len(options) == 1
                else f"coalesce({', '.join(options)})"
            )


def _token_checks(name: str) -> tuple[str, list[tuple[str, ...]]]:
    """The cheap test that a token count is bad, and the reasons it can be, in order."""
    number = f"TRY_CAST(raw_{name} AS DOUBLE)"
    # UBIGINT refuses text and negatives but rounds 12.5, hence the test for a decimal point.
    test = (
        f"(raw_{name} IS NOT NULL AND (u_{name} IS NULL OR u_{name} > {MAX_TOKENS} OR "
        f"(contains(raw_{name}, '.') AND {number} <> u_{name})))"
    )
    return test, [
        (f"{number} < 0", f"{name} is negative", f"raw_{name}"),
        (f"{number} > {MAX_TOKENS}", f"{name} is above {MAX_TOKENS:,}", f"raw_{name}"),
        (
            f"raw_{name} IS NOT NULL AND u_{name} IS NULL OR {number} <> u_{name}",
            f"{name} is not a whole number",
            f"raw_{name}",
        ),
    ]


_COST_CHECKS: list[tuple[str, ...]] = [
    (
        "cost_usd < 0 OR TRY_CAST(raw_cost_usd AS DOUBLE) < 0",
        "cost_usd is negative",
        "raw_cost_usd",
    ),
    (
        "raw_cost_usd IS NOT NULL AND cost_usd IS NULL AND TRY_CAST(raw_cost_usd AS DOUBLE) "
        "IS NOT NULL",
        "cost_usd is 1,000,000 or more",
        "raw_cost_usd",
    ),
    ("raw_cost_usd IS NOT NULL AND cost_usd IS NULL", "cost_usd is not a number", "raw_cost_usd"),
]


def typed_select(
    columns: Columns,
    fields: FieldMap,
    line: str,
    file: str,
    source: str,
    valid: str = "true",
    values: bool = False,
) -> str:
    """Per-request typed values plus ``problem`` (NULL for a good line, else why it is skipped).

    ``line`` and ``file`` are SQL for the line number (or NULL) and the file name; ``source`` is
    what follows FROM; ``valid`` is false for a line that is not JSON at all; with ``values`` the
    reason quotes the offending value (for the examples; counts group by the bare reason).

    Kept lean, as it runs on every line: values are not trimmed, status and outcome are
    normalised later on the grouped table, given costs are parsed as DECIMAL(18,12) (a 64-bit
    decimal: parsing text into a 128-bit one costs twice the whole scan), and the reason for a
    bad line is worked out only for lines that fail one cheap combined test.
    """
    raw = columns.sql
    inner = [f"{line} AS __line", f"{file} AS __file", f"{valid} AS __valid"]
    for name in TEXT_FIELDS:
        inner.append(f"nullif({raw[name]}, '') AS {name}")
    for name in (*TOKEN_FIELDS, "cost_usd"):
        inner.append(f"{raw[name]} AS raw_{name}")
    cast = [f"TRY_CAST(raw_{n} AS UBIGINT) AS u_{n}" for n in TOKEN_FIELDS]
    cast.append(f"TRY_CAST(raw_cost_usd AS {GIVEN_SQL}) AS cost_usd")

    def number(name: str) -> str:
        return f"TRY_CAST(raw_{name} AS DOUBLE)"

    all_missing = " AND ".join(
        [f"{n} IS NULL" for n in TEXT_FIELDS]
        + [f"raw_{n} IS NULL" for n in (*TOKEN_FIELDS, "cost_usd")]
    )
    cheap = ["ticket_id IS NULL"]
    detail: list[tuple[str, ...]] = [
        ("NOT __valid", "malformed JSON"),
        (all_missing, MALFORMED),
        ("ticket_id IS NULL", "no ticket_id"),
    ]
    for name in TOKEN_FIELDS:
        test, checks = _token_checks(name)
        cheap.append(test)
        detail += checks
    cheap.append("(raw_cost_usd IS NOT NULL AND (cost_usd IS NULL OR cost_usd < 0))")
    detail += _COST_CHECKS
    neither = "raw_input_tokens IS NULL AND raw_output_tokens IS NULL AND raw_cost_usd IS NULL"
    cheap.append(f"({neither})")
    detail.append((neither, "no input_tokens, output_tokens or cost_usd"))
    if fields.input_includes_cache:
        over = (
            "coalesce(u_cache_read_tokens, 0) + coalesce(u_cache_write_tokens, 0) > "
            "coalesce(u_input_tokens, 0)"
        )
        cheap.append(f"({over})")
        detail.append((over, "cache_read_tokens + cache_write_tokens exceed input_tokens"))

    def said(entry: tuple[str, ...]) -> str:
        if values and len(entry) == 3:  # the offending value, cut short, for the examples
            return f"{sql_text(entry[1] + ' (got ')} || left({entry[2]}, 40) || ')'"
        return sql_text(entry[1])

    reason = "CASE " + " ".join(f"WHEN {e[0]} THEN {said(e)}" for e in detail) + " END"
    # (bounded before the cast: a count above the bound is a skipped line, never a failed query)
    tokens = ", ".join(
        f"least(coalesce(u_{n}, 0), {MAX_TOKENS})::BIGINT AS {n}" for n in TOKEN_FIELDS
    )
    return (
        f"SELECT __line, __file, __valid, {', '.join(TEXT_FIELDS)}, {tokens}, cost_usd, "
        f"CASE WHEN {' OR '.join(cheap)} THEN {reason} END AS problem FROM "
        f"(SELECT *, {', '.join(cast)} FROM (SELECT {', '.join(inner)} FROM {source}))"
    )


def numbered(checked: str) -> str:
    """Bad lines of ``checked`` with their ordinal; only the verdict passes through the window,
    so the ordered pass holds no line text and stops as soon as LIMIT is met."""
    return (
        "SELECT rn AS __line, problem FROM (SELECT row_number() OVER () AS rn, problem FROM "
        f"(SELECT CASE WHEN __valid IS NOT NULL THEN problem END AS problem FROM ({checked}))) "
        "WHERE problem IS NOT NULL"
    )
