"""Whether a stack's figure is all-in: the components a config leaves out that an all-in cost per
resolved ticket needs.

A component counts as given when the config says so, zero included (``review_rate: 0`` is "nobody
reviews", ``infrastructure: []`` is "no fixed costs"); only a section or value the config never
mentions is missing. Escalations are the exception: escalated tickets handled in no time by
nobody are never all-in, so they are missing whenever tickets are escalated and the config gives
no hourly rate or no minutes for them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from ticketcost.costs.stack import StackResult


class Gap(NamedTuple):
    key: str
    label: str  # what is left out, in a few words
    add: str  # what to write in the config to put it in (or to say it is zero)


ESCALATIONS = Gap(
    "human_escalations",
    "human time on escalations",
    "human.hourly_usd (or annual_cost_usd with productive_hours_per_year) and "
    "human.escalation_minutes",
)
REVIEW = Gap(
    "human_review",
    "human review of AI answers",
    "human.review_rate and human.review_minutes (review_rate: 0 if nobody reviews)",
)
OBSERVABILITY = Gap(
    "observability",
    "observability (logging, tracing)",
    "observability.per_ticket_usd and/or monthly_usd (0 if none)",
)
INFRASTRUCTURE = Gap(
    "infrastructure",
    "fixed infrastructure (hosting, licences, staff time)",
    "infrastructure: a list of monthly items ([] if none)",
)


def gaps(result: StackResult) -> tuple[Gap, ...]:
    """What ``result``'s config leaves out of an all-in figure, in the order of the stack."""
    config = result.config
    given = config.model_fields_set
    human = config.human
    found = []
    if result.escalated and (result.hourly_usd is None or not human.escalation_minutes):
        found.append(ESCALATIONS)
    if "human" not in given or "review_rate" not in human.model_fields_set:
        found.append(REVIEW)
    if "observability" not in given:
        found.append(OBSERVABILITY)
    if "infrastructure" not in given:
        found.append(INFRASTRUCTURE)
    return tuple(found)
