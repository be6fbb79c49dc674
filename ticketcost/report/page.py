"""``ticketcost report``: one self-contained HTML page of charts (inline SVG), with the figures
and sources beneath each chart so that every bar can be traced to its inputs.

No script, stylesheet, font or image is loaded from anywhere: the page is one file that opens
offline and can be mailed. Charts are Vega-Lite specs (:mod:`ticketcost.report.vega`) drawn to
SVG by vl-convert.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

import ticketcost
from ticketcost.money import format_money
from ticketcost.report import vega
from ticketcost.report.formats import as_text

if TYPE_CHECKING:
    from ticketcost.attribution.results import Attribution
    from ticketcost.costs.compare import BenchmarkComparison
    from ticketcost.costs.overview import Overview


class Section(NamedTuple):
    key: str  # the chart's id in the page, and its file name with --png
    heading: str
    text: str  # what the chart shows, in a sentence
    spec: vega.Spec
    facts: tuple[str, ...]  # the exact figures and sources behind it


def sections(result: Overview, logs: Attribution | None = None) -> list[Section]:
    stack = result.stack
    found = [
        Section(
            "components",
            "Where the money goes",
            "All-in cost of a ticket by component, per ticket handled and per ticket the AI "
            "resolves (handled minus escalated).",
            vega.components(result),
            tuple(
                f"{line.label}: {format_money(line.monthly_usd)} a month — {as_text(line.basis)}"
                for line in stack.lines
            ),
        ),
        Section(
            "benchmarks",
            "Against the benchmarks",
            "Your all-in cost per resolved ticket beside public reference points; a line spans a "
            "range, from low to high. Not every figure counts the same things: see each source.",
            vega.benchmarks(result),
            tuple(_benchmark_fact(row) for row in result.comparison.rows),
        ),
        Section(
            "scale",
            "From 1K to 1M tickets a month",
            "Your whole stack recomputed at each volume (fixed costs stay fixed) against what "
            "people would cost for the same tickets.",
            vega.scale(result),
            (
                f"People: {format_money(result.human_per_ticket[0])}–"
                f"{format_money(result.human_per_ticket[1])} a ticket ({result.human_source}).",
                *(
                    f"{row.volume:,} tickets: {format_money(row.all_in_monthly)} a month all-in, "
                    f"{format_money(row.all_in_per_ticket)} a ticket"
                    for row in result.scale
                ),
            ),
        ),
        Section(
            "curve",
            "Longer conversations",
            "Every turn re-sends the history, so cost grows faster than the number of turns; a "
            "window or a running summary caps what is re-sent.",
            vega.curve(result),
            tuple(
                f"{s.policy.label}: {format_money(s.costs[0])} at {result.curve.turn_counts[0]} "
                f"turn(s), {format_money(s.costs[-1])} at {result.curve.turn_counts[-1]}"
                + (
                    f"; cheaper than full history from {s.pays_off_from} turns"
                    if s.pays_off_from
                    else ""
                )
                for s in result.curve.series
            ),
        ),
    ]
    if logs is not None:
        found += _log_sections(logs)
    return found


def _benchmark_fact(row: BenchmarkComparison) -> str:
    b = row.benchmark
    unlike = f"; not like for like: {'; '.join(row.differences)}" if row.differences else ""
    return (
        f"{b.name}: {b.source} ({b.source_date or 'undated'}); includes {b.includes.value}{unlike}"
    )


def _log_sections(logs: Attribution) -> list[Section]:
    files = ", ".join(f"{f.path} ({f.format}, {f.requests:,} requests)" for f in logs.files)
    percentiles = ", ".join(f"{k} {format_money(v)}" for k, v in logs.percentiles.items())
    facts = (
        f"Read: {files}; {logs.skipped:,} line(s) skipped; {logs.tickets:,} tickets, "
        f"{logs.resolved:,} resolved.",
        f"Cost per ticket: {percentiles}.",
    )
    found = []
    if logs.histogram:
        found.append(
            Section(
                "distribution",
                "What tickets really cost",
                "Tickets by their cost (every request of a ticket, retries included); the dashed "
                "lines mark the median and the 95th and 99th percentiles.",
                vega.distribution(logs),
                facts,
            )
        )
    if logs.groups.get(("intent",)):
        resolved = logs.cost_per_resolved_usd
        found.append(
            Section(
                "intents",
                "Cost by intent",
                "The logs' cost by intent, with each intent's cost per resolved ticket.",
                vega.by_intent(logs),
                (
                    f"All intents: {format_money(logs.cost_usd)}"
                    + (f", {format_money(resolved)} per resolved ticket" if resolved else ""),
                ),
            )
        )
    return found


def headline(result: Overview) -> list[str]:
    """The stack's headline (all-in figure, volume, visible against hidden), as text."""
    from ticketcost.report.stack import stack_headline

    return [as_text(line) for line in stack_headline(result.stack)]


_STYLE = """
body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; margin: 2rem auto;
       max-width: 60rem; padding: 0 1rem; color: #222; line-height: 1.45; }
h1 { font-size: 1.5rem; margin-bottom: 0.2rem; }
.headline { font-size: 1.15rem; margin: 0.4rem 0; }
.meta, .facts { color: #555; font-size: 0.85rem; }
section { margin: 2.2rem 0; }
figure { margin: 0.8rem 0; overflow-x: auto; }
figure svg { max-width: 100%; height: auto; }
"""


def render_html(
    found: Sequence[Section], title: str, headline: Sequence[str], meta: Sequence[str]
) -> str:
    """The page: a headline, then each chart (inline SVG) with its text and figures."""
    esc = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{esc(title)}</h1>",
        *(f'<p class="headline">{esc(line)}</p>' for line in headline),
        *(f'<p class="meta">{esc(line)}</p>' for line in meta),
    ]
    for section in found:
        svg = vega.to_svg(section.spec)
        facts = "".join(f"<li>{esc(fact)}</li>" for fact in section.facts)
        parts += [
            f'<section id="{esc(section.key)}"><h2>{esc(section.heading)}</h2>',
            f"<p>{esc(section.text)}</p>",
            f'<figure class="chart" data-chart="{esc(section.key)}">{svg}</figure>',
            f'<ul class="facts">{facts}</ul></section>',
        ]
    parts.append(
        f'<p class="meta">Made by ticketcost {esc(ticketcost.__version__)} from bundled price and '
        "benchmark data; nothing on this page was fetched from the network.</p></body></html>"
    )
    return "\n".join(parts) + "\n"
