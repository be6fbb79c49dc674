"""The full cost stack of a month of support, per ticket handled and per ticket resolved.

Every monthly amount is computed from the config's inputs with exact decimal arithmetic; the total
is the exact sum of the lines. Per-ticket figures divide a monthly amount by tickets handled (the
config's ``volume``) or by tickets resolved by the AI (handled minus escalated).

Lines, by category:

* ``model``: each intent's conversation priced on its model (the ``estimate`` core) × its tickets.
  This is the visible API bill; everything below is the hidden part of the iceberg.
* ``retries``: retried model calls are paid again: retry rate × model cost.
* ``embeddings``: lookups × tokens × price per ticket, plus the vector database's monthly cost.
* ``human``: reviews (review rate × tickets × minutes × hourly rate) and escalations (escalated
  tickets × minutes × hourly rate).
* ``observability``, ``integrations`` (calls × price per call per ticket), ``infrastructure``
  (fixed monthly items, amortised over the volume).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from ticketcost import money
from ticketcost.costs.config import Config, Intent
from ticketcost.costs.conversation import ConversationCost, price_conversation
from ticketcost.money import Amount, Phrase
from ticketcost.pricing.model import ModelPrice
from ticketcost.pricing.table import PriceTable

if TYPE_CHECKING:
    from ticketcost.costs.completeness import Gap

CATEGORIES = (
    "model",
    "retries",
    "embeddings",
    "human",
    "observability",
    "integrations",
    "infrastructure",
)


@dataclass(frozen=True)
class StackLine:
    key: str  # unique, e.g. "human_review" or "integration:crm_lookup"
    category: str  # one of CATEGORIES
    label: str
    monthly_usd: Decimal
    basis: str  # how the amount was computed, with its inputs (a Phrase when it names money)

    @property
    def visible(self) -> bool:
        """The API bill a team sees; every other line is hidden cost."""
        return self.category == "model"


@dataclass(frozen=True)
class IntentCost:
    intent: Intent
    model: ModelPrice
    conversation: ConversationCost  # one ticket
    tickets: Decimal  # per month
    resolved: Decimal
    escalated: Decimal
    model_monthly: Decimal
    retries_monthly: Decimal
    escalation_monthly: Decimal
    allocated_monthly: Decimal  # the intent's share (by tickets) of every other line

    @property
    def direct_monthly(self) -> Decimal:
        return money.add(self.model_monthly, self.retries_monthly, self.escalation_monthly)

    @property
    def all_in_monthly(self) -> Decimal:
        return money.add(self.direct_monthly, self.allocated_monthly)

    @property
    def per_ticket(self) -> Decimal:
        return money.divide(self.all_in_monthly, self.tickets)

    @property
    def per_resolved(self) -> Decimal | None:
        return money.divide(self.all_in_monthly, self.resolved) if self.resolved else None


@dataclass(frozen=True)
class StackResult:
    config: Config
    hourly_usd: Decimal | None
    lines: tuple[StackLine, ...]
    intents: tuple[IntentCost, ...]

    @property
    def volume(self) -> int:
        return self.config.volume

    @property
    def resolved(self) -> Decimal:
        return money.add(*(i.resolved for i in self.intents))

    @property
    def escalated(self) -> Decimal:
        return money.add(*(i.escalated for i in self.intents))

    @property
    def total_monthly(self) -> Decimal:
        return money.add(*(line.monthly_usd for line in self.lines))

    @property
    def visible_monthly(self) -> Decimal:
        return money.add(*(line.monthly_usd for line in self.lines if line.visible))

    @property
    def hidden_monthly(self) -> Decimal:
        return money.add(*(line.monthly_usd for line in self.lines if not line.visible))

    @property
    def gaps(self) -> tuple[Gap, ...]:
        """What the config leaves out of an all-in figure (empty: the figure is all-in)."""
        from ticketcost.costs.completeness import gaps

        return gaps(self)

    @property
    def complete(self) -> bool:
        return not self.gaps

    def per_ticket(self, monthly: Decimal) -> Decimal:
        return money.divide(monthly, self.volume)

    def per_resolved(self, monthly: Decimal) -> Decimal | None:
        """None when the AI resolves no ticket (every intent escalates everything)."""
        resolved = self.resolved
        return money.divide(monthly, resolved) if resolved else None

    def share(self, monthly: Decimal) -> Decimal | None:
        total = self.total_monthly
        return money.divide(monthly, total) if total else None

    def category_totals(self) -> dict[str, Decimal]:
        totals: dict[str, Decimal] = {}
        for line in self.lines:
            totals[line.category] = money.add(
                totals.get(line.category, money.ZERO), line.monthly_usd
            )
        return totals


def _count(value: Decimal | int) -> str:
    return money.format_amount(Decimal(value))


def _percent(rate: Decimal) -> str:
    return money.plain(money.multiply(rate, 100)) + "%"


class IntentRun(NamedTuple):
    """One intent priced for the month, before shared costs are allocated to it."""

    intent: Intent
    model: ModelPrice
    conversation: ConversationCost
    tickets: Decimal
    escalated: Decimal
    model_monthly: Decimal
    escalation_monthly: Decimal


def compute_stack(config: Config, prices: PriceTable) -> StackResult:
    """The month's cost stack for ``config``, with models priced from ``prices``."""
    runs = [price_intent(config, intent, prices) for intent in config.intents]
    lines = [
        *_model_lines(config, runs),
        *_embedding_lines(config),
        *_human_lines(config, runs),
        *_other_lines(config),
    ]
    retry_rate = config.retries.rate
    total = money.add(*(line.monthly_usd for line in lines))
    direct = money.add(
        *(
            money.add(
                r.model_monthly, money.multiply(r.model_monthly, retry_rate), r.escalation_monthly
            )
            for r in runs
        )
    )
    shared = money.subtract(total, direct)  # every line not tied to one intent
    intents = tuple(
        IntentCost(
            intent=r.intent,
            model=r.model,
            conversation=r.conversation,
            tickets=r.tickets,
            resolved=money.subtract(r.tickets, r.escalated),
            escalated=r.escalated,
            model_monthly=r.model_monthly,
            retries_monthly=money.multiply(r.model_monthly, retry_rate),
            escalation_monthly=r.escalation_monthly,
            allocated_monthly=money.multiply(shared, r.intent.share),
        )
        for r in runs
    )
    return StackResult(config, config.human.hourly, tuple(lines), intents)


