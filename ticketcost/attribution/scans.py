"""Each log file as SQL: its format recognised from its first records, and the typed select that
reads it (JSON Lines, JSON arrays, OTLP span batches, Langfuse observations joined with their
traces, CSV, Parquet), with an ordered twin that finds bad lines with their numbers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from ticketcost.attribution.fields import FieldChoice, FieldMap, Preset
from ticketcost.attribution.formats import Recognised, field_map, forced, recognise
from ticketcost.attribution.sources import LogSource, is_tsv, read_header, sample_json
from ticketcost.attribution.sql import (
    BAD,
    Columns,
    ident,
    json_path,
    numbered,
    sql_text,
    typed_select,
)
from ticketcost.errors import TicketcostError

if TYPE_CHECKING:
    from ticketcost.attribution.connection import Connection


NUMBER = "row_number() OVER ()"


class SourceView(NamedTuple):
    """The view a file is read through, as each engine creates it (run before ``select``)."""

    name: str
    duckdb: str
    spark: str


class SourceSql(NamedTuple):
    source: LogSource
    select: str  # typed rows of this file (columns as typed_select)
    locate: str | None  # the same rows in file order with their line number, for bad lines
    unit: str  # what a bad "line" is: line, row, record, span
    fields: FieldMap
    view: SourceView | None = None
    # (JSON Lines) the table function that reads the lines as the locating query numbers them
    raw_lines: str | None = None


# integer column types as DESCRIBE names them (Spark's as the Spark connection renders them)
INTEGER_TYPES = frozenset(
    {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT",
     "HUGEINT", "INT"}
)  # fmt: skip
CORRUPT = "_corrupt_record"  # Spark's column for a line that is no JSON, or a short or long CSV row


# The longest line read: as long as DuckDB's JSON reader reads (a line must fit its buffer, twice
# its 16 MiB maximum_object_size; a longer one stops the run, see sources.long_line). Each thread
# of a reader holds a buffer that long, so the locating pass asks for it only when a line is
# longer than its reader's default 2 MB (see wide_lines).
LINE_BYTES = 32 << 20
# Spark keeps a line it cannot read whole, with its text in _corrupt_record
_PERMISSIVE = {"mode": "PERMISSIVE", "columnNameOfCorruptRecord": CORRUPT}


def wide_lines(b: SourceSql) -> str:
    """``b``'s locating query, its lines read up to LINE_BYTES long."""
    assert b.locate is not None and b.raw_lines is not None and b.raw_lines.endswith(")")
    wide = f"{b.raw_lines[:-1]}, max_line_size={LINE_BYTES}, buffer_size={LINE_BYTES})"
    assert b.raw_lines in b.locate
    return b.locate.replace(b.raw_lines, wide)


def view_name(index: int) -> str:
    return f"__ticketcost_src{index}"


def _spark_view(name: str, using: str, path: str, columns: Sequence[str], **options: str) -> str:
    """Spark SQL for a temporary view over a file or glob (columns read as text, if given)."""
    schema = f" ({', '.join(f'`{c}` STRING' for c in columns)})" if columns else ""
    pairs = ", ".join(f"{k} {sql_text(v)}" for k, v in {"path": path, **options}.items())
    return f"CREATE OR REPLACE TEMPORARY VIEW {name}{schema} USING {using} OPTIONS ({pairs})"


def _source_view(
    src: LogSource, index: int, duckdb_scan: str, columns: Sequence[str]
) -> SourceView:
    name = view_name(index)
    location = str(src.read_path)
    if src.format == "table":
        spark = f"CREATE OR REPLACE TEMPORARY VIEW {name} AS SELECT * FROM {location}"
    elif src.format == "jsonl":  # a line that is no JSON keeps its text in _corrupt_record
        # (lines end at \n alone, as DuckDB reads them: by default Spark also ends a line at a
        # lone \r, splitting a line into two bad halves)
        spark = _spark_view(
            name, "json", location, [*columns, CORRUPT], lineSep="\n", **_PERMISSIVE
        )
    elif src.format == "csv":  # a row with too many or too few columns keeps its text there
        # (a quoted field may span lines, as DuckDB reads it: Spark then reads each file in one
        # task, as it cannot split a file where a record might go on)
        sep = "\t" if is_tsv(src.path) else ","
        spark = _spark_view(
            name, "csv", location, [*columns, CORRUPT], header="true", quote='"', escape='"',
            sep=sep, multiLine="true", **_PERMISSIVE,
        )  # fmt: skip
        # (DuckDB's reader sets such rows apart itself: the column is there, always NULL)
        duckdb_scan = f"(SELECT *, NULL::VARCHAR AS {ident(CORRUPT)} FROM {duckdb_scan})"
    else:
        spark = _spark_view(name, "parquet", location, ())
    duckdb = f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT * FROM {duckdb_scan}"
    return SourceView(name, duckdb, spark)


