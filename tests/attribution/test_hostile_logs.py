"""Logs as they turn up: odd names, bad bytes, wrong encodings, absurd numbers. A bad line is
skipped, counted and shown with file:line; a file the engine cannot read at all is refused naming
the file; nothing ends in a traceback.

Every log here prices gpt-5.4-mini at $0.75 in / $4.50 out per 1M tokens: a request of 100 input
and 50 output tokens costs 100 × 0.75 / 1e6 + 50 × 4.50 / 1e6 = $0.000075 + $0.000225 = $0.0003.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from helpers import as_json, error, run

from ticketcost.attribution import lines

HEADER = "ticket_id,model,input_tokens,output_tokens,outcome\n"


def line(ticket: str, **values: object) -> str:
    record = {"ticket_id": ticket, "model": "gpt-5.4-mini", "input_tokens": 100}
    record |= {"output_tokens": 50, "outcome": "resolved"} | values
    return json.dumps(record) + "\n"


def totals(*args: str) -> dict:
    data = as_json("attribute", *args)
    return data["totals"] | {"skipped": data["skipped"]}


def first_bad(data: dict) -> list[tuple[int, str]]:
    """The bad lines a report shows, as (line, reason)."""
    return [(b["line"], b["reason"]) for b in data["skipped"]["first"]]


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_log_name_with_glob_characters_is_read_literally(here):
    Path("a.jsonl").write_text(line("A1"))
    Path("ab.jsonl").write_text(line("B1"))
    Path("a*.jsonl").write_text(line("S1") + line("S2"))
    Path("c1.csv").write_text(HEADER + "C1,gpt-5.4-mini,100,50,resolved\n")
    Path("c[1].csv").write_text(HEADER + "X1,gpt-5.4-mini,100,50,resolved\n" * 3)
    assert totals("a*.jsonl")["requests"] == 2  # not a.jsonl, ab.jsonl: the file of that name
    assert totals("c[1].csv")["requests"] == 3  # not c1.csv
    assert totals("a*.jsonl")["cost_usd"] == Decimal("0.0006")  # 2 × $0.0003


def test_glob_reads_every_match_and_refuses_a_pattern_that_matches_nothing(here):
    Path("a.jsonl").write_text(line("A1"))
    Path("ab.jsonl").write_text(line("B1"))
    data = as_json("attribute", "--glob", "a*.jsonl")
    assert [f["path"] for f in data["files"]] == ["a.jsonl", "ab.jsonl"]
    assert data["totals"]["requests"] == 2
    assert error("attribute", "--glob", "z*.jsonl") == (
        "Error: --glob: z*.jsonl: no file matches this pattern\n"
    )


def test_an_invalid_utf8_line_is_skipped_with_its_line_number(here):
    good = line("U1").encode()
    bad = b'{"ticket_id": "U2\xff", "model": "gpt-5.4-mini", "input_tokens": 5}\n'
    Path("bytes.jsonl").write_bytes(
        good + bad + line("U3").encode() + line("U4", input_tokens=-1).encode()
    )
    data = totals("bytes.jsonl")
    assert data["requests"] == 2 and data["cost_usd"] == Decimal("0.0006")
    first = data["skipped"]["first"]
    assert [(f["line"], f["reason"]) for f in first] == [
        (2, "not UTF-8 text (invalid start byte)"),
        (4, "input_tokens is negative (got -1)"),
    ]


def test_an_invalid_utf8_csv_row_is_skipped(here):
    Path("bytes.csv").write_bytes(
        (HEADER + "K1,gpt-5.4-mini,100,50,resolved\n").encode()
        + b"K2\xff,gpt-5.4-mini,100,50,resolved\nK3,gpt-5.4-mini,100,50,resolved\n"
    )
    data = totals("bytes.csv")
    assert data["requests"] == 2
    assert [(f["line"], f["reason"]) for f in data["skipped"]["first"]] == [
        (3, "CSV: invalid encoding")
    ]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-be"])
@pytest.mark.parametrize("name", ["wide.jsonl", "wide.csv"])
def test_utf16_is_refused_naming_the_file(here, name, encoding):
    # with a byte-order mark or without one (then told by its NUL bytes)
    text = line("W1") if name.endswith("jsonl") else HEADER + "W1,gpt-5.4-mini,100,50,resolved\n"
    Path(name).write_bytes(text.encode(encoding))
    assert error("attribute", name).startswith(f"Error: {name}: UTF-16 or UTF-32 text")


def test_a_stray_nul_byte_in_utf8_text_is_a_bad_line_not_another_encoding(here):
    # a NUL inside a string (JSON wants a control character escaped) used to refuse the whole
    # file as UTF-16; it is line 2's fault alone. 2 good lines: 2 × $0.0003
    text = line("N1") + line("N2", outcome="res\x00olved") + line("N3")
    Path("nul.jsonl").write_text(text.replace("\\u0000", "\x00"))
    assert b"\x00" in Path("nul.jsonl").read_bytes()  # (json.dumps escapes it: put it back)
    data = totals("nul.jsonl")
    assert data["requests"] == 2 and data["cost_usd"] == Decimal("0.0006")
    shown = first_bad(data)
    assert shown == [(2, "malformed JSON")]


@pytest.mark.parametrize("name", ["bom.jsonl", "bom.csv"])
def test_a_utf8_byte_order_mark_is_read(here, name):
    text = (
        line("M1") + line("M2")
        if name.endswith("jsonl")
        else (HEADER + "M1,gpt-5.4-mini,100,50,resolved\nM2,gpt-5.4-mini,100,50,resolved\n")
    )
    Path(name).write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert totals(name)["cost_usd"] == Decimal("0.0006")


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (2**63 + 5, "input_tokens is above 1,000,000,000 (got 9223372036854775813)"),
        (2**64 + 5, "input_tokens is above 1,000,000,000 (got 18446744073709551621)"),
        (2_000_000_000, "input_tokens is above 1,000,000,000 (got 2000000000)"),
    ],
)
def test_a_token_count_out_of_range_is_a_skipped_line(here, value, reason):
    Path("big.jsonl").write_text(line("G1") + line("G2", input_tokens=value) + line("G3"))
    data = totals("big.jsonl")
    assert (data["requests"], data["cost_usd"]) == (2, Decimal("0.0006"))
    assert data["skipped"]["first"][0]["reason"] == reason


def test_a_device_is_not_a_log_file(here):
    assert error("attribute", "/dev/null").startswith("Error: /dev/null: not a regular file")


def test_a_huge_header_line_is_refused_without_reading_it_all(here):
    Path("wide.csv").write_text("a," * 600_000 + "\n")  # 1.2 MB on one line
    assert error("attribute", "wide.csv").startswith(
        "Error: wide.csv:1: the header line is longer than 1,048,576 bytes"
    )


def test_a_broken_outcomes_file_is_named(here):
    Path("log.jsonl").write_text(line("T1"))
    Path("outcomes.csv").write_text("ticket_id,outcome\nT1,resolved,extra,columns\n")
    message = error("attribute", "log.jsonl", "--outcomes", "outcomes.csv")
    assert message.startswith("Error: outcomes.csv: cannot read the outcomes file")


def test_ctrl_c_during_the_query_exits_130_with_one_line(here, monkeypatch):
    import ticketcost.attribution.engine as engine

    def interrupted(*args, **kwargs):
        raise duckdb.InterruptException("INTERRUPT Error: Interrupted!")

    monkeypatch.setattr(engine, "run", interrupted)
    Path("log.jsonl").write_text(line("T1"))
    result = run("attribute", "log.jsonl", code=130)
    assert result.stderr == "Error: interrupted\n"


def test_an_unclosed_quote_says_how_much_of_the_file_was_not_read(here):
    rows = [f"T{i},gpt-5.4-mini,100,50,resolved\n" for i in range(49)]
    rows[4] = 'T4,"gpt-5.4-mini,100,50,resolved\n'  # line 6: the quote never closes
    Path("quote.csv").write_text(HEADER + "".join(rows))
    data = totals("quote.csv")
    # lines 2-5 are read (4 requests); line 6 is rejected; lines 7-50 (44) could not be parsed
    assert data["requests"] == 4 and data["skipped"]["lines"] == 1 + 44
    assert data["requests"] + data["skipped"]["lines"] == 49  # every data line accounted for
    first = [(f["line"], f["reason"]) for f in data["skipped"]["first"]]
    assert first[0] == (6, "CSV: unquoted value")
    assert first[1] == (
        7,
        "CSV: a quote is never closed, so the rest of the file could not be read "
        "(the quote opens on line 6; 44 lines not read)",
    )


def test_line_numbers_count_the_lines_of_a_quoted_field_that_spans_two(here):
    Path("multi.csv").write_text(
        HEADER
        + "A1,gpt-5.4-mini,100,50,resolved\n"  # line 2
        + '"A\n2",gpt-5.4-mini,100,50,resolved\n'  # lines 3-4: one record
        + "A3,gpt-5.4-mini,100,50,resolved,extra\n"  # line 5: too many columns
        + "A4,gpt-5.4-mini,-5,50,resolved\n"  # line 6: negative tokens
    )
    data = totals("multi.csv")
    assert [(f["line"], f["reason"]) for f in data["skipped"]["first"]] == [
        (5, "CSV: too many columns"),
        (6, "input_tokens is negative (got -5)"),
    ]
    assert data["requests"] == 2 and data["cost_usd"] == Decimal("0.0006")


def test_line_numbers_count_blank_lines(here):
    Path("blank.csv").write_text(
        HEADER
        + "A1,gpt-5.4-mini,100,50,resolved\n"  # line 2
        + "\n"  # line 3: blank, not a record
        + "A3,gpt-5.4-mini,100,50,resolved\n"  # line 4
        + "A4,gpt-5.4-mini,-5,50,resolved\n"  # line 5
    )
    data = totals("blank.csv")
    assert [(f["line"], f["reason"]) for f in data["skipped"]["first"]] == [
        (5, "input_tokens is negative (got -5)")
    ]


def test_a_repeated_request_with_a_large_given_cost_keeps_every_digit(here):
    # two identical copies of request r1, given $12,345.678901234567 (12 decimals): counted once,
    # to the last digit (DuckDB divides a DECIMAL in DOUBLE: 24,691.357802469134 / 2 came back
    # as 12,345.67890123456774144)
    Path("log.jsonl").write_text(line("T1", request_id="r1", cost_usd="12345.678901234567") * 2)
    data = as_json("attribute", "log.jsonl")
    assert data["totals"]["cost_usd"] == Decimal("12345.678901234567")
    assert data["totals"]["requests"] == 1


def test_the_first_bad_parquet_rows_are_shown_in_file_order(here):
    # 4,000 rows, every 400th from row 8 with negative input tokens: 10 bad rows; the five shown
    # are rows 8, 408, 808, 1,208 and 1,608 (row numbers from 1)
    duckdb.sql(
        "COPY (SELECT 'T' || (i // 4) AS ticket_id, 'gpt-5.4-mini' AS model, "
        "CASE WHEN i % 400 = 7 THEN -1 ELSE 100 END AS input_tokens, 10 AS output_tokens, "
        "'resolved' AS outcome FROM range(4000) t(i)) TO 'log.parquet' (FORMAT parquet, "
        "ROW_GROUP_SIZE 512)"
    )
    data = as_json("attribute", "log.parquet")
    shown = first_bad(data)
    assert shown == [(n, "input_tokens is negative (got -1)") for n in (8, 408, 808, 1208, 1608)]


def test_a_nan_token_count_is_no_whole_number_not_a_huge_one(here):
    # token counts and costs in DOUBLE columns (as a dataframe writes them): NaN was "above
    # 1,000,000,000" and "1,000,000 or more" (both engines order NaN above every number);
    # 100.0 is a whole number. Rows 1 and 3 priced: 2 × $0.0003
    duckdb.sql(
        "COPY (SELECT * FROM (VALUES ('T1', 100.0::DOUBLE, NULL::DOUBLE), "
        "('T2', 'nan'::DOUBLE, NULL), ('T3', 1e2::DOUBLE, NULL), ('T4', 1e20::DOUBLE, NULL), "
        "('T5', 100.0::DOUBLE, 'nan'::DOUBLE)) v(ticket_id, input_tokens, cost_usd), "
        "(SELECT 'gpt-5.4-mini' AS model, 50.0::DOUBLE AS output_tokens, 'resolved' AS outcome)) "
        "TO 'floats.parquet' (FORMAT parquet)"
    )
    data = totals("floats.parquet")
    assert data["requests"] == 2 and data["cost_usd"] == Decimal("0.0006")
    shown = first_bad(data)
    assert shown == [
        (2, "input_tokens is not a whole number (got nan)"),
        (4, "input_tokens is above 1,000,000,000 (got 1e+20)"),
        (5, "cost_usd is not a number (got nan)"),
    ]


@pytest.mark.parametrize("early", [False, True], ids=["bad lines only at the end", "one early"])
def test_bad_lines_at_the_end_of_a_large_log_are_numbered_from_its_line_count(
    here, early, monkeypatch
):
    # A log cut off in the middle of its last line: its bad lines all lie in its last megabyte
    # and are numbered from the file's line count, not by reading it in order from the start;
    # with a bad line earlier too, the ordered pass numbers them. 12,000 lines of ~190 bytes
    # (2.3 MB, over two megabytes), blank lines on the way.
    text = [line(f"T{i}", tenant="t" * 100) for i in range(12_000)]
    text[5] = "\n"  # line 6: blank, keeps its number
    text[11_000] = line("T-11001", input_tokens=-3)  # line 11,001
    if early:
        text[99] = line("T-100", output_tokens=-1)  # line 100
    text.append("\n")  # line 12,001: blank
    text.append(line("T-12002", input_tokens=-7))  # line 12,002
    text.append('{"ticket_id": "T-cut", "model": "gpt-5.4-mi')  # line 12,003: cut off
    Path("log.jsonl").write_text("".join(text), newline="")
    # the lines' numbers by hand: Python's own count of the lines
    raw = Path("log.jsonl").read_bytes().split(b"\n")
    assert raw[11_000].startswith(b'{"ticket_id": "T-11001"') and raw[12_002].startswith(b'{"t')
    if not early:  # numbered without the ordered pass

        def ordered(*args: object) -> None:
            raise AssertionError("the ordered pass ran")

        monkeypatch.setattr(lines, "_located", ordered)
    data = totals("log.jsonl")
    shown = first_bad(data)
    expected = [
        (11_001, "input_tokens is negative (got -3)"),
        (12_002, "input_tokens is negative (got -7)"),
        (12_003, "malformed JSON"),
    ]
    if early:
        expected = [(100, "output_tokens is negative (got -1)"), *expected]
    assert shown == expected


@pytest.mark.parametrize("first", ["\n", "\r\n"])
def test_lines_that_end_both_ways_keep_their_numbers(here, first):
    # logs from two systems joined: most lines end in "\n", some in "\r\n" (or the other way
    # round); DuckDB's line reader stops at the mix, so bad lines are numbered on a copy whose
    # lines all end in "\n"
    other = "\r\n" if first == "\n" else "\n"
    text = [line(f"T{i}").replace("\n", first) for i in range(1, 11)]
    text[2] = text[2].replace(first, other)  # line 3
    text[6] = line("T7", input_tokens=-2).replace("\n", first)  # line 7
    text[8] = line("T9", output_tokens=-4).replace("\n", other)  # line 9
    Path("joined.jsonl").write_text("".join(text), newline="")
    data = totals("joined.jsonl")
    # 8 good lines of 100 + 50 tokens of gpt-5.4-mini
    assert data["requests"] == 8 and data["skipped"]["lines"] == 2
    shown = first_bad(data)
    assert shown == [
        (7, "input_tokens is negative (got -2)"),
        (9, "output_tokens is negative (got -4)"),
    ]


def test_a_csv_whose_lines_end_both_ways_is_refused_naming_the_line(here):
    # DuckDB's CSV reader stops at a mix of "\n" and "\r\n"; say where, and what to do
    Path("joined.csv").write_text(
        HEADER  # line 1 ends in "\n"
        + "A1,gpt-5.4-mini,100,50,resolved\n"
        + "A2,gpt-5.4-mini,100,50,resolved\r\n"  # line 3
        + "A3,gpt-5.4-mini,100,50,resolved\n",
        newline="",
    )
    message = error("attribute", "joined.csv")
    assert message == (
        "Error: joined.csv:3: this line ends otherwise than line 1 (\\r\\n and \\n); the CSV "
        "reader needs every line to end alike: convert the file (e.g. dos2unix) and run again\n"
    )


def lone_carriage_returns(count: int = 10) -> list[bytes]:
    """``count`` good lines, but line 3 holds a carriage return inside a string (not JSON: a
    control character must be escaped there) and line 5 one between two members (white space,
    as a space would be); line 7 has negative tokens."""
    text = [line(f"T{i}").encode() for i in range(1, count + 1)]
    text[2] = text[2].replace(b'"gpt-5.4-mini"', b'"gpt-5.4\rmini"')
    text[4] = text[4].replace(b', "model"', b',\r"model"')
    text[6] = line("T7", input_tokens=-2).encode()
    return text


def test_a_lone_carriage_return_inside_a_line_is_no_line_end(here):
    # DuckDB's line reader takes a lone "\r" for a line end (the JSON reader does not), and it
    # stopped the run when a bad line was to be numbered; the lines keep their numbers on a copy
    # where it is a tab: 8 good lines of 100 + 50 tokens (T5 among them), lines 3 and 7 bad
    Path("cr.jsonl").write_bytes(b"".join(lone_carriage_returns()))
    data = totals("cr.jsonl")
    assert data["requests"] == 8 and data["skipped"]["lines"] == 2
    assert data["cost_usd"] == Decimal("0.0024")  # 8 × $0.0003
    shown = first_bad(data)
    assert shown == [(3, "malformed JSON"), (7, "input_tokens is negative (got -2)")]


def test_a_lone_carriage_return_before_the_tail_of_a_big_log(here):
    # 12,000 lines of ~190 bytes (2.3 MB) whose bad lines are 3, 7 and the cut-off last one: the
    # tail probe cannot count the lines (the "\r"), so the ordered pass on the copy numbers them
    text = lone_carriage_returns(12_000)
    text = [t.replace(b'"resolved"', b'"resolved", "tenant": "' + b"t" * 100 + b'"') for t in text]
    text.append(b'{"ticket_id": "T-cut", "mo')
    Path("log.jsonl").write_bytes(b"".join(text))
    data = totals("log.jsonl")
    shown = first_bad(data)
    assert shown == [
        (3, "malformed JSON"),
        (7, "input_tokens is negative (got -2)"),
        (12_001, "malformed JSON"),
    ]
    assert data["requests"] == 11_998 and data["skipped"]["lines"] == 3


def test_a_csv_with_a_lone_carriage_return_outside_quotes_is_refused_naming_the_line(here):
    # DuckDB's CSV reader takes it for a line end and stops; inside quotes it is part of the field
    good = "A1,gpt-5.4-mini,100,50,resolved\n"
    Path("quoted.csv").write_text(HEADER + good + 'A2,"gpt-5.4-mini",100,50,"re\rsolved"\n')
    assert totals("quoted.csv")["requests"] == 2
    Path("bare.csv").write_text(HEADER + good + "A2,gpt-5.4-mini,100,50,re\rsolved\n", newline="")
    assert error("attribute", "bare.csv") == (
        "Error: bare.csv:3: a carriage return (\\r) stands inside this line, outside quotes; the "
        "CSV reader takes it for a line end: quote that field or remove the \\r, and run again\n"
    )


def test_lines_longer_than_2_mb_are_read_and_numbered(here):
    # a request logged with its messages (an image, a long context): line 2 is 3 MB, past the
    # line reader's default buffer, which stopped the run when a bad line was to be numbered;
    # line 4 is not UTF-8 as well, so the copy is read with the long buffer too.
    # 3 good lines (1, 2, 5) of 100 + 50 tokens: 3 × $0.0003
    text = [
        line("T1").encode(),
        line("T2", messages=[{"role": "user", "content": "x" * 3_000_000}]).encode(),
        line("T3", input_tokens=-1).encode(),
        line("T4").encode().replace(b'"T4"', b'"T\xff4"'),
        line("T5").encode(),
    ]
    Path("long.jsonl").write_bytes(b"".join(text))
    data = totals("long.jsonl")
    assert data["requests"] == 3 and data["cost_usd"] == Decimal("0.0009")
    shown = first_bad(data)
    assert shown == [
        (3, "input_tokens is negative (got -1)"),
        (4, "not UTF-8 text (invalid start byte)"),
    ]
    # and in a CSV file, a 3 MB field is a value, not a rejected row
    Path("long.csv").write_text(
        HEADER.replace("\n", ",messages\n")
        + "A1,gpt-5.4-mini,100,50,resolved,"
        + "x" * 3_000_000
        + "\nA2,gpt-5.4-mini,100,50,resolved,short\n"
    )
    found = totals("long.csv")
    assert found["requests"] == 2 and found["skipped"]["lines"] == 0


def test_a_line_longer_than_the_engine_reads_is_refused_naming_it(here):
    # DuckDB's JSON reader holds a record in a 32 MiB buffer; a longer line stopped the run with
    # its own message, naming no line
    second = line("T2", messages=["x" * 40_000_000])
    Path("huge.jsonl").write_text(line("T1") + second + line("T3"))
    size = len(second.encode())  # the bytes written, its "\n" included
    assert error("attribute", "huge.jsonl") == (
        f"Error: huge.jsonl:2: this line is {size:,} bytes; the embedded engine reads a JSON "
        "record of up to 32 MiB: leave the large fields (message bodies, images) out of the "
        "export, or run with --engine spark\n"
    )


def test_a_line_that_is_not_utf8_before_the_tail_is_still_shown(here):
    # the tail holds one of the two bad lines (the cut-off last one), so the ordered pass numbers
    # both: line 51 (not UTF-8) and line 12,001; 12,000 lines of ~190 bytes (2.3 MB)
    text = [line(f"T{i}", tenant="t" * 100).encode() for i in range(12_000)]
    text[50] = b'{"ticket_id": "T50", "model": "gpt-5.4-mini\xff", "input_tokens": 100}\n'
    text.append(b'{"ticket_id": "T-cut", "mo')
    Path("log.jsonl").write_bytes(b"".join(text))
    data = totals("log.jsonl")
    shown = first_bad(data)
    assert shown == [(51, "not UTF-8 text (invalid start byte)"), (12_001, "malformed JSON")]
    assert data["requests"] == 11_999 and data["skipped"]["lines"] == 2
