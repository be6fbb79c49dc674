"""Report builder for ``ticketcost attribute``: one result, every output format."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from ticketcost import money
from ticketcost.attribution.results import FAILED_STATUSES, Attribution, Group
from ticketcost.report.estimate import price_record
from ticketcost.report.model import Cell, Column, Kind, Report, Table, payload_header

NONE_LABEL = "(none)"


def _label(value: str | None) -> str:
    return NONE_LABEL if value is None else value


def _group_table(title: str, dims: Sequence[str], groups: Sequence[Group]) -> Table:
    columns = (
        *(Column(d, d.replace("_", " ").capitalize()) for d in dims),
        Column("tickets", "Tickets", Kind.COUNT),
        Column("resolved", "Resolved", Kind.COUNT),
        Column("requests", "Requests", Kind.COUNT),
        Column("cost_usd", "Cost", Kind.MONEY),
        Column("share", "Share", Kind.PERCENT),
        Column("cost_per_resolved_usd", "Per resolved", Kind.MONEY),
        # Requests on models with no price: their cost is missing from the row (a lower bound).
        Column("unpriced_requests", "Unpriced req", Kind.COUNT, any(g.unpriced for g in groups)),
    )
    rows = tuple(
        (
            *(_label(v) for v in g.values),
            g.tickets,
            g.resolved,
            g.requests,
            None if g.unpriced == g.requests else g.cost_usd,  # nothing in it has a price
            g.share,
            None if g.unpriced == g.requests else g.cost_per_resolved_usd,
            g.unpriced,
        )
        for g in groups
    )
    return Table(title, columns, rows)


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
    tables: list[Table] = []
    for spec, groups in result.groups.items():
        tables.append(_group_table(f"Cost by {', '.join(spec)}", spec, groups))

    resolved_set = set(result.resolved_outcomes)
    outcome_columns = (
        Column("outcome", "Outcome"),
        Column("tickets", "Tickets", Kind.COUNT),
        Column("requests", "Requests", Kind.COUNT),
        Column("cost_usd", "Cost", Kind.MONEY),
        Column("share", "Share", Kind.PERCENT),
        Column("cost_per_ticket_usd", "Per ticket", Kind.MONEY),
        Column("counts_as_resolved", "Resolved?"),
    )
    outcome_rows = tuple(
        (
            _label(g.values[0]),
            g.tickets,
            g.requests,
            g.cost_usd,
            g.share,
            money.divide(g.cost_usd, Decimal(g.tickets)) if g.tickets else None,
            "yes" if g.values[0] in resolved_set else "no",
        )
        for g in result.outcomes
    )
    tables.append(
        Table(
            "Cost by outcome (every ticket's cost is in the numerator)",
            outcome_columns,
            outcome_rows,
        )
    )

    status_columns = (
        Column("status", "Status"),
        Column("requests", "Requests", Kind.COUNT),
        Column("tickets", "Tickets", Kind.COUNT),
        Column("cost_usd", "Cost", Kind.MONEY),
        Column("share", "Share", Kind.PERCENT),
    )
    status_rows = tuple(
        (_label(g.values[0]), g.requests, g.tickets, g.cost_usd, g.share) for g in result.statuses
    )
    tables.append(Table("Cost by request status", status_columns, status_rows))

    version_columns = (
        Column("prompt_version", "Prompt version"),
        Column("tickets", "Tickets", Kind.COUNT),
        Column("resolved", "Resolved", Kind.COUNT),
        Column("cost_usd", "Cost", Kind.MONEY),
        Column("cost_per_resolved_usd", "Per resolved", Kind.MONEY),
        Column("change_usd", "Change", Kind.MONEY),
        Column("change_ratio", "Change %", Kind.PERCENT),
    )
    version_rows = tuple(
        (
            _label(v.group.values[0]),
            v.group.tickets,
            v.group.resolved,
            v.group.cost_usd,
            v.group.cost_per_resolved_usd,
            v.change_usd,
            v.change_ratio,
        )
        for v in result.versions
    )
    tables.append(
        Table("Prompt versions (change against the version before)", version_columns, version_rows)
    )
    tables.append(
        _group_table(
            f"Top {len(result.top_tenants)} tenants by spend", ("tenant",), result.top_tenants
        )
    )

    ticket_columns = (
        Column("ticket_id", "Ticket"),
        Column("tenant", "Tenant"),
        Column("intent", "Intent"),
        Column("outcome", "Outcome"),
        Column("requests", "Requests", Kind.COUNT),
        Column("cost_usd", "Cost", Kind.MONEY),
    )
    ticket_rows = tuple(
        (t.ticket_id, _label(t.tenant), _label(t.intent), _label(t.outcome), t.requests, t.cost_usd)
        for t in result.top_tickets
    )
    tables.append(
        Table(f"Top {len(ticket_rows)} most expensive tickets", ticket_columns, ticket_rows)
    )

    price_columns = (
        Column("log_model", "Model in logs"),
        Column("priced_as", "Priced as"),
        Column("requests", "Requests", Kind.COUNT),
        Column("input_usd_per_mtok", "In $/M", Kind.RATE),
        Column("output_usd_per_mtok", "Out $/M", Kind.RATE),
        Column("cache_read_usd_per_mtok", "Read $/M", Kind.RATE),
        Column("cache_write_usd_per_mtok", "Write $/M", Kind.RATE),
        Column("verified", "Verified"),
        Column("source", "Source", terminal=False),
    )
    price_rows: tuple[tuple[Cell, ...], ...] = tuple(
        (
            p.log_name,
            p.price.id,
            p.requests,
            p.price.input_usd_per_mtok,
            p.price.output_usd_per_mtok,
            p.price.cache_read_usd_per_mtok,
            p.price.cache_write_usd_per_mtok,
            p.price.verified.isoformat(),
            p.price.source,
        )
        for p in result.priced_models
    )
    tables.append(Table("Prices used (USD per 1M tokens)", price_columns, price_rows))

    if result.unpriced:
        unpriced_columns = (
            Column("model", "Model"),
            Column("requests", "Requests", Kind.COUNT),
            Column("input_tokens", "Input tok", Kind.COUNT),
            Column("output_tokens", "Output tok", Kind.COUNT),
        )
        unpriced_rows = tuple(
            (u.model or "(no model)", u.requests, u.input_tokens, u.output_tokens)
            for u in result.unpriced
        )
        tables.append(
            Table(
                "Unpriced requests (not in any cost above; add prices with --pricing FILE)",
                unpriced_columns,
                unpriced_rows,
            )
        )
    if result.skipped_reasons:
        tables.append(
            Table(
                f"Skipped lines ({result.skipped:,})",
                (Column("reason", "Reason"), Column("lines", "Lines", Kind.COUNT)),
                tuple(result.skipped_reasons),
            )
        )
    if len(result.files) > 1:
        tables.append(
            Table(
                "Files",
                (
                    Column("file", "File"),
                    Column("format", "Format"),
                    Column("requests", "Requests", Kind.COUNT),
                    Column("skipped", "Skipped", Kind.COUNT),
                ),
                tuple((f.path, f.format, f.requests, f.skipped) for f in result.files),
            )
        )

    notes = _notes(result)

    def payload() -> dict[str, Any]:
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
            },
            "cost_per_ticket_percentiles_usd": result.percentiles,
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
            "fields": result.fields.describe(),
            "input_tokens_include_cache": result.fields.input_includes_cache,
            "outcome_source": result.outcome_source,
            "tickets_with_several_values": result.multi_valued,
        }

    return Report(tuple(tables), payload, tuple(notes), headline=_headline(result))


def _notes(result: Attribution) -> list[str]:
    notes = []
    for bad in result.bad_lines:
        where = f"{bad.file}:{bad.line}" if bad.unit == "line" else f"{bad.file} row {bad.line}"
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
    notes.append(f"Outcomes from {result.outcome_source}.")
    cache = "includes" if result.fields.input_includes_cache else "excludes"
    notes.append(
        f"Field mapping: {result.fields.preset} (input_tokens {cache} cache reads and writes; "
        "see --format json for every path)"
    )
    return notes
