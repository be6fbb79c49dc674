"""Which model for which intent: every candidate priced all-in per resolved ticket.

A cheaper model that hands more tickets to people can cost more than a dearer one that resolves
them: each option of an intent (its current model and each of its ``candidates``) is priced per
ticket as its conversation on the model, the retries paid again, the human review of answers and
the people's time on the tickets it escalates; divided by the share it resolves, that is its cost
per resolved ticket. Costs shared by every option (embeddings, tooling, infrastructure) do not
change the ranking and are left out; ``stack`` has them.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import NamedTuple

from ticketcost import money
from ticketcost.costs.config import Candidate, Config, Intent
from ticketcost.costs.stack import price_intent
from ticketcost.pricing.model import ModelPrice
from ticketcost.pricing.table import PriceTable


class Option(NamedTuple):
    """One model for an intent, priced per ticket and per resolved ticket."""

    model: ModelPrice
    escalation_rate: Decimal
    measured: bool  # the escalation rate comes from request logs
    model_usd: Decimal  # per ticket: the conversation on this model
    retries_usd: Decimal
    review_usd: Decimal
    escalation_usd: Decimal  # people's time on the escalated share of a ticket
    monthly_usd: Decimal  # per ticket × the intent's tickets
    current: bool  # the intent's model today

    @property
    def per_ticket_usd(self) -> Decimal:
        return money.add(self.model_usd, self.retries_usd, self.review_usd, self.escalation_usd)

    @property
    def per_resolved_usd(self) -> Decimal | None:
        resolved = money.subtract(Decimal(1), self.escalation_rate)
        return money.divide(self.per_ticket_usd, resolved) if resolved else None


class IntentChoice(NamedTuple):
    intent: Intent
    tickets: Decimal  # a month
    options: tuple[Option, ...]  # cheapest per resolved ticket first

    @property
    def current(self) -> Option:
        return next(o for o in self.options if o.current)

    @property
    def recommended(self) -> Option:
        return self.options[0]

    @property
    def saving_monthly_usd(self) -> Decimal:
        """What the recommended option saves a month against the current one (0 if it is it)."""
        return money.subtract(self.current.monthly_usd, self.recommended.monthly_usd)


def recommend(
    config: Config,
    prices: PriceTable,
    measured: Mapping[tuple[str, str], Decimal] | None = None,
) -> tuple[IntentChoice, ...]:
    """Every intent's options ranked by cost per resolved ticket. ``measured`` maps
    (intent name, model id) to an escalation rate seen in request logs; it replaces the
    configured rate of that option."""
    found = []
    for intent in config.intents:
        options = [_option(config, prices, intent, None, measured or {})]
        options += [_option(config, prices, intent, c, measured or {}) for c in intent.candidates]
        options.sort(key=_rank)
        tickets = money.multiply(Decimal(config.volume), intent.share)
        found.append(IntentChoice(intent, tickets, tuple(options)))
    return tuple(found)


def _rank(option: Option) -> tuple[int, Decimal, str]:
    per_resolved = option.per_resolved_usd
    # an option that resolves nothing ranks last; equal costs keep the current model first
    return (
        per_resolved is None,
        per_resolved if per_resolved is not None else money.ZERO,
        "" if option.current else option.model.id,
    )


def _option(
    config: Config,
    prices: PriceTable,
    intent: Intent,
    candidate: Candidate | None,
    measured: Mapping[tuple[str, str], Decimal],
) -> Option:
    chosen = intent
    if candidate is not None:
        chosen = intent.model_copy(
            update={
                "model": candidate.model,
                "escalation_rate": candidate.escalation_rate,
                "conversation": candidate.conversation or intent.conversation,
            }
        )
    model = prices.get(chosen.model)
    seen = measured.get((intent.name, model.id))
    if seen is not None:
        chosen = chosen.model_copy(update={"escalation_rate": seen})
    run = price_intent(config, chosen, prices)
    tickets = run.tickets
    human = config.human
    hourly = human.hourly
    review = money.ZERO
    if hourly is not None and human.review_rate and human.review_minutes:
        minutes = money.multiply(human.review_rate, human.review_minutes)
        review = money.divide(money.multiply(minutes, hourly), 60)
    escalation = money.divide(run.escalation_monthly, tickets) if tickets else money.ZERO
    model_usd = run.conversation.total_usd
    option = Option(
        model=model,
        escalation_rate=chosen.escalation_rate,
        measured=seen is not None,
        model_usd=model_usd,
        retries_usd=money.multiply(model_usd, config.retries.rate),
        review_usd=review,
        escalation_usd=escalation,
        monthly_usd=money.ZERO,
        current=candidate is None,
    )
    return option._replace(monthly_usd=money.multiply(option.per_ticket_usd, tickets))
