"""MythIQ model discovery, routing strategies and prices.

``GET /v1/models`` is documented (``limit`` up to 100, ``page`` from 0) but its response shape is not
(providers.md §5.2, [UNK]). Our documented assumption, shaped like the documented ``GET /v1/media``::

    {"result": {"total": 2, "models": [
        {"id": "kling/kling-2.6", "slug": "kling/kling-2.6:2.6", "name": "Kling 2.6", "media": "video",
         "capabilities": ["text-to-video", "image-to-video"], "sizes": ["720p", "1080p"], "price": 0.35}
    ]}, "success": true}

``price`` is US dollars per generation, like the ``price`` a generation returns (pricing per model is
[UNK]); we count it in US cents (:data:`USD_PER_CREDIT`, ``CreditUnit.USD_CENTS``, shown to people as
dollars), rounded up. A model without
``capabilities`` is taken as text-to-video only; ``image-to-video`` means it accepts ``image_url``.
"""

from __future__ import annotations

import logging
import math
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from providers.errors import UnexpectedResponseError
from providers.types import CreditUnit, LiveModel, ModelRef, TaskType

log = logging.getLogger(__name__)

USD_PER_CREDIT = 0.01
DEFAULT_SIZE = "1080p"
MAX_PROMPT_CHARS = 500


class Routing(StrEnum):
    """MythIQ's ``routing`` parameter: how it picks the upstream provider of a generation."""

    OPTIMAL = "optimal"
    CHEAPEST = "cheapest"
    COMPATIBLE = "compatible"


# The documented meanings (mythiq.ai/docs concepts/model-routing), kept for a later routing choice.
ROUTING_MEANINGS: dict[Routing, str] = {
    Routing.OPTIMAL: (
        "default: the cheapest provider supporting every requested feature, or one up to 20% dearer "
        "if it supports more features"
    ),
    Routing.CHEAPEST: "always the lowest-cost provider that fulfils the basic request",
    Routing.COMPATIBLE: "a provider supporting every parameter given, optional ones included",
}

_CAPABILITIES: dict[str, TaskType] = {
    "text-to-video": TaskType.TEXT_TO_VIDEO,
    "image-to-video": TaskType.IMAGE_TO_VIDEO,
}


class MythiqModel(BaseModel):
    """One model entry of ``GET /v1/models`` (assumed shape, see the module doc)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str = Field(min_length=1)
    name: str
    media: str = "video"
    capabilities: tuple[str, ...] = ("text-to-video",)
    sizes: tuple[str, ...] = ()
    price: float = Field(ge=0)

    @property
    def task_types(self) -> set[TaskType]:
        return {_CAPABILITIES[c] for c in self.capabilities if c in _CAPABILITIES}

    @property
    def credits(self) -> int:
        return math.ceil(round(self.price / USD_PER_CREDIT, 6))

    def live(self) -> LiveModel:
        return LiveModel(
            provider="mythiq",
            ref=ModelRef(model_id=self.id),
            name=self.name,
            credits_min=self.credits,
            credits_max=self.credits,
            unit=CreditUnit.USD_CENTS,
        )


def parse_page(payload: dict[str, Any], *, page: int, limit: int) -> tuple[list[MythiqModel], bool]:
    """The video models of one page of ``GET /v1/models``, and whether another page follows."""
    result = payload.get("result")
    entries = result.get("models") if isinstance(result, dict) else None
    if not isinstance(result, dict) or not isinstance(entries, list):
        raise UnexpectedResponseError("mythiq model list: no result.models list")
    models = []
    for entry in entries:
        try:
            model = MythiqModel.model_validate(entry)
        except ValidationError:
            log.warning("mythiq: skipping unreadable model entry")
            continue
        if model.media == "video":
            models.append(model)
    total = result.get("total")
    more = len(entries) >= limit and (not isinstance(total, int) or (page + 1) * limit < total)
    return models, more
