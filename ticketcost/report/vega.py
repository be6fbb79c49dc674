"""Charts as Vega-Lite specifications (vega.github.io/vega-lite), drawn offline by vl-convert.

Each function turns a core result into one spec: plain data, no drawing. Amounts are exact
decimals in the core; a chart draws them as floats (position is display only) and prints the
exact figure as text beside each mark. :func:`to_svg` and :func:`to_png` render a spec with
vl-convert-python (the ``report`` extra), imported only when a chart is drawn.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ticketcost.errors import TicketcostError
from ticketcost.money import format_money
from ticketcost.report.stack import CATEGORY_LABELS

if TYPE_CHECKING:
    from ticketcost.attribution.results import Attribution
    from ticketcost.costs.overview import Overview
    from ticketcost.report.charts import BarChart, SparkChart

Spec = dict[str, Any]
SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"  # an identifier; nothing is fetched
WIDTH = 560
_CONFIG = {
    "font": "DejaVu Sans, Helvetica, Arial, sans-serif",
    "view": {"stroke": None},
    "axis": {"labelFontSize": 11, "titleFontSize": 12, "labelLimit": 260},
    "legend": {"labelFontSize": 11, "titleFontSize": 12, "orient": "bottom", "columns": 3},
}


def _spec(title: str, body: Spec, height: int = 220) -> Spec:
    return {
        "$schema": SCHEMA,
        "title": {"text": title, "anchor": "start", "fontSize": 14},
        "width": WIDTH,
        "height": height,
        "background": "white",
        "config": _CONFIG,
    } | body


def _usd(value: Decimal) -> float:
    return float(value)


def components(result: Overview) -> Spec:
    """Cost per ticket handled and per resolved ticket, stacked by component."""
    stack = result.stack
    rows = []
    for category, monthly in stack.category_totals().items():
        if not monthly:
            continue
        label = CATEGORY_LABELS.get(category, category)
        per_ticket = stack.per_ticket(monthly)
        rows.append({"per": "Per ticket handled", "component": label, "usd": _usd(per_ticket)})
        per_resolved = stack.per_resolved(monthly)
        if per_resolved is not None:
            rows.append(
                {"per": "Per resolved ticket", "component": label, "usd": _usd(per_resolved)}
            )
    totals = [("Per ticket handled", stack.per_ticket(stack.total_monthly))]
    resolved = stack.per_resolved(stack.total_monthly)
    if resolved is not None:
        totals.append(("Per resolved ticket", resolved))
    labels = [
        {"per": per, "usd": _usd(value), "text": format_money(value)} for per, value in totals
    ]
    return _spec(
        "Cost per ticket by component",
        {
            "layer": [
                {
                    "data": {"values": rows},
                    "mark": "bar",
                    "encoding": {
                        "y": {"field": "per", "type": "nominal", "title": None},
                        "x": {
                            "field": "usd",
                            "type": "quantitative",
                            "title": "USD",
                            "stack": True,
                        },
                        "color": {
                            "field": "component",
                            "type": "nominal",
                            "title": "Component",
                            "sort": list(CATEGORY_LABELS.values()),
                        },
                    },
                },
                {
                    "data": {"values": labels},
                    "mark": {"type": "text", "align": "left", "dx": 4},
                    "encoding": {
                        "y": {"field": "per", "type": "nominal"},
                        "x": {"field": "usd", "type": "quantitative"},
                        "text": {"field": "text"},
                    },
                },
            ]
        },
        height=110,
    )


def benchmarks(result: Overview) -> Spec:
    """Your all-in cost per resolved ticket beside each benchmark (a range drawn low to high)."""
    ours = result.comparison.ours
    rows = [
        {
            "name": "You (per resolved ticket)",
            "kind": "you",
            "mid": _usd(ours),
            "low": _usd(ours),
            "high": _usd(ours),
            "text": format_money(ours),
        }
    ]
    for row in result.comparison.rows:
        b = row.benchmark
        text = (
            format_money(b.low)
            if b.low == b.high
            else f"{format_money(b.low)}–{format_money(b.high)}"
        )
        rows.append(
            {
                "name": b.name,
                "kind": b.category.value,
                "mid": _usd(b.mid),
                "low": _usd(b.low),
                "high": _usd(b.high),
                "text": f"{text} per {b.unit.value}",
            }
        )
    order = [r["name"] for r in rows]
    y = {"field": "name", "type": "nominal", "title": None, "sort": order}
    return _spec(
        "Cost per resolved ticket against the benchmarks",
        {
            "data": {"values": rows},
            "layer": [
                {
                    "mark": "bar",
                    "encoding": {
                        "y": y,
                        "x": {
                            "field": "mid",
                            "type": "quantitative",
                            "title": "USD (range midpoint)",
                        },
                        "color": {
                            "field": "kind",
                            "type": "nominal",
                            "title": "Kind",
                            "scale": {
                                "domain": ["you", "ai_agent", "human", "task_agent"],
                                "range": ["#2ca02c", "#1f77b4", "#ff7f0e", "#9467bd"],
                            },
                        },
                    },
                },
                {
                    "mark": {"type": "rule", "strokeWidth": 2, "color": "#333"},
                    "encoding": {
                        "y": y,
                        "x": {"field": "low", "type": "quantitative"},
                        "x2": {"field": "high"},
                    },
                },
                {
                    "mark": {"type": "text", "align": "left", "dx": 4},
                    "encoding": {
                        "y": y,
                        "x": {"field": "high", "type": "quantitative"},
                        "text": {"field": "text"},
                    },
                },
            ],
        },
        height=26 * len(rows),
    )


def scale(result: Overview) -> Spec:
    """Cost per month from 1K to 1M tickets: your stack against people (a band, low to high)."""
    rows = [
        {
            "tickets": row.volume,
            "ai": _usd(row.all_in_monthly),
            "human_low": _usd(row.human_monthly[0]),
            "human_high": _usd(row.human_monthly[1]),
        }
        for row in result.scale
    ]
    x = {
        "field": "tickets",
        "type": "quantitative",
        "scale": {"type": "log"},
        "title": "Tickets a month",
    }
    y_scale = {"type": "log"}
    return _spec(
        "Cost per month: your AI stack against people",
        {
            "data": {"values": rows},
            "layer": [
                {
                    "mark": {"type": "area", "opacity": 0.3, "color": "#d62728"},
                    "encoding": {
                        "x": x,
                        "y": {
                            "field": "human_low",
                            "type": "quantitative",
                            "scale": y_scale,
                            "title": "USD a month",
                        },
                        "y2": {"field": "human_high"},
                    },
                },
                {
                    "transform": [
                        {"fold": ["ai", "human_low", "human_high"], "as": ["series", "usd"]}
                    ],
                    "mark": {"type": "line", "point": True},
                    "encoding": {
                        "x": x,
                        "y": {"field": "usd", "type": "quantitative", "scale": y_scale},
                        "color": {
                            "field": "series",
                            "type": "nominal",
                            "title": None,
                            "scale": {
                                "domain": ["ai", "human_low", "human_high"],
                                "range": ["#1f77b4", "#d62728", "#d62728"],
                            },
                            "legend": {"labelExpr": _SERIES_LABELS},
                        },
                    },
                },
            ],
        },
    )


_SERIES_LABELS = (
    "datum.label == 'ai' ? 'AI stack, all-in' : datum.label == 'human_low' ? "
    "'People, low end' : 'People, high end'"
)


def curve(result: Overview) -> Spec:
    """Cost per ticket against conversation length, one line per history policy."""
    series = result.curve.series
    rows = [
        {"turns": turns, "policy": s.policy.label, "usd": _usd(cost)}
        for s in series
        for turns, cost in zip(result.curve.turn_counts, s.costs, strict=True)
    ]
    model, intent = result.curve_intent.model.id, result.curve_intent.intent.name
    return _spec(
        f"Cost per ticket by conversation length ({model}, intent {intent})",
        {
            "data": {"values": rows},
            "mark": {"type": "line", "point": {"size": 18}},
            "encoding": {
                "x": {
                    "field": "turns",
                    "type": "quantitative",
                    "title": "Turns in the conversation",
                },
                "y": {"field": "usd", "type": "quantitative", "title": "USD per ticket"},
                "color": {"field": "policy", "type": "nominal", "title": "History policy"},
            },
        },
    )


def distribution(logs: Attribution) -> Spec:
    """Tickets by cost per ticket, with p50, p95 and p99 marked."""
    bins = [
        {"low": _usd(b.low_usd), "high": _usd(b.high_usd), "tickets": b.tickets}
        for b in logs.histogram
    ]
    marks = [
        {"name": name, "usd": _usd(value), "text": f"{name} {format_money(value)}"}
        for name, value in logs.percentiles.items()
        if name in ("p50", "p95", "p99")
    ]
    x = {"field": "low", "type": "quantitative", "bin": "binned", "title": "Cost per ticket (USD)"}
    return _spec(
        "Distribution of cost per ticket (from the logs)",
        {
            "layer": [
                {
                    "data": {"values": bins},
                    "mark": {"type": "bar", "color": "#1f77b4"},
                    "encoding": {
                        "x": x,
                        "x2": {"field": "high"},
                        "y": {"field": "tickets", "type": "quantitative", "title": "Tickets"},
                    },
                },
                {
                    "data": {"values": marks},
                    "layer": [
                        {
                            "mark": {"type": "rule", "color": "#d62728", "strokeDash": [4, 3]},
                            "encoding": {"x": {"field": "usd", "type": "quantitative"}},
                        },
                        {
                            "mark": {
                                "type": "text",
                                "angle": 270,
                                "align": "right",
                                "baseline": "bottom",
                                "dy": -2,
                                "y": 4,
                            },
                            "encoding": {
                                "x": {"field": "usd", "type": "quantitative"},
                                "text": {"field": "text"},
                            },
                        },
                    ],
                },
            ]
        },
    )


def _labelled_bars(title: str, rows: list[dict[str, Any]], x: dict[str, Any], sort: Any) -> Spec:
    """Horizontal bars (``label`` against ``value``) with each row's ``text`` printed after its
    bar: the exact figure beside a length drawn from a float."""
    y = {"field": "label", "type": "nominal", "title": None, "sort": sort}
    text = {"field": "value", "type": "quantitative"}
    return _spec(
        title,
        {
            "data": {"values": rows},
            "layer": [
                {"mark": "bar", "encoding": {"y": y, "x": {"field": "value"} | x}},
                {
                    "mark": {"type": "text", "align": "left", "dx": 4},
                    "encoding": {"y": y, "x": text, "text": {"field": "text"}},
                },
            ],
        },
        height=max(60, 26 * len(rows)),
    )


def by_intent(logs: Attribution) -> Spec:
    """Cost by intent from the logs, with each intent's cost per resolved ticket."""
    rows = []
    for group in logs.groups.get(("intent",), []):
        per = group.cost_per_resolved_usd
        resolved = f" · {format_money(per)} per resolved" if per is not None else ""
        rows.append(
            {
                "label": group.values[0] or "(none)",
                "value": _usd(group.cost_usd),
                "text": f"{format_money(group.cost_usd)}{resolved}",
            }
        )
    x = {"type": "quantitative", "title": "USD"}
    return _labelled_bars("Cost by intent (from the logs)", rows, x, "-x")


