"""The strict schema of a price file (``pricing/*.yaml`` or a user's ``--pricing`` file).

Imported only when a file has to be validated: the bundled tables are validated once and then read
from the on-disk cache (see :mod:`ticketcost.pricing`), which keeps pydantic off the start-up path.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ticketcost.errors import TicketcostError
from ticketcost.validation import first_problem
from ticketcost.yamlio import YamlDocument

UsdPerMtok = Annotated[Decimal, Field(ge=0, allow_inf_nan=False)]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")]
ModelId = Annotated[str, Field(min_length=1, pattern=r"^\S+$")]


class ModelEntry(BaseModel):
    """One model's list prices, USD per 1M tokens."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: ModelId = Field(description="The provider's API model name, e.g. claude-haiku-4-5.")
    name: str = Field(min_length=1, description="Display name, e.g. Claude Haiku 4.5.")
    aliases: list[ModelId] = Field(default_factory=list, description="Other spellings accepted.")
    input_usd_per_mtok: UsdPerMtok
    output_usd_per_mtok: UsdPerMtok
    # Required but nullable: a reviewer must say "no such price" explicitly.
    cache_read_usd_per_mtok: UsdPerMtok | None
    cache_write_usd_per_mtok: UsdPerMtok | None
    source: str | None = Field(default=None, description="Overrides the file's source.")
    verified: dt.date | None = Field(default=None, description="Overrides the file's date.")
    notes: str | None = None

    @model_validator(mode="after")
    def _write_needs_read(self) -> Self:
        if self.cache_write_usd_per_mtok is not None and self.cache_read_usd_per_mtok is None:
            raise ValueError("a cache write price needs a cache read price as well")
        return self


class PriceFile(BaseModel):
    """A provider's price table."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    provider: Slug
    provider_name: str = Field(min_length=1)
    source: str = Field(min_length=1, description="Where the prices were taken from.")
    verified: dt.date = Field(description="The date the prices were last checked.")
    models: list[ModelEntry] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_names(self) -> Self:
        seen: dict[str, str] = {}
        for model in self.models:
            for name in (model.id, *model.aliases):
                key = name.lower()
                if key in seen:
                    raise ValueError(f"'{name}' names both {seen[key]} and {model.id}")
                seen[key] = model.id
        return self


def validate_price_file(document: YamlDocument) -> PriceFile:
    """Validate parsed YAML; the first problem becomes a one-line error naming file, line, field."""
    if not isinstance(document.data, dict):
        raise TicketcostError(
            f"{document.source}: a price file is a mapping with provider, provider_name, source, "
            "verified and models"
        )
    try:
        return PriceFile.model_validate(document.data)
    except ValidationError as exc:
        raise first_problem(
            exc, PriceFile, document.source, document.data, document.line_of
        ) from None
