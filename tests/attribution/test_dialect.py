"""The attribution's DuckDB SQL rendered for Spark: the rewrites sqlglot does not make itself.
(That the rendered queries give the same figures is tests/attribution/test_spark.py's work.)"""

from __future__ import annotations

import pytest

from ticketcost.attribution.dialect import render


def test_duckdb_text_is_left_as_it_is():
    sql = "SELECT TRY_CAST(x AS UBIGINT) FROM t"
    assert render(sql, "duckdb") == sql


def test_an_unsigned_cast_refuses_negatives_as_duckdb_does():
    # DuckDB's TRY_CAST('-5' AS UBIGINT) is NULL; a DECIMAL(20,0) would keep -5
    assert render("SELECT TRY_CAST(x AS UBIGINT) FROM t", "spark") == (
        "SELECT IF(TRY_CAST(x AS DECIMAL(20, 0)) >= 0, TRY_CAST(x AS DECIMAL(20, 0)), NULL) FROM t"
    )


def test_128_bit_integers_become_38_digit_decimals():
    assert render("SELECT CAST(x AS HUGEINT), 0::HUGEINT FROM t", "spark") == (
        "SELECT CAST(x AS DECIMAL(38, 0)), CAST(0 AS DECIMAL(38, 0)) FROM t"
    )


def test_one_parse_of_several_json_paths_becomes_get_json_object_each():
    sql = """SELECT try(json_extract_string(a, ['$."usage"."input tokens"', '$."id"']))[2] FROM t"""
    # DuckDB's lists start at 1, Spark's arrays at 0; keys with spaces in brackets
    assert render(sql, "spark") == (
        "SELECT ARRAY(GET_JSON_OBJECT(a, '$[\\'usage\\'][\\'input tokens\\']'), "
        "GET_JSON_OBJECT(a, '$[\\'id\\']'))[1] FROM t"
    )


def test_one_json_path_and_a_quoted_key():
    sql = """SELECT json_extract_string(a, '$."say \\"hi\\""') FROM t"""
    assert render(sql, "spark") == """SELECT GET_JSON_OBJECT(a, '$[\\'say "hi"\\']') FROM t"""


def test_suffix_becomes_endswith():
    assert render("SELECT suffix(ts, 'Z') FROM t", "spark") == "SELECT ENDSWITH(ts, 'Z') FROM t"


def test_an_unknown_dialect_is_refused():
    with pytest.raises(ValueError, match="use duckdb or spark"):
        render("SELECT 1", "postgres")