class Plan(NamedTuple):
    """How a file is read: its format, the mapping, and how its JSON is laid out."""

    source: LogSource
    found: Recognised
    fields: FieldMap
    layout: str  # lines, array or document (JSON); lines for CSV and Parquet
    names: tuple[str, ...] = ()  # a CSV file's columns


def top_names(fields: FieldMap) -> list[str]:
    return list(
        dict.fromkeys(
            path[0]
            for alternatives in fields.paths.values()
            for alternative in alternatives
            for path in alternative
            if not path[0].startswith("=")
        )
    )


def plan_source(con: Connection, src: LogSource, choice: FieldChoice) -> Plan:
    """The file's format from its first records (``choice.preset`` forces the mapping)."""
    layout = "lines"
    if src.format == "csv":
        records = [dict.fromkeys(read_header(src.path))]
    elif src.format == "parquet":
        names = con.execute(f"DESCRIBE SELECT * FROM {_parquet(src)}").fetchall()
        records = [dict.fromkeys(str(row[0]) for row in names)]
    else:
        layout, records = sample_json(src.path)
    return plan_records(src, records, choice, layout)


def _parquet(src: LogSource) -> str:
    return f"read_parquet({sql_text(str(src.read_path))}, file_row_number=true)"


def plan_records(
    src: LogSource, records: Sequence[dict[str, Any]], choice: FieldChoice, layout: str
) -> Plan:
    """The plan of a file whose first records (or column names) are ``records``."""
    found = recognise(list(records))
    detected = found is not None and choice.preset is None
    if choice.preset is not None:
        chosen = forced(choice.preset)
        if (
            found is not None
            and found.shape != "records"
            and found.preset
            in (choice.preset, Preset.OTLP if choice.preset is Preset.OTEL else None)
        ):
            chosen = found  # an OTLP batch or a Langfuse traces file stays what it is
        elif found is not None and found.preset is choice.preset:
            chosen = found
        found = chosen
    if found is None:
        found = Recognised(Preset.TICKETCOST)
    seen = {k for r in records for k in r} if src.format == "jsonl" else None
    names = tuple(records[0]) if src.format == "csv" and records else ()
    return Plan(src, found, field_map(found, choice, detected, seen), layout, names)


def _records_sql(
    src: LogSource,
    fields: FieldMap,
    tag: str,
    tops: list[str],
    layout: str,
    traces: Sequence[LogSource],
) -> SourceSql:
    """A JSON array (``/spend/logs``, an API export) or a JSON file joined with Langfuse traces:
    records numbered in file order (bad ones are located by record, not line)."""
    path = sql_text(str(src.read_path))
    own = [t for t in tops if t != "trace"]
    if traces:
        own += [t for t in ("traceId", "trace_id") if t not in own]
    declared = ", ".join(f"{sql_text(t)}: 'VARCHAR'" for t in own)
    shape = {"array": "array", "document": "unstructured"}.get(layout, "newline_delimited")
    relation = (
        f"(SELECT {NUMBER} AS __rn, * FROM read_json({path}, format='{shape}', "
        f"columns={{{declared}}}, ignore_errors=true))"
    )
    relation, present = with_traces(relation, set(own), traces)
    columns = Columns(fields, lambda top: ident(top) if top in present else None)
    # numbering every record holds the whole file in memory: only the locating pass does it
    select = typed_select(columns, fields, "__rn", tag, relation.replace(NUMBER, "NULL::BIGINT"))
    checked = typed_select(columns, fields, "__rn", tag, relation, values=True)
    locate = f"SELECT __line, problem FROM ({checked}) WHERE {BAD} ORDER BY __line"
    return SourceSql(src, select, locate, "record", fields)


