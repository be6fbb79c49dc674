"""Report builder for ``ticketcost attribute``: one result, every output format."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from ticketcost import money
from ticketcost.attribution.results import (
    FAILED_STATUSES,
    Attribution,
    FileStat,
    Group,
    PricedModel,
    TicketRow,
    Unpriced,
    VersionRow,
)
from ticketcost.report.estimate import price_record
from ticketcost.report.model import (
    Cell,
    Column,
    Field,
    Kind,
    Report,
    Table,
    payload_header,
    table_of,
)

NONE_LABEL = "(none)"


def _label(value: str | None) -> str:
    return NONE_LABEL if value is None else value


def _group_table(title: str, dims: Sequence[str], groups: Sequence[Group]) -> Table:
    def whole(g: Group, value: Decimal | None) -> Decimal | None:
        return None if g.unpriced == g.requests else value  # nothing in it has a price

    fields: list[Field[Group]] = [
        (Column(d, d.replace("_", " ").capitalize()), _value_at(i)) for i, d in enumerate(dims)
    ]
    fields += [
        (Column("tickets", "Tickets", Kind.COUNT), lambda g: g.tickets),
        (Column("resolved", "Resolved", Kind.COUNT), lambda g: g.resolved),
        (Column("requests", "Requests", Kind.COUNT), lambda g: g.requests),
        (Column("cost_usd", "Cost", Kind.MONEY), lambda g: whole(g, g.cost_usd)),
        (Column("share", "Share", Kind.PERCENT), lambda g: g.share),
        (
            Column("cost_per_resolved_usd", "Per resolved", Kind.MONEY),
            lambda g: whole(g, g.cost_per_resolved_usd),
        ),
        # Requests on models with no price: their cost is missing from the row (a lower bound).
        (
            Column(
                "unpriced_requests", "Unpriced req", Kind.COUNT, any(g.unpriced for g in groups)
            ),
            lambda g: g.unpriced,
        ),
    ]
    return table_of(title, fields, groups)


def _value_at(index: int) -> Callable[[Group], Cell]:
    return lambda g: _label(g.values[index])


def _group_record(dims: Sequence[str], group: Group) -> dict[str, Any]:
    return dict(zip(dims, group.values, strict=True)) | {
        "requests": group.requests,
        "tickets": group.tickets,
        "resolved_tickets": group.resolved,
        "cost_usd": group.cost_usd,
        "share": group.share,
        "cost_per_resolved_ticket_usd": group.cost_per_resolved_usd,
        "unpriced_requests": group.unpriced,
    }


def _headline(result: Attribution) -> tuple[str, ...]:
    per = result.cost_per_resolved_usd
    resolved_as = " or ".join(result.resolved_outcomes)
    first = (
        f"Cost per resolved ticket: {money.format_money(per)}"
        if per is not None
        else "Cost per resolved ticket: n/a (no ticket is resolved)"
    )
    first += (
        f" = {money.format_money(result.cost_usd)} for all {result.tickets:,} tickets "
        f"/ {result.resolved:,} resolved (outcome {resolved_as})"
    )
    files = len(result.files)
    second = f"{result.requests:,} requests from {files} file{'s' if files != 1 else ''}" + (
        f"; {result.skipped:,} lines skipped (below)" if result.skipped else "; no line skipped"
    )
    if result.unpriced:
        second += (
            f"; {result.unpriced_requests:,} requests on {len(result.unpriced)} unpriced "
            "model(s) are not in the cost (below)"
        )
    lines = [first, second]
    if result.percentiles:
        p = result.percentiles
        mean = result.mean_ticket_usd
        lines.append(
            "Cost per ticket: "
            + ", ".join(f"{k} {money.format_money(v)}" for k, v in p.items())
            + (f", mean {money.format_money(mean)}" if mean is not None else "")
        )
    failed = result.failed_cost_usd
    share = money.divide(failed, result.cost_usd) if result.cost_usd else Decimal(0)
    lines.append(
        f"Failed attempts and repeats ({', '.join(FAILED_STATUSES)} requests): "
        f"{money.format_money(failed)} ({share * 100:.1f}% of cost)"
    )
    return tuple(lines)


def attribution_report(result: Attribution) -> Report:
    tables = [
        _group_table(f"Cost by {', '.join(spec)}", spec, g) for spec, g in result.groups.items()
    ]
    tables += [
        _outcome_table(result),
        _status_table(result),
        _version_table(result),
        _group_table(
            f"Tenants by spend (top {len(result.top_tenants)})",
            ("tenant",),
            result.top_tenants if any(g.values[0] is not None for g in result.top_tenants) else (),
        ),
        _ticket_table(result),
        _price_table(result),
    ]
    tables += _accounting_tables(result)
    return Report(
        tuple(tables),
        lambda: _payload(result),
        tuple(_notes(result)),
        headline=_headline(result),
    )


def _outcome_table(result: Attribution) -> Table:
    resolved_set = set(result.resolved_outcomes)
    fields: list[Field[Group]] = [
        (Column("outcome", "Outcome"), _value_at(0)),
        (Column("tickets", "Tickets", Kind.COUNT), lambda g: g.tickets),
        (Column("requests", "Requests", Kind.COUNT), lambda g: g.requests),
        (Column("cost_usd", "Cost", Kind.MONEY), lambda g: g.cost_usd),
        (Column("share", "Share", Kind.PERCENT), lambda g: g.share),
        (
            Column("cost_per_ticket_usd", "Per ticket", Kind.MONEY),
            lambda g: money.divide(g.cost_usd, Decimal(g.tickets)) if g.tickets else None,
        ),
        (
            Column("counts_as_resolved", "Resolved?"),
            lambda g: "yes" if g.values[0] in resolved_set else "no",
        ),
    ]
    title = "Cost by outcome (every ticket's cost is in the numerator)"
    return table_of(title, fields, result.outcomes)


def _status_table(result: Attribution) -> Table:
    fields: list[Field[Group]] = [
        (Column("status", "Status"), _value_at(0)),
        (Column("requests", "Requests", Kind.COUNT), lambda g: g.requests),
        (Column("tickets", "Tickets", Kind.COUNT), lambda g: g.tickets),
        (Column("cost_usd", "Cost", Kind.MONEY), lambda g: g.cost_usd),
        (Column("share", "Share", Kind.PERCENT), lambda g: g.share),
    ]
    return table_of("Cost by request status", fields, result.statuses)


def _version_table(result: Attribution) -> Table:
    fields: list[Field[VersionRow]] = [
        (Column("prompt_version", "Prompt version"), lambda v: _label(v.group.values[0])),
        (Column("tickets", "Tickets", Kind.COUNT), lambda v: v.group.tickets),
        (Column("resolved", "Resolved", Kind.COUNT), lambda v: v.group.resolved),
        (Column("cost_usd", "Cost", Kind.MONEY), lambda v: v.group.cost_usd),
        (
            Column("cost_per_resolved_usd", "Per resolved", Kind.MONEY),
            lambda v: v.group.cost_per_resolved_usd,
        ),
        (Column("change_usd", "Change", Kind.MONEY), lambda v: v.change_usd),
        (Column("change_ratio", "Change %", Kind.PERCENT), lambda v: v.change_ratio),
    ]
    title = "Prompt versions (change against the version before)"
    recorded = any(v.group.values[0] is not None for v in result.versions)
    return table_of(title, fields, result.versions if recorded else ())  # none: "none" in a line


def _ticket_table(result: Attribution) -> Table:
    fields: list[Field[TicketRow]] = [
        (Column("ticket_id", "Ticket"), lambda t: t.ticket_id),
        (Column("tenant", "Tenant"), lambda t: _label(t.tenant)),
        (Column("intent", "Intent"), lambda t: _label(t.intent)),
        (Column("outcome", "Outcome"), lambda t: _label(t.outcome)),
        (Column("requests", "Requests", Kind.COUNT), lambda t: t.requests),
        (Column("cost_usd", "Cost", Kind.MONEY), lambda t: t.cost_usd),
    ]
    title = f"Most expensive tickets (top {len(result.top_tickets)})"
    return table_of(title, fields, result.top_tickets)


def _price_table(result: Attribution) -> Table:
    fields: list[Field[PricedModel]] = [
        (Column("log_model", "Model in logs"), lambda p: p.log_name),
        (Column("priced_as", "Priced as"), lambda p: p.price.id),
        (
            Column("tier", "Tier", terminal=any(p.price.variant for p in result.priced_models)),
            lambda p: p.price.variant or "standard",
        ),
        (Column("requests", "Requests", Kind.COUNT), lambda p: p.requests),
        (Column("input_usd_per_mtok", "In $/M", Kind.RATE), lambda p: p.price.input_usd_per_mtok),
        (
            Column("output_usd_per_mtok", "Out $/M", Kind.RATE),
            lambda p: p.price.output_usd_per_mtok,
        ),
        (
            Column("cache_read_usd_per_mtok", "Read $/M", Kind.RATE),
            lambda p: p.price.cache_read_usd_per_mtok,
        ),
        (
            Column("cache_write_usd_per_mtok", "Write $/M", Kind.RATE),
            lambda p: p.price.cache_write_usd_per_mtok,
        ),
        (
            Column(
                "cache_write_1h_usd_per_mtok",
                "1h write $/M",
                Kind.RATE,
                terminal=any(p.one_hour_writes for p in result.priced_models),
            ),
            lambda p: p.price.cache_write_1h_usd_per_mtok,
        ),
        (Column("verified", "Verified"), lambda p: p.price.verified.isoformat()),
        (Column("source", "Source", terminal=False), lambda p: p.price.source),
    ]
    return table_of("Prices used (USD per 1M tokens)", fields, result.priced_models)


def _accounting_tables(result: Attribution) -> list[Table]:
    """What is not in the cost: unpriced requests and skipped lines; and the files read."""
    tables = []
    if result.unpriced:
        fields: list[Field[Unpriced]] = [
            (Column("model", "Model"), lambda u: u.model or "(no model)"),
            (Column("requests", "Requests", Kind.COUNT), lambda u: u.requests),
            (Column("input_tokens", "Input tok", Kind.COUNT), lambda u: u.input_tokens),
            (Column("output_tokens", "Output tok", Kind.COUNT), lambda u: u.output_tokens),
            (Column("reason", "Why"), lambda u: u.reason),
        ]
        title = "Unpriced requests (not in any cost above; add prices with --pricing FILE)"
        tables.append(table_of(title, fields, result.unpriced))
    if result.skipped_reasons:
        reasons: list[Field[tuple[str, int]]] = [
            (Column("reason", "Reason"), lambda r: r[0]),
            (Column("lines", "Lines", Kind.COUNT), lambda r: r[1]),
        ]
        tables.append(
            table_of(f"Skipped lines ({result.skipped:,})", reasons, result.skipped_reasons)
        )
    if len(result.files) > 1:
        files: list[Field[FileStat]] = [
            (Column("file", "File"), lambda f: f.path),
            (Column("format", "Format"), lambda f: f.format),
            (Column("requests", "Requests", Kind.COUNT), lambda f: f.requests),
            (Column("skipped", "Skipped", Kind.COUNT), lambda f: f.skipped),
            (Column("duplicates", "Duplicates", Kind.COUNT), lambda f: f.duplicates),
            (Column("read_as", "Read as"), _read_as),
        ]
        tables.append(table_of("Files", files, result.files))
    return tables


def _read_as(f: FileStat) -> str:
    return f"{f.preset} ({'recognised' if f.recognised else 'chosen'})"


def _payload(result: Attribution) -> dict[str, Any]:
    return payload_header("attribute") | {
        "totals": {
            "requests": result.requests,
            "tickets": result.tickets,
            "resolved_tickets": result.resolved,
            "resolved_outcomes": list(result.resolved_outcomes),
            "cost_usd": result.cost_usd,
            "cost_per_resolved_ticket_usd": result.cost_per_resolved_usd,
            "mean_cost_per_ticket_usd": result.mean_ticket_usd,
            "given_cost_usd": result.given_cost_usd,
            "given_cost_requests": result.given_requests,
            "failed_and_repeat_cost_usd": result.failed_cost_usd,
            "unpriced_requests": result.unpriced_requests,
            "tickets_with_unpriced_requests": result.unpriced_tickets,
            "tickets_without_outcome": result.tickets_without_outcome,
            "tickets_with_only_unpriced_requests": result.unpriced_only_tickets[0],
            "duplicate_requests": result.duplicates.requests,
            "requests_outside_window": result.window.outside,
            "requests_without_timestamp": result.undated + result.window.undated,
            "records_not_model_calls": result.other_records,
        },
        "window": {"since": result.window.since, "until": result.window.until},
        "cost_per_ticket_percentiles_usd": result.percentiles,
        "time_of_day_requests": [
            {"model": m, "window": w, "requests": n} for m, w, n in result.time_of_day
        ],
        "cost_per_ticket_histogram": [
            {"low_usd": b.low_usd, "high_usd": b.high_usd, "tickets": b.tickets}
            for b in result.histogram
        ],
        "groups": [
            {"by": list(spec), "rows": [_group_record(spec, g) for g in groups]}
            for spec, groups in result.groups.items()
        ],
        "outcomes": [_group_record(("outcome",), g) for g in result.outcomes],
        "statuses": [
            {
                "status": g.values[0],
                "requests": g.requests,
                "tickets": g.tickets,
                "cost_usd": g.cost_usd,
                "share": g.share,
            }
            for g in result.statuses
        ],
        "prompt_versions": [
            _group_record(("prompt_version",), v.group)
            | {"change_usd": v.change_usd, "change_ratio": v.change_ratio}
            for v in result.versions
        ],
        "top_tenants": [_group_record(("tenant",), g) for g in result.top_tenants],
        "top_tickets": [t._asdict() for t in result.top_tickets],
        "prices": [
            {"log_model": p.log_name, "priced_as": p.price.id, "requests": p.requests}
            | price_record(p.price)
            for p in result.priced_models
        ],
        "unpriced": [u._asdict() for u in result.unpriced],
        "skipped": {
            "lines": result.skipped,
            "reasons": [{"reason": r, "lines": n} for r, n in result.skipped_reasons],
            "first": [b._asdict() for b in result.bad_lines],
        },
        "files": [f._asdict() for f in result.files],
        "fields": [
            {
                "file": f.path,
                "preset": m.preset.value,
                "recognised": m.detected,
                "input_tokens_include_cache": m.cache_rule.value,
                "paths": m.describe(),
            }
            for f, m in zip(result.files, result.fields, strict=True)
        ],
        "outcome_source": result.outcome_source,
        "tickets_with_several_values": result.multi_valued,
    }


def _notes(result: Attribution) -> list[str]:
    notes = []
    for bad in result.bad_lines:
        where = (
            f"{bad.file}:{bad.line}" if bad.unit == "line" else f"{bad.file} {bad.unit} {bad.line}"
        )
        notes.append(f"Skipped {where}: {bad.reason}")
    if result.skipped > len(result.bad_lines):
        notes.append(
            f"... {result.skipped - len(result.bad_lines):,} more skipped lines "
            "(--strict stops at the first)"
        )
    for model, threshold, requests in result.long_context:
        notes.append(
            f"{requests:,} {model} requests sent more than {threshold:,} input tokens and were "
            "priced at the long-context tier they reach"
        )
    for model, since, requests in result.earlier_prices:
        notes.append(
            f"{requests:,} {model} requests are dated before a recorded price change and were "
            "priced at the prices in force then ("
            + (f"those from {since})" if since else "its earliest recorded prices)")
        )
    for model, window, requests in result.time_of_day:
        notes.append(
            f"{requests:,} {model} requests were sent {window} and priced at that window's rates "
            "(prices by time of day, from each request's timestamp)"
        )
    if result.given_requests:
        notes.append(
            f"{result.given_requests:,} requests carried cost_usd, used as given: "
            f"{money.format_money(result.given_cost_usd)}"
        )
    for dim, count in result.multi_valued.items():
        if count:
            notes.append(
                f"{count:,} tickets carry more than one {dim.replace('_', ' ')}; each counts under "
                "its latest request's value"
            )
    if result.tickets_without_outcome:
        notes.append(
            f"{result.tickets_without_outcome:,} tickets have no outcome: their cost counts, "
            "they are not resolved"
        )
    if result.outcomes_without_requests:
        notes.append(
            f"{result.outcomes_without_requests:,} tickets in the outcomes file have no request "
            "in the logs"
        )
    if result.other_records:
        notes.append(
            f"{result.other_records:,} spans or records are not model calls (no model, usage or "
            "cost: HTTP or database spans, Langfuse SPAN and EVENT observations) and were passed "
            "over"
        )
    notes += _counting_notes(result)
    notes.append(f"Outcomes from {result.outcome_source}.")
    for f, m in zip(result.files, result.fields, strict=True):
        how = "recognised from its content" if m.detected else "as chosen"
        notes.append(
            f"{f.path} read as {m.preset.value} ({how}); input_tokens "
            f"{_CACHE_WORDS[m.cache_rule.value]} (see --format json for every path)"
        )
    return notes


_CACHE_WORDS = {
    "includes": "includes cache reads and writes",
    "excludes": "excludes cache reads and writes",
    "by provider": "read per line: Anthropic's excludes cache reads and writes, others include",
}


def _counting_notes(result: Attribution) -> list[str]:
    """What was counted once, left out of the window, or left out of the resolved count."""
    notes = []
    dup = result.duplicates
    if dup.requests:
        notes.append(
            f"{dup.requests:,} requests appear more than once (same request or span id, in one "
            "file or across files) and are counted once, from the first file given"
            + (
                f"; {dup.differing:,} of them with different usage in the copies"
                if dup.differing
                else ""
            )
        )
    window = result.window
    if window.since or window.until:
        span = " to ".join(w.isoformat() for w in (window.since, window.until) if w is not None)
        notes.append(
            f"Window {span} (UTC): {window.outside:,} requests dated outside it and "
            f"{window.undated:,} with no readable timestamp are left out"
        )
    if result.undated:
        notes.append(
            f"{result.undated:,} priced requests have no readable timestamp: priced at today's "
            "prices (a recorded price change could not be applied to them)"
        )
    count, names = result.unpriced_only_tickets
    if count:
        shown = ", ".join(names) + (", ..." if count > len(names) else "")
        notes.append(
            f"{count:,} tickets have only unpriced requests: their cost is unknown, so they are "
            f"not counted as resolved ({shown})"
        )
    return notes
