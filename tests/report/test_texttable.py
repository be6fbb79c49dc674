"""Tables that fit the terminal: which columns stay, how wide, and what wraps."""

from __future__ import annotations

from ticketcost.report.texttable import draw_table, fit_columns, width, wrap_lines


def test_a_table_that_fits_is_left_alone():
    # 10 + 5 + 3 x 2 + 1 = 22 columns with the frame ("│ " + " │ " + " │")
    assert fit_columns([10, 5], [4, 5], [1, 1], 22) == ([0, 1], [10, 5])
    assert fit_columns([10, 5], [4, 5], [1, 1], None) == ([0, 1], [10, 5])


def test_text_wraps_before_any_column_goes():
    # natural 30 + 8 + 7 frame = 45 > 40; at minimums 12 + 8 + 7 = 27 fits, and the 13 columns
    # left over go to the text column: 12 + 13 = 25 (25 + 8 + 7 = 40)
    assert fit_columns([30, 8], [12, 8], [1, 1], 40) == ([0, 1], [25, 8])


def test_the_least_important_column_goes_first_and_the_first_never():
    # minimums 12 + 10 + 10 + 10 = 42, + 13 frame = 55 > 50: the priority-0 column (index 2)
    # goes; 12 + 10 + 10 + 10 frame = 42 fits, the 8 left widen the text column to 20
    kept, sizes = fit_columns([30, 10, 10, 10], [12, 10, 10, 10], [1, 2, 0, 1], 50)
    assert kept == [0, 1, 3] and sizes == [20, 10, 10]
    # equal priorities: the rightmost goes first
    kept, _ = fit_columns([30, 10, 10, 10], [12, 10, 10, 10], [1, 1, 1, 1], 50)
    assert kept == [0, 1, 2]
    # however narrow, the first column stays
    assert fit_columns([30, 10], [12, 10], [0, 9], 5)[0] == [0]


def test_figures_are_never_cut_and_hidden_columns_are_named():
    rows = [["a long model name that wraps", "$0.0016125", "$1.6125"]]
    text = draw_table(
        "T", ["Model", "Per ticket", "Per 1K"], rows, [False, True, True], (), False, 32, [9, 2, 0]
    )
    lines = text.splitlines()
    assert all(width(line) <= 32 for line in lines), lines
    assert "$0.0016125" in text and "$1.6125" not in text
    # minimums: Model 12 (wraps), Per ticket 10, Per 1K 7 (+ 10 frame) = 39 > 32: the
    # priority-0 column goes (29 fits) and says so below the table, wrapped to 32 columns
    note = " ".join(text.split("┘\n", 1)[1].split())
    assert note == "Not shown at this width: 1 column (Per 1K); --wide shows all."
    # the model's words wrap within their column, none is lost
    body = " ".join(line.split("│")[1].strip() for line in lines if line.startswith("│"))
    assert body.split() == ["a", "long", "model", "name", "that", "wraps"]


def test_notes_wrap_with_an_indent():
    lines = wrap_lines("one two three four five six seven", 15, "  ")
    assert lines == ["one two three", "  four five six", "  seven"]
    assert wrap_lines("short", 15) == ["short"] and wrap_lines("x " * 30, None) == ["x " * 30]
