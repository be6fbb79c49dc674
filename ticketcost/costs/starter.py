"""The starter config written by ``ticketcost init``.

The commented YAML below is the single source: the TOML starter is the same data, parsed from it and
written with tomli-w (TOML from tomli-w carries no comments, so it points at the YAML for them).
The month it models: 10,000 tickets across four intents, each routed to a model tier that suits it,
with the escalation rates typical of each kind of ticket.
"""

from __future__ import annotations

from typing import Any

STARTER_YAML = """\
# ticketcost config: one month of AI-handled customer support.
# Money is USD; token prices are per 1M tokens. Run `ticketcost stack` for the cost breakdown and
# `ticketcost compare` to set it beside public benchmarks.

volume: 10000                   # tickets handled per month

# How tickets split by intent. Shares must sum to 1. Each intent is routed to its own model, and
# escalation_rate is the share handed to a person (the rest count as resolved by the AI).
intents:
  - name: password_reset        # a label of your choosing, unique
    share: 0.30                 # 30% of the month's tickets
    model: gpt-5.4-nano         # any id or alias from `ticketcost models`
    escalation_rate: 0.05       # 5% go to a person
    conversation:               # the `ticketcost estimate` profile of one ticket
      turns: 3                  # exchanges; each turn re-sends the whole history
      system_tokens: 600        # system prompt (instructions, policy)
      user_tokens: 60           # customer message per turn
      assistant_tokens: 120     # AI reply per turn
      cache: system             # none | system | prefix (prompt caching)
  - name: general_question
    share: 0.40
    model: gemini-3.5-flash-lite
    escalation_rate: 0.15
    conversation:
      turns: 4
      system_tokens: 1500       # instructions plus retrieved knowledge-base passages
      user_tokens: 120
      assistant_tokens: 250
      cache: system
  - name: billing
    share: 0.20
    model: claude-haiku-4-5
    escalation_rate: 0.35
    conversation:
      turns: 5
      system_tokens: 1200
      user_tokens: 150
      assistant_tokens: 250
      cache: system
  - name: complaint
    share: 0.10
    model: claude-sonnet-4-6
    escalation_rate: 0.70
    conversation:
      turns: 6
      system_tokens: 1500
      user_tokens: 200
      assistant_tokens: 300
      cache: system

# Retrieval: knowledge-base lookups embedded per ticket, and the vector database behind them.
embeddings:
  lookups_per_ticket: 3         # searches of the knowledge base per ticket
  tokens_per_lookup: 400        # tokens embedded per search
  usd_per_mtok: 0.02            # embedding model price per 1M tokens
  vector_db_monthly_usd: 70     # hosted vector database, fixed per month

# Model calls that fail (timeouts, rate limits) and are paid again: retried calls per call.
retries:
  rate: 0.08                    # 8 retried calls per 100 calls

# People: loaded labour cost, AI answers checked before they go out, and escalated tickets.
human:
  annual_cost_usd: 50000        # fully loaded cost of one support rep per year
  productive_hours_per_year: 1800   # or give hourly_usd instead of these two
  review_rate: 0.10             # share of tickets whose AI answer a person reviews
  review_minutes: 2             # minutes per review
  escalation_minutes: 8         # minutes a person spends on an escalated ticket

# Logging and tracing of every call: per ticket and/or a monthly plan.
observability:
  per_ticket_usd: 0.002         # usage-priced tracing, per ticket
  monthly_usd: 99               # flat plan per month

# Paid third-party calls made while handling a ticket.
integrations:
  - name: crm_lookup            # a label of your choosing
    calls_per_ticket: 1.5       # average calls while handling one ticket
    usd_per_call: 0.002         # price of one call
  - name: sms_notification
    calls_per_ticket: 0.2
    usd_per_call: 0.0079

# Fixed monthly items, spread over the month's tickets.
infrastructure:
  - name: app_hosting           # a label of your choosing
    monthly_usd: 100            # cost per month
  - name: llm_gateway
    monthly_usd: 50
  - name: queue
    monthly_usd: 20

# Limits for `ticketcost check` (exit code 1 when one is exceeded). Each has a max and an optional
# warn level; see docs/ci.md for running the check on every pull request.
budgets:
  cost_per_resolved_ticket:     # all-in cost per ticket the AI resolves
    max: 1.50                   # above this the check fails
    warn: 1.30                  # above this it warns (optional)
  monthly_spend:                # all-in cost of the month
    max: 12000
  model_cost_per_ticket:        # the API bill per ticket handled
    max: 0.02
  intents:                      # all-in cost per resolved ticket, by intent name
    complaint:                  # an intent named above
      max: 12
  increase:                     # rise in cost per resolved ticket against check --baseline
    max_percent: 10             # and/or max_usd, an absolute rise per resolved ticket
    warn_percent: 5             # and/or warn_usd

# Your own reference points, beside the bundled ones (same fields as benchmarks/*.yaml):
# benchmarks:
#   - id: our-2025-team
#     name: Our support team in 2025
#     category: human
#     usd: 6.40
#     unit: resolution
#     includes: all_in
#     source: Finance, FY2025 support cost review
#     source_date: 2026-01-15
"""


def starter_data() -> dict[str, Any]:
    from ticketcost.io.yamlio import parse_yaml

    data = parse_yaml(STARTER_YAML, "starter").data
    assert isinstance(data, dict)
    return data


def starter_toml() -> str:
    import tomli_w

    header = (
        "# ticketcost config: a month of AI-handled customer support (USD; token prices per 1M).\n"
        "# Every field is explained in the YAML starter: ticketcost init --format yaml\n\n"
    )
    return header + tomli_w.dumps(starter_data())