def price_intent(config: Config, intent: Intent, prices: PriceTable) -> IntentRun:
    human = config.human
    hourly = human.hourly
    model = prices.get(intent.model)
    conversation = price_conversation(
        model, intent.conversation.profile(), intent.conversation.cache
    )
    tickets = money.multiply(Decimal(config.volume), intent.share)
    escalated = money.multiply(tickets, intent.escalation_rate)
    escalation_monthly = money.ZERO
    if hourly is not None and escalated and human.escalation_minutes:
        minutes = money.multiply(escalated, human.escalation_minutes)
        escalation_monthly = money.divide(money.multiply(minutes, hourly), 60)
    model_monthly = money.multiply(conversation.total_usd, tickets)
    return IntentRun(
        intent, model, conversation, tickets, escalated, model_monthly, escalation_monthly
    )


def _model_lines(config: Config, runs: Sequence[IntentRun]) -> list[StackLine]:
    model_total = money.add(*(r.model_monthly for r in runs))
    lines = [
        StackLine(
            "model",
            "model",
            "Model API",
            model_total,
            f"{len(runs)} intent(s): cost of each intent's conversation × its tickets",
        )
    ]
    retry_rate = config.retries.rate
    if retry_rate:
        lines.append(
            StackLine(
                "retries",
                "retries",
                "Retried model calls",
                money.multiply(model_total, retry_rate),
                Phrase(
                    f"{money.plain(retry_rate)} retried calls per call × ",
                    Amount(model_total),
                    " model cost",
                ),
            )
        )
    return lines


