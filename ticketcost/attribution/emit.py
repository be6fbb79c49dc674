"""``attribute --emit-sql``: the statements an attribution runs, as a script for DuckDB or Spark.

The attribution runs on the embedded engine with every statement recorded (the query depends on
the logs: which fields a file maps, which models and price periods occur, whether a request id
repeats), then the record is rendered: unchanged for DuckDB, through :func:`~.dialect.render`
for Spark SQL, where each table becomes a cached view (``CACHE TABLE``) and each log file a
temporary view read by Spark's own JSON, CSV or Parquet reader. The last statements compute the
report's figures (totals, percentiles, groups); run the script with ``duckdb < FILE`` or
``spark-sql -f FILE`` (or statement by statement in a notebook).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ticketcost.attribution.connection import connect
from ticketcost.attribution.dialect import DIALECTS, render
from ticketcost.attribution.engine import attribute_on
from ticketcost.attribution.scans import SourceView
from ticketcost.attribution.sources import LogSource, Options
from ticketcost.attribution.spark import CREATE_STATEMENT, SPARK_CONF
from ticketcost.errors import TicketcostError
from ticketcost.pricing.table import PriceTable


def attribution_sql(
    sources: Sequence[LogSource], prices: PriceTable, options: Options, dialect: str
) -> str:
    """The attribution of ``sources`` as a SQL script in ``dialect`` (duckdb or spark)."""
    if dialect not in DIALECTS:
        raise TicketcostError(f"--emit-sql {dialect}: use {' or '.join(DIALECTS)}")
    if dialect == "spark" and options.outcomes_file is not None:
        raise TicketcostError(
            "--emit-sql spark: an outcomes file is read by the embedded engine only; give the "
            "requests an outcome field",
            param="outcomes",
        )
    con, folder = connect(record=True)
    statements = con.statements
    assert statements is not None
    attribute_on(con, folder, sources, prices, replace(options, examples=0))
    if dialect == "duckdb":
        head = ["SET TimeZone = 'UTC'"]
    else:
        head = [f"SET {key} = {value}" for key, value in SPARK_CONF.items()]
    body = [_statement(s, dialect) for s in statements]
    names = ", ".join(str(s.path) for s in sources)
    title = (
        f"-- ticketcost attribute: the SQL run for {names}\n"
        f"-- dialect: {dialect}; {len(body)} statements, the last ones compute the figures\n"
    )
    return title + "".join(f"{s};\n\n" for s in [*head, *body]).rstrip() + "\n"


def _statement(statement: str | SourceView, dialect: str) -> str:
    if isinstance(statement, SourceView):
        return statement.duckdb if dialect == "duckdb" else statement.spark
    if dialect == "duckdb":
        return statement
    created = CREATE_STATEMENT.fullmatch(statement.strip())
    if created is None:
        return render(statement, dialect)
    kind, _, name, select = created.groups()
    if kind == "TABLE":  # computed once, as DuckDB's temporary table is (a second run of the
        # script in the same session replaces it)
        return f"DROP VIEW IF EXISTS {name};\n\nCACHE TABLE {name} AS {render(select, dialect)}"
    return f"CREATE OR REPLACE TEMPORARY VIEW {name} AS {render(select, dialect)}"