# OTLP's anyValue: one of these is set; arrays and kvlists are kept as their JSON
_ANY = (
    "STRUCT(stringValue VARCHAR, intValue VARCHAR, doubleValue VARCHAR, boolValue VARCHAR, "
    "bytesValue VARCHAR, arrayValue JSON, kvlistValue JSON)"
)
_KEYVALUES = f'STRUCT("key" VARCHAR, "value" {_ANY})[]'
_SPAN = (
    f"STRUCT(traceId VARCHAR, spanId VARCHAR, name VARCHAR, startTimeUnixNano VARCHAR, "
    f"attributes {_KEYVALUES}, status JSON)"
)
_EXPORT = (
    f"STRUCT(resource STRUCT(attributes {_KEYVALUES}), scopeSpans STRUCT(spans {_SPAN}[])[])[]"
)


def with_traces(
    relation: str, present: set[str], traces: Sequence[LogSource]
) -> tuple[str, set[str]]:
    """Langfuse observations joined with their traces (column ``trace``: the trace's JSON), by
    the observation's trace id; the columns then present."""
    ids = [ident(c) for c in ("traceId", "trace_id") if c in present]
    if not traces or not ids:
        return relation, present
    names = ", ".join(sql_text(str(t.read_path)) for t in traces)
    joined = (
        "(SELECT json_extract_string(json, '$.id') AS __tid, any_value(json::VARCHAR) AS trace "
        f"FROM read_json_objects([{names}], format='auto') GROUP BY 1)"
    )
    key = f"coalesce({', '.join(f'o.{i}' for i in ids)})" if len(ids) > 1 else f"o.{ids[0]}"
    relation = f"(SELECT o.*, t.trace FROM {relation} o LEFT JOIN {joined} t ON t.__tid = {key})"
    return relation, present | {"trace"}


def _otlp_sql(src: LogSource, fields: FieldMap, tag: str, layout: str) -> SourceSql:
    """OTLP/JSON (the collector's file exporter, one ExportTraceServiceRequest a line; or one
    OTLP/HTTP request body): every span of every resource and scope, its KeyValue attribute list
    as an object (``anyValue`` of any kind: strings, int64 as string or number, doubles, bools,
    bytes; arrays and kvlists as their JSON), numbered by the export request they came in. Read
    with its schema's types, so a span is never held as JSON text; a line that is no OTLP/JSON is
    one bad line."""
    path = sql_text(str(src.read_path))
    shape = "newline_delimited" if layout == "lines" else "auto"

    def attributes(owner: str) -> str:
        value = (
            "coalesce(a.value.stringValue, a.value.intValue, a.value.doubleValue, "
            "a.value.boolValue, a.value.bytesValue, a.value.arrayValue::VARCHAR, "
            "a.value.kvlistValue::VARCHAR)"
        )
        return (
            f"map_from_entries(list_transform(coalesce({owner}, []), "
            f"lambda a: {{'k': a.key, 'v': {value}}}))"
        )

    def spread(items: str, parent: str) -> str:  # a NULL parent (a bad line) stays one row
        return f"unnest(CASE WHEN {parent} IS NULL THEN [NULL] ELSE {items} END)"

    relation = (
        "(SELECT __rn, span IS NOT NULL AS __ok, "
        f"{attributes('span.attributes')} AS attributes, "
        f"{attributes('resource.attributes')} AS resource_attributes, "
        "span.status::VARCHAR AS status, span.startTimeUnixNano AS "
        "startTimeUnixNano, span.spanId AS spanId, span.traceId AS traceId, span.name AS name "
        f"FROM (SELECT __rn, resource, {spread('scope.spans', 'scope')} AS span FROM ("
        f"SELECT __rn, rs.resource AS resource, {spread('rs.scopeSpans', 'rs')} AS scope FROM ("
        "SELECT __rn, unnest(coalesce(resourceSpans, [NULL])) AS rs "
        f"FROM (SELECT {NUMBER} AS __rn, resourceSpans FROM read_json({path}, format='{shape}', "
        f"columns={{'resourceSpans': '{_EXPORT}'}}, ignore_errors=true))))))"
    )
    produced = {
        "attributes", "resource_attributes", "status", "startTimeUnixNano", "spanId", "traceId",
        "name",
    }  # fmt: skip
    maps = frozenset({"attributes", "resource_attributes"})
    columns = Columns(fields, lambda top: ident(top) if top in produced else None, maps)
    quick = relation.replace(NUMBER, "NULL::BIGINT")
    select = typed_select(columns, fields, "__rn", tag, quick, "__ok")
    checked = typed_select(columns, fields, "__rn", tag, relation, "__ok", values=True)
    locate = f"SELECT __line, problem FROM ({checked}) WHERE {BAD} ORDER BY __line"
    # a bad span is located by the export request it came in (the n-th record of the file)
    return SourceSql(src, select, locate, "record", fields)