def terminal_chart(chart: BarChart | SparkChart) -> Spec:
    """A command's terminal chart (bars or sparklines) as a Vega-Lite chart, for --export .png."""
    from ticketcost.report.charts import BarChart

    if isinstance(chart, BarChart):
        rows = [
            {"label": b.label, "value": _usd(max(b.value, Decimal(0))), "text": b.text}
            for b in chart.bars
        ]
        # the bar's length is the chart's own measure (no axis); the text is the figure
        return _labelled_bars(chart.title, rows, {"type": "quantitative", "axis": None}, None)
    rows = [
        {"series": line.label, "point": chart.xs[i] if chart.xs else i + 1, "value": _usd(v)}
        for line in chart.lines
        for i, v in enumerate(line.values)
    ]
    return _spec(
        chart.title,
        {
            "data": {"values": rows},
            "mark": "line",
            "encoding": {
                "x": {"field": "point", "type": "quantitative", "title": chart.x_title},
                "y": {"field": "value", "type": "quantitative", "title": None},
                "color": {"field": "series", "type": "nominal", "title": None},
            },
        },
    )


def stacked(specs: Sequence[Spec]) -> Spec:
    """Several charts one above the other, as one picture."""
    if len(specs) == 1:
        return specs[0]
    parts = [
        {k: v for k, v in s.items() if k not in ("$schema", "config", "background")} for s in specs
    ]
    return {"$schema": SCHEMA, "background": "white", "config": _CONFIG, "vconcat": parts}


def _converter() -> Any:
    try:
        import vl_convert
    except ImportError:
        raise TicketcostError(
            "charts are drawn by vl-convert-python, which is not installed: "
            "pip install 'ticketcost[report]'"
        ) from None
    return vl_convert


def to_svg(spec: Spec) -> str:
    return str(_converter().vegalite_to_svg(spec))


def to_png(spec: Spec, scale: float = 2.0) -> bytes:
    return bytes(_converter().vegalite_to_png(spec, scale=scale))
