"""Which parts of an all-in figure a config leaves out (ticketcost.costs.completeness)."""

from __future__ import annotations

from typing import Any

import pytest

from ticketcost.costs.config import Config
from ticketcost.costs.stack import compute_stack
from ticketcost.pricing.table import price_table

INTENT = {"name": "all", "share": 1, "model": "gpt-5.4-mini"}
GIVEN = {
    "human": {"hourly_usd": 30, "escalation_minutes": 10, "review_rate": 0},
    "observability": {},
    "infrastructure": [],
}


def missing(escalation_rate: float, **sections: Any) -> list[str]:
    config = Config.model_validate(
        {"volume": 1000, "intents": [INTENT | {"escalation_rate": escalation_rate}], **sections}
    )
    return [g.key for g in compute_stack(config, price_table()).gaps]


def test_every_part_said_out_loud_is_all_in() -> None:
    assert missing(0.3, **GIVEN) == []


def test_nothing_said_leaves_out_every_part() -> None:
    assert missing(0.3) == ["human_escalations", "human_review", "observability", "infrastructure"]


def test_without_escalations_no_human_time_is_needed_for_them() -> None:
    assert missing(0, **(GIVEN | {"human": {"review_rate": 0}})) == []


@pytest.mark.parametrize(
    "human",
    [
        {"hourly_usd": 30, "review_rate": 0},  # no minutes
        {"hourly_usd": 30, "escalation_minutes": 0, "review_rate": 0},  # zero minutes
        {"review_rate": 0},  # no rate, no minutes (minutes without a rate are refused)
    ],
)
def test_escalated_tickets_that_cost_nothing_are_never_all_in(human: dict) -> None:
    assert missing(0.3, **(GIVEN | {"human": human})) == ["human_escalations"]


def test_review_is_given_only_when_its_rate_is() -> None:
    human = {"hourly_usd": 30, "escalation_minutes": 10}
    assert missing(0.3, **(GIVEN | {"human": human})) == ["human_review"]