def source_sql(
    con: Connection,
    src: LogSource,
    fields: FieldMap,
    index: int,
    layout: str = "lines",
    found: Recognised | None = None,
    traces: Sequence[LogSource] = (),
    names: Sequence[str] = (),
) -> SourceSql:
    """SQL for one log file; ``index`` tags its rows (cheaper to group by than the file name).

    ``layout`` is how a JSON file holds its records (lines, array, document); ``found`` the
    format recognised; ``traces`` the Langfuse traces files an observations file is joined with;
    ``names`` a CSV file's columns when they are known already. The plain formats are read
    through a view (:class:`SourceView`) that each engine creates its own way.
    """
    path = sql_text(str(src.read_path))
    tag = str(index)
    tops = top_names(fields)
    if found is not None and found.shape == "otlp":
        return _otlp_sql(src, fields, tag, layout)
    if src.format == "jsonl" and (layout != "lines" or traces):
        return _records_sql(src, fields, tag, tops, layout, traces)
    if src.format == "jsonl":
        declared = ", ".join(f"{sql_text(t)}: 'VARCHAR'" for t in tops)
        scan = (
            f"read_json({path}, format='newline_delimited', columns={{{declared}}}, "
            "ignore_errors=true)"
        )
        view = _source_view(src, index, scan, tops)
        con.execute_view(view)
        columns = Columns(fields, ident)
        select = typed_select(columns, fields, "NULL::BIGINT", tag, view.name)
        raw_lines = (
            f"read_csv({path}, columns={{'raw': 'VARCHAR'}}, header=false, delim='\\x01', "
            "quote='', escape='', auto_detect=false)"
        )
        # One parse of each line for all the top-level keys (a list), then index into it.
        paths = ", ".join(json_path([top]) for top in tops)
        raw_columns = Columns(fields, lambda top: f"__v[{tops.index(top) + 1}]")
        # A blank line has no verdict (NULL) but keeps its place in the numbering. (Only a line
        # that is no JSON is trimmed: a copy of every line took a third of the ordered pass.)
        valid = (
            "CASE WHEN json_valid(raw) THEN true WHEN coalesce(trim(raw), '') <> '' THEN false END"
        )
        checked = typed_select(
            raw_columns,
            fields,
            "NULL::BIGINT",
            tag,
            f"(SELECT *, CASE WHEN __valid THEN json_extract_string(raw, [{paths}]) END AS __v "
            f"FROM (SELECT raw, {valid} AS __valid FROM {raw_lines}))",
            "__valid",
            values=True,
        )
        if con.dialect == "duckdb":
            locate = numbered(checked)
        else:
            locate = _examples(columns, fields, view, f"{ident(CORRUPT)} IS NULL")
        return SourceSql(src, select, locate, "line", fields, view, raw_lines)
    if src.format == "csv":
        return _csv_sql(con, src, fields, index, traces, names)
    return _parquet_sql(con, src, fields, index, traces)


def _csv_sql(
    con: Connection,
    src: LogSource,
    fields: FieldMap,
    index: int,
    traces: Sequence[LogSource],
    names: Sequence[str],
) -> SourceSql:
    """A CSV or TSV file: every column as text; rows the reader rejects are counted apart."""
    path = sql_text(str(src.read_path))
    tag = str(index)
    header = list(names) if names else read_header(src.path)
    present = set(header)
    declared = ", ".join(f"{sql_text(h)}: 'VARCHAR'" for h in header)
    delim = "\\t" if is_tsv(src.path) else ","
    scan = (
        f"read_csv({path}, header=true, auto_detect=false, columns={{{declared}}}, "
        f"delim='{delim}', quote='\"', escape='\"', max_line_size={LINE_BYTES}, "
        f"buffer_size={LINE_BYTES}, store_rejects=true)"
    )
    plain_scan = scan.replace(", store_rejects=true", ", ignore_errors=true")
    through: SourceView | None = None
    if traces:
        scan, present = with_traces(scan, present, traces)
        plain_scan, _ = with_traces(plain_scan, present, traces)
    else:
        through = _source_view(src, index, scan, header)
        con.execute_view(through)
        scan = through.name
    columns = Columns(fields, lambda top: ident(top) if top in present else None)
    _require_ticket_id(columns, src, header)
    valid, invalid = "true", None
    if through is not None:  # (read through the view: the rows Spark could not read whole)
        valid, invalid = f"{ident(CORRUPT)} IS NULL", _wrong_columns(len(header), delim)
    select = typed_select(columns, fields, "NULL::BIGINT", tag, scan, valid, invalid=invalid)
    locate = numbered(typed_select(columns, fields, "NULL::BIGINT", tag, plain_scan, values=True))
    if con.dialect != "duckdb" and through is not None:
        locate = _examples(columns, fields, through, valid, invalid)
    return SourceSql(src, select, locate, "row", fields, through)


