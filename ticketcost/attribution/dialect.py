"""The attribution's SQL in other dialects: every query is written once, in DuckDB's dialect, and
rendered for Apache Spark SQL with sqlglot (imported only here, only for Spark or --emit-sql).

sqlglot translates most of it; the rewrites below cover what it leaves as DuckDB, or renders with
another meaning:

- ``UBIGINT`` (unsigned) becomes ``DECIMAL(20,0)`` and a ``TRY_CAST`` to it refuses negatives, as
  DuckDB's does; ``HUGEINT`` becomes ``DECIMAL(38,0)``.
- ``try(json_extract_string(column, [path, ...]))`` (one parse of a JSON column for several
  paths, a list) becomes an array of ``get_json_object`` (NULL, not an error, on text that is no
  JSON), with DuckDB's 1-based list index made 0-based by sqlglot.
- ``suffix`` becomes ``endswith``.

Spark must run with ``spark.sql.decimalOperations.allowPrecisionLoss=false`` (see
:mod:`.spark`): with the default, a ``DECIMAL(38,18)`` product is rounded to 6 decimals.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class SqlDialect(StrEnum):
    DUCKDB = "duckdb"
    SPARK = "spark"


DIALECTS = tuple(d.value for d in SqlDialect)


def _json_path_spark(path: str) -> str:
    """DuckDB's ``$."a"."b"`` as Spark's ``$['a']['b']`` (quotes inside keys kept literal)."""
    keys = []
    rest = path.removeprefix("$")
    while rest:
        if not rest.startswith('."'):
            raise ValueError(f"unexpected JSON path {path!r}")
        rest = rest[2:]
        key = []
        while True:
            if rest.startswith('\\"'):
                key.append('"')
                rest = rest[2:]
            elif rest.startswith('"'):
                rest = rest[1:]
                break
            else:
                key.append(rest[0])
                rest = rest[1:]
        keys.append("".join(key))
    return "$" + "".join(f"['{k}']" for k in keys)


def _spark_path(path: Any) -> str:
    """A JSON path as sqlglot parsed it (a string, or a parsed path of keys), in Spark's form."""
    from sqlglot import exp

    if isinstance(path, exp.JSONPath):
        keys = [str(k.this) for k in path.expressions if isinstance(k, exp.JSONPathKey)]
        if len(keys) != len(path.expressions) - 1:  # a root and keys only
            raise ValueError(f"unexpected JSON path {path.sql('duckdb')}")
        return "$" + "".join(f"['{k}']" for k in keys)
    return _json_path_spark(str(path.this))


def _rewrite_for_spark(node: Any) -> Any:
    from sqlglot import exp

    if isinstance(node, exp.DataType):
        if node.this == exp.DataType.Type.UBIGINT:
            return exp.DataType.build("DECIMAL(20,0)")
        if node.this == exp.DataType.Type.INT128:
            return exp.DataType.build("DECIMAL(38,0)")
    if isinstance(node, exp.TryCast) and node.to.this == exp.DataType.Type.UBIGINT:
        whole = node.copy()  # (a new TryCast would render as a plain CAST)
        whole.set("to", exp.DataType.build("DECIMAL(20,0)"))
        test = exp.GTE(this=whole, expression=exp.Literal.number(0))
        return exp.If(this=test, true=whole.copy(), false=exp.Null())
    if isinstance(node, exp.Try):  # (what it wraps is rewritten here: transform goes on below it)
        return _rewrite_for_spark(node.this)
    if isinstance(node, exp.JSONExtractScalar):
        paths = node.expression.expressions if isinstance(node.expression, exp.Array) else None
        reads = [
            exp.Anonymous(
                this="get_json_object",
                expressions=[node.this.copy(), exp.Literal.string(_spark_path(p))],
            )
            for p in (paths if paths is not None else [node.expression])
        ]
        return exp.Array(expressions=reads) if paths is not None else reads[0]
    if isinstance(node, exp.Anonymous) and str(node.this).lower() == "suffix":
        return exp.Anonymous(this="endswith", expressions=node.expressions)
    return node


def render(sql: str, dialect: str) -> str:
    """``sql`` (DuckDB's dialect) in ``dialect``: duckdb (unchanged) or spark."""
    if dialect == "duckdb":
        return sql
    if dialect != "spark":
        raise ValueError(f"unknown SQL dialect {dialect!r}; use {' or '.join(DIALECTS)}")
    import sqlglot

    tree = sqlglot.parse_one(sql, read="duckdb")
    return str(tree.transform(_rewrite_for_spark).sql(dialect="spark"))
