"""The attribution on Apache Spark (``--engine spark``; extra ``ticketcost[spark]``).

The same statements as the embedded engine, rendered from DuckDB's dialect by
:func:`~.dialect.render`, on a Spark session: ``local[*]`` by default, or Spark Connect
(``sc://HOST:PORT``, from ``--spark-remote`` or ``SPARK_REMOTE``). The logs are read through
temporary views (JSON Lines and CSV columns as text, Parquet and tables as typed); every table
the attribution builds is a temporary view over a persisted DataFrame; the prices are a small
VALUES table (Spark broadcasts it in the join). Decimal arithmetic keeps its scale:
``spark.sql.decimalOperations.allowPrecisionLoss`` is off (with it on, Spark rounds a
``DECIMAL(38,18)`` product to 6 decimals).

Paths are passed to Spark as given: globs and cloud URIs (``s3a://``, ``abfss://``, ``gs://``)
are read by Spark itself. What only the embedded engine reads: OTLP batches, JSON arrays and
documents, Langfuse observations joined with their traces, and an outcomes file.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from ticketcost.attribution.dialect import render
from ticketcost.attribution.fields import log_format_of
from ticketcost.attribution.query import run
from ticketcost.attribution.results import Attribution
from ticketcost.attribution.scans import Plan, plan_records
from ticketcost.attribution.sources import (
    LogSource,
    Options,
    is_tsv,
    read_header,
    sample_json,
)
from ticketcost.errors import TicketcostError
from ticketcost.pricing.table import PriceTable

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

    from ticketcost.attribution.scans import SourceView

SPARK_CONF = {
    "spark.sql.decimalOperations.allowPrecisionLoss": "false",
    "spark.sql.session.timeZone": "UTC",
}
LOCAL_CONF = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": "8",
}
SAMPLE_LINES = 200
CREATE_STATEMENT = re.compile(
    r"CREATE (?:OR REPLACE )?TEMP (TABLE|VIEW) (IF NOT EXISTS )?(\w+) AS (.*)", re.DOTALL
)


class Location(str):
    """A path, glob, URI or table name as Spark reads it (``pathlib`` would fold ``s3a://``)."""

    @property
    def name(self) -> str:
        return self.rstrip("/").rsplit("/", 1)[-1]


class _Rows:
    def __init__(self, rows: list[tuple[Any, ...]]) -> None:
        self.rows = rows

    def fetchall(self) -> list[tuple[Any, ...]]:
        return self.rows

    def fetchone(self) -> tuple[Any, ...] | None:
        return self.rows[0] if self.rows else None


def _duckdb_type(kind: Any) -> str:
    """A Spark type named as DuckDB's DESCRIBE would (nested ones are read as JSON)."""
    name = kind.simpleString()
    if name.startswith("struct"):
        return f"STRUCT({name})"
    if name.startswith("map"):
        return f"MAP({name})"
    if name.startswith("array"):
        return f"{name}[]"
    return str(name).upper()


class SparkConnection:
    """A Spark session behind the calls the attribution makes of its engine."""

    dialect = "spark"

    def __init__(self, spark: SparkSession) -> None:
        self.spark = spark
        self.kept: dict[str, DataFrame] = {}
        self.views: list[str] = []

    def _sql(self, statement: str) -> DataFrame:
        return self.spark.sql(render(statement, "spark"))

    def execute(self, sql: str, /) -> _Rows:
        text = sql.strip()
        if text.startswith(("SET ", "RESET ")):
            return _Rows([])  # DuckDB's settings (threads, insertion order): nothing to do
        if text.startswith("DESCRIBE "):
            schema = self.spark.table(text.split()[1]).schema
            return _Rows([(f.name, _duckdb_type(f.dataType)) for f in schema.fields])
        created = CREATE_STATEMENT.fullmatch(text)
        if created:
            kind, if_not_exists, name, select = created.groups()
            if if_not_exists and name in self.views:
                return _Rows([])
            frame = self._sql(select)
            if kind == "TABLE":  # read many times: computed once
                frame = frame.persist()
                old = self.kept.pop(name, None)
                if old is not None:
                    old.unpersist()
                self.kept[name] = frame
            frame.createOrReplaceTempView(name)
            self.views.append(name)
            return _Rows([])
        return _Rows([tuple(row) for row in self._sql(text).collect()])

    def execute_view(self, view: SourceView, /) -> None:
        self.spark.sql(view.spark)
        self.views.append(view.name)

    def query_progress(self) -> float:
        return -1.0

    def close(self) -> None:
        for frame in self.kept.values():
            frame.unpersist()
        for name in dict.fromkeys(self.views):
            self.spark.catalog.dropTempView(name)


def session(remote: str | None = None) -> SparkSession:
    """A Spark session: Spark Connect at ``remote`` (or ``SPARK_REMOTE``), else local."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise TicketcostError(
            "--engine spark needs pyspark: pip install 'ticketcost[spark]'"
        ) from None
    remote = remote or os.environ.get("SPARK_REMOTE")
    builder = SparkSession.builder
    try:
        if remote:
            spark = builder.remote(remote).getOrCreate()
        else:
            master = os.environ.get("TICKETCOST_SPARK_MASTER", "local[*]")
            builder = builder.master(master).appName("ticketcost")
            for key, value in {**LOCAL_CONF, **SPARK_CONF}.items():
                builder = builder.config(key, value)
            spark = builder.getOrCreate()
            spark.sparkContext.setLogLevel("OFF")  # errors are raised, then said in one line
        for key, value in SPARK_CONF.items():  # a session that was running already
            spark.conf.set(key, value)
    except Exception as exc:  # the JVM missing, or Spark Connect unreachable
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        where = f"Spark Connect at {remote}" if remote else "a local Spark (it needs Java 17+)"
        raise TicketcostError(f"cannot start {where}: {first}", param="engine") from None
    return spark


def spark_sources(
    paths: Sequence[str], tables: Sequence[str], input_format: str | None
) -> list[LogSource]:
    """Each path (file, glob or URI, as Spark reads it) with its format; each table."""
    found = []
    for raw in paths:
        kind = input_format or log_format_of(Location(raw).name)
        if kind is None:
            raise TicketcostError(
                f"{raw}: cannot tell the format from the extension; name it .jsonl, .csv or "
                ".parquet, or pass `input_format` jsonl|csv|parquet",
                hints=("input_format",),
            )
        found.append(LogSource(cast(Path, Location(raw)), kind))
    found += [LogSource(cast(Path, Location(t)), "table") for t in tables]
    if not found:
        raise TicketcostError("no logs given; pass LOGFILE arguments or `table`")
    return found


def _records(spark: SparkSession, src: LogSource) -> tuple[str, list[dict[str, Any]]]:
    """The layout and first records (or column names) of a source, for recognition."""
    location = str(src.path)
    local = Path(location)
    if src.format == "table":
        return "lines", [dict.fromkeys(spark.table(location).columns)]
    if src.format == "parquet":
        return "lines", [dict.fromkeys(spark.read.parquet(location).columns)]
    if src.format == "csv":
        if local.is_file():
            return "lines", [dict.fromkeys(read_header(local))]
        sep = "\t" if is_tsv(src.path) else ","
        header = spark.read.option("header", "true").option("sep", sep).csv(location).columns
        return "lines", [dict.fromkeys(header)]
    if local.is_file():
        return sample_json(local)
    records = []
    for row in spark.read.option("lineSep", "\n").text(location).limit(SAMPLE_LINES).collect():
        try:
            value = json.loads(row[0])
        except ValueError:
            continue
        if isinstance(value, dict):
            records.append(value)
    return "lines", records


def plan_spark_source(spark: SparkSession, src: LogSource, options: Options) -> Plan:
    layout, records = _records(spark, src)
    plan = plan_records(src, records, options.fields, layout)
    if layout != "lines":
        what = "a JSON array or document"
    elif plan.found.shape == "otlp":
        what = "OTLP span batches"
    elif plan.found.shape == "langfuse-traces":
        what = "a Langfuse traces export"
    else:
        return plan
    raise TicketcostError(
        f"{src.path}: {what} can be read by the embedded engine only (--engine duckdb); on "
        "Spark, flatten the records first (one request a record)",
        param="engine",
    )


def attribute_spark(
    sources: Sequence[LogSource],
    prices: PriceTable,
    options: Options,
    remote: str | None = None,
) -> Attribution:
    """Attribute ``sources`` (from :func:`spark_sources`) on Spark, priced from ``prices``."""
    if options.outcomes_file is not None:
        raise TicketcostError(
            "an outcomes file is read by the embedded engine only; on Spark, give the requests "
            "an outcome field (join your outcomes into the table first)",
            param="outcomes",
        )
    spark = session(remote)
    con = SparkConnection(spark)
    try:
        plans = [plan_spark_source(spark, s, options) for s in sources]
        return run(con, plans, [], prices, options, None)
    except TicketcostError:
        raise
    except Exception as exc:
        from pyspark.errors import PySparkException

        if not isinstance(exc, PySparkException):
            raise
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        names = ", ".join(str(s.path) for s in sources)
        raise TicketcostError(f"{names}: Spark could not attribute the logs: {first}") from None
    finally:
        con.close()
