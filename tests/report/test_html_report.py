"""`ticketcost report`: one self-contained HTML page whose every chart renders in a real browser.

The browser test opens the page in headless Chromium (Debian's ``chromium``, driven by Playwright
with ``executable_path``; .ci/run installs both and sets TICKETCOST_REQUIRE_BROWSER=1 so that a
missing browser fails there instead of skipping) and checks each chart: a screenshot that is not
blank, no console error, no request leaving the page.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from helpers import ROOT, run

from ticketcost.costs.starter import STARTER_YAML

pytest.importorskip("vl_convert", reason="the report extra (vl-convert-python) is not installed")

CHARTS = ["components", "benchmarks", "scale", "curve"]
LOG_CHARTS = ["distribution", "intents"]


@pytest.fixture
def page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ticketcost.yaml").write_text(STARTER_YAML)
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "make_logs.py"), "3000", "requests.jsonl"],
        check=True,
        capture_output=True,
    )
    result = run("report", "-o", "report.html", "--logs", "requests.jsonl", "--png", "png")
    assert "Wrote report.html (6 charts)" in result.stderr
    return tmp_path / "report.html"


def test_page_is_self_contained_with_every_chart(page: Path):
    text = page.read_text()
    found = re.findall(r'<figure class="chart" data-chart="([a-z]+)"><svg', text)
    assert found == CHARTS + LOG_CHARTS
    # nothing to load: no script, stylesheet link, image, font or frame from anywhere
    for pattern in (r"<script", r"<link", r"<img", r"<iframe", r"@import", r"url\(\s*['\"]?http"):
        assert not re.search(pattern, text, re.I), pattern
    assert not re.search(r'(?:src|href)="(?:https?:)?//', text)


def test_page_lists_the_figures_behind_the_charts(page: Path):
    text = page.read_text()
    # the page shows the stack's own headline (its figures are tested in tests/costs)
    headline = run("stack").stdout.splitlines()[0]
    assert headline.startswith("All-in: $") and headline in text
    assert "Intercom Fin: " in text and "People: $3.00–$5.00 a ticket" in text
    # 1,000 tickets a month: the stack recomputed at that volume, fixed costs kept whole
    assert "1,000 tickets: " in text and "1,000,000 tickets: " in text


def test_each_chart_is_also_a_png(page: Path):
    for name in CHARTS + LOG_CHARTS:
        data = (page.parent / "png" / f"{name}.png").read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
        assert _colours(data) > 8, name


def test_export_png_of_a_view_with_a_chart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ticketcost.yaml").write_text(STARTER_YAML)
    run("stack", "--export", "stack.png")
    assert _colours((tmp_path / "stack.png").read_bytes()) > 8
    out = run("scale-table", "-m", "gpt-5.4-nano", "--export", "scale.png", code=2).stderr
    assert out.startswith("Error: ") and "no chart" in out and not (tmp_path / "scale.png").exists()


def _colours(png: bytes) -> int:
    """How many distinct byte values the decoded image data holds: a blank (one-colour) picture
    gives two or three (filter types and the one colour), a chart dozens."""
    pos, chunks = 8, []
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos : pos + 8])
        if kind == b"IDAT":
            chunks.append(png[pos + 8 : pos + 8 + length])
        pos += 12 + length
    return len(set(zlib.decompress(b"".join(chunks))))


def _browser() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def test_every_chart_renders_in_headless_chromium(page: Path):
    required = os.environ.get("TICKETCOST_REQUIRE_BROWSER") == "1"
    browser = _browser()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if browser is None or sync_playwright is None:
        reason = "no Chromium on PATH" if browser is None else "playwright is not installed"
        if required:
            pytest.fail(f"browser test required (TICKETCOST_REQUIRE_BROWSER=1) but {reason}")
        pytest.skip(f"{reason}: the browser test needs Debian's chromium and playwright")
    errors: list[str] = []
    outside: list[str] = []
    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=browser,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        try:
            tab = chromium.new_page(viewport={"width": 1100, "height": 900})
            tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            tab.on("pageerror", lambda e: errors.append(str(e)))
            tab.on(
                "request",
                lambda r: outside.append(r.url) if not r.url.startswith("file://") else None,
            )
            tab.goto(page.as_uri())
            tab.wait_for_load_state("load")
            for name in CHARTS + LOG_CHARTS:
                chart = tab.locator(f'figure[data-chart="{name}"] svg')
                box = chart.bounding_box()
                assert box is not None and box["width"] > 200 and box["height"] > 80, name
                shot = chart.screenshot()
                assert _colours(shot) > 8, f"{name} renders blank"
        finally:
            chromium.close()
    assert errors == [], errors
    assert outside == [], outside


def test_a_blank_picture_counts_as_blank():
    # a 40 x 20 white RGB image, each row: filter byte 0 then 40 x (255, 255, 255)
    raw = b"".join(b"\x00" + b"\xff" * 120 for _ in range(20))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 40, 20, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    assert _colours(png) == 2  # the filter byte and white: far below the 8 a chart needs


def test_logs_are_read_with_the_configs_logs_section(tmp_path: Path, monkeypatch):
    from helpers import as_json

    monkeypatch.chdir(tmp_path)
    config = STARTER_YAML + "logs:\n  resolved_outcomes: [resolved, escalated]\n"
    (tmp_path / "ticketcost.yaml").write_text(config)
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "make_logs.py"), "3000", "requests.jsonl"],
        check=True,
        capture_output=True,
    )
    counted = as_json("attribute", "requests.jsonl")["totals"]
    default = as_json("attribute", "requests.jsonl", "--resolved", "resolved")["totals"]
    # escalated tickets count as resolved too, as the config says
    assert counted["resolved_tickets"] > default["resolved_tickets"]
    run("report", "--logs", "requests.jsonl")
    page = (tmp_path / "report.html").read_text()
    assert f"{counted['tickets']:,} tickets, {counted['resolved_tickets']:,} resolved." in page