def _embedding_lines(config: Config) -> list[StackLine]:
    volume = Decimal(config.volume)
    embeddings = config.embeddings
    lines = []
    lookup_tokens = money.multiply(
        money.multiply(volume, embeddings.lookups_per_ticket), embeddings.tokens_per_lookup
    )
    if lookup_tokens and embeddings.usd_per_mtok:
        lines.append(
            StackLine(
                "embeddings",
                "embeddings",
                "Embedding lookups",
                money.multiply(lookup_tokens, embeddings.usd_per_mtok).scaleb(-6),
                Phrase(
                    f"{_count(volume)} tickets × {money.plain(embeddings.lookups_per_ticket)} "
                    f"lookups × {embeddings.tokens_per_lookup:,} tokens at ",
                    Amount(embeddings.usd_per_mtok),
                    "/1M",
                ),
            )
        )
    if embeddings.vector_db_monthly_usd:
        lines.append(
            StackLine(
                "vector_db",
                "embeddings",
                "Vector database",
                embeddings.vector_db_monthly_usd,
                Phrase(Amount(embeddings.vector_db_monthly_usd), " a month"),
            )
        )
    return lines


def _human_lines(config: Config, runs: Sequence[IntentRun]) -> list[StackLine]:
    volume = Decimal(config.volume)
    human = config.human
    hourly = human.hourly
    lines = []
    rate_text: tuple[str | Amount, ...] = ()
    if hourly is not None:
        rate_text = ("at ", Amount(hourly), "/h")
        if human.hourly_usd is None:
            rate_text += (
                " (",
                Amount(human.annual_cost_usd or money.ZERO),
                f" a year / {_count(human.productive_hours_per_year or money.ZERO)} h)",
            )
    if hourly is not None and human.review_rate and human.review_minutes:
        reviewed = money.multiply(volume, human.review_rate)
        review_monthly = money.divide(
            money.multiply(money.multiply(reviewed, human.review_minutes), hourly), 60
        )
        lines.append(
            StackLine(
                "human_review",
                "human",
                "Human review",
                review_monthly,
                Phrase(
                    f"{_percent(human.review_rate)} of {_count(volume)} tickets × "
                    f"{money.plain(human.review_minutes)} min ",
                    *rate_text,
                ),
            )
        )
    escalation_total = money.add(*(r.escalation_monthly for r in runs))
    if escalation_total:
        escalated_total = money.add(*(r.escalated for r in runs))
        lines.append(
            StackLine(
                "escalations",
                "human",
                "Escalated tickets",
                escalation_total,
                Phrase(
                    f"{_count(escalated_total)} escalated tickets × "
                    f"{money.plain(human.escalation_minutes)} min ",
                    *rate_text,
                ),
            )
        )
    return lines


def _other_lines(config: Config) -> list[StackLine]:
    """Observability, integrations and fixed infrastructure."""
    volume = Decimal(config.volume)
    lines = []
    observability = config.observability
    if observability.per_ticket_usd or observability.monthly_usd:
        lines.append(
            StackLine(
                "observability",
                "observability",
                "Observability",
                money.add(
                    money.multiply(volume, observability.per_ticket_usd), observability.monthly_usd
                ),
                Phrase(
                    Amount(observability.per_ticket_usd),
                    f" × {_count(volume)} tickets + ",
                    Amount(observability.monthly_usd),
                    " a month",
                ),
            )
        )
    for item in config.integrations:
        lines.append(
            StackLine(
                f"integration:{item.name}",
                "integrations",
                f"Integration: {item.name}",
                money.multiply(money.multiply(volume, item.calls_per_ticket), item.usd_per_call),
                Phrase(
                    f"{money.plain(item.calls_per_ticket)} calls per ticket × ",
                    Amount(item.usd_per_call),
                    f" × {_count(volume)} tickets",
                ),
            )
        )
    for fixed in config.infrastructure:
        lines.append(
            StackLine(
                f"infrastructure:{fixed.name}",
                "infrastructure",
                f"Infrastructure: {fixed.name}",
                fixed.monthly_usd,
                Phrase(
                    Amount(fixed.monthly_usd), f" a month, spread over {_count(volume)} tickets"
                ),
            )
        )
    return lines