def _wrong_columns(columns: int, delim: str) -> str:
    """SQL of why Spark could not read a CSV row whole (its text in _corrupt_record), worded as
    DuckDB's reader rejects it: too many columns, or missing ones. The row's delimiters are
    counted outside its quoted fields (RFC 4180: a quote inside one is doubled)."""
    outside = f"regexp_replace({ident(CORRUPT)}, '\"[^\"]*(\"\"[^\"]*)*\"', '', 'g')"
    sep = "chr(9)" if delim == "\\t" else "','"
    delimiters = f"length({outside}) - length(replace({outside}, {sep}, ''))"
    return (
        f"CASE WHEN {delimiters} >= {columns} THEN 'CSV: too many columns' "
        "ELSE 'CSV: missing columns' END"
    )


def _parquet_sql(
    con: Connection,
    src: LogSource,
    fields: FieldMap,
    index: int,
    traces: Sequence[LogSource],
) -> SourceSql:
    """A Parquet file (or a table, on Spark): each value read through its text, nested columns
    as their JSON."""
    tag = str(index)
    view = _source_view(src, index, _parquet(src), ())
    con.execute_view(view)
    described = con.execute(f"DESCRIBE {view.name}").fetchall()
    types = {str(row[0]): str(row[1]) for row in described}
    numbered_rows = "file_row_number" in types and src.format == "parquet"
    if numbered_rows:
        del types["file_row_number"]

    def parquet_column(top: str) -> str | None:
        kind = types.get(top)
        if kind is None:
            return None
        if kind.startswith(("STRUCT", "MAP")) or kind.endswith("[]"):
            return f"to_json({ident(top)})::VARCHAR"
        return f"CAST({ident(top)} AS VARCHAR)"

    scan, present = with_traces(view.name, set(types), traces)
    if "trace" in present:
        types["trace"] = "VARCHAR"
    integers = frozenset(n for n, kind in types.items() if kind in INTEGER_TYPES)
    columns = Columns(fields, parquet_column, integers=integers)
    _require_ticket_id(columns, src, list(types))
    line = "file_row_number + 1" if numbered_rows else "NULL::BIGINT"
    # (the totals never need a row's number: the same select runs on Spark's view, which has none)
    select = typed_select(columns, fields, "NULL::BIGINT", tag, scan)
    with_values = typed_select(columns, fields, line, tag, scan, values=True)
    # in file order (insertion order is kept while bad rows are located): it stops at the first
    # few instead of sorting every bad row of the file
    locate = f"SELECT __line, problem FROM ({with_values}) WHERE {BAD}"
    return SourceSql(src, select, locate, "row", fields, view)


def _examples(
    columns: Columns,
    fields: FieldMap,
    view: SourceView,
    valid: str = "true",
    invalid: str | None = None,
) -> str:
    """Bad lines with their reasons but no line numbers (a distributed engine keeps no order)."""
    checked = typed_select(
        columns, fields, "NULL::BIGINT", "0", view.name, valid, values=True, invalid=invalid
    )
    return f"SELECT __line, problem FROM ({checked}) WHERE {BAD}"


def _require_ticket_id(columns: Columns, src: LogSource, names: Sequence[str]) -> None:
    if columns.sql["ticket_id"] == "NULL::VARCHAR":
        shown = ", ".join(names[:12]) + (", ..." if len(names) > 12 else "")
        raise TicketcostError(
            f"{src.path}: no column for ticket_id (columns: {shown}); map yours with "
            "`field` ticket_id=COLUMN or a logs.fields entry in the config",
            hints=("field",),
        )
