"""AIMS model discovery: ``ModelInfo`` entries, their task type, durations and per-second price.

``ModelInfo`` is ``{id, name, model_type, credit_cost, default_advanced_settings?, available_settings?}``
with ``credit_cost`` in credits per second of video (providers.md §4.2, §4.5). Documented choices
where the reference is silent ([UNK]):

- ``available_settings`` maps a setting to its allowed values, e.g. ``{"duration": [4, 6, 8],
  "aspect_ratio": ["16:9", "9:16"], "resolution": ["720p", "1080p"]}`` (a ``{"options": [...]}`` or
  ``{"values": [...]}`` object is read too); ``default_advanced_settings`` holds defaults, e.g.
  ``{"duration": 8}``. A setting without a list is not checked locally.
- Task type comes from the id suffix (``/image-to-video``, ``/reference-to-video``,
  ``/first-last-frame-to-video``, documented for the first two) and else from ``model_type``
  (``text2video``, ``img2video``, ``ref2video``, ``flf2video``).
- We always send ``duration`` (snapped locally to the nearest supported value, ties to the shorter,
  as the API does), so the credits we quote are ``ceil(credit_cost x duration)``. Without a default
  or a list we use :data:`FALLBACK_DURATION_S`.
"""

from __future__ import annotations

import logging
import math
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from providers.errors import UnexpectedResponseError, UnsupportedParamsError
from providers.types import CreditUnit, LiveModel, ModelRef, TaskType, VideoParams

log = logging.getLogger(__name__)

FALLBACK_DURATION_S = 5

_SUFFIXES: tuple[tuple[str, TaskType], ...] = (
    ("/reference-to-video", TaskType.REFERENCE_IMAGE_TO_VIDEO),
    ("/first-last-frame-to-video", TaskType.FIRST_LAST_FRAME_TO_VIDEO),
    ("/image-to-video", TaskType.IMAGE_TO_VIDEO),
)
_MODEL_TYPES: dict[str, TaskType] = {
    "text2video": TaskType.TEXT_TO_VIDEO,
    "img2video": TaskType.IMAGE_TO_VIDEO,
    "image2video": TaskType.IMAGE_TO_VIDEO,
    "ref2video": TaskType.REFERENCE_IMAGE_TO_VIDEO,
    "flf2video": TaskType.FIRST_LAST_FRAME_TO_VIDEO,
}


class AimsModel(BaseModel):
    """One video ``ModelInfo`` as the API lists it."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str = Field(min_length=1)
    name: str
    model_type: str = ""
    credit_cost: float = Field(ge=0)
    default_advanced_settings: dict[str, Any] | None = None
    available_settings: dict[str, Any] | None = None

    @property
    def task_type(self) -> TaskType | None:
        for suffix, task_type in _SUFFIXES:
            if self.id.endswith(suffix):
                return task_type
        return _MODEL_TYPES.get(self.model_type.lower())

    def options(self, setting: str) -> tuple[str, ...]:
        """Allowed values of ``setting`` as strings; empty when the API does not list them."""
        value = (self.available_settings or {}).get(setting)
        if isinstance(value, dict):
            value = value.get("options", value.get("values"))
        if not isinstance(value, list):
            return ()
        return tuple(str(item) for item in value if isinstance(item, str | int | float))

    @property
    def durations(self) -> tuple[int, ...]:
        return tuple(sorted({int(float(item)) for item in self.options("duration") if _is_number(item)}))

    @property
    def default_duration(self) -> int:
        default = (self.default_advanced_settings or {}).get("duration")
        if _is_number(str(default)):
            return self.snap_duration(int(float(str(default))))
        return self.durations[0] if self.durations else FALLBACK_DURATION_S

    def snap_duration(self, requested: int) -> int:
        if not self.durations:
            return requested
        return min(self.durations, key=lambda d: (abs(d - requested), d))

    def credits(self, duration: int) -> int:
        return math.ceil(self.credit_cost * duration)

    def live(self) -> LiveModel:
        durations = self.durations or (self.default_duration,)
        return LiveModel(
            provider="aims",
            ref=ModelRef(model_id=self.id),
            name=self.name,
            credits_min=self.credits(min(durations)),
            credits_max=self.credits(max(durations)),
            unit=CreditUnit.CREDITS,
        )

    def request_params(self, params: VideoParams) -> dict[str, Any]:
        """The generation body for ``params`` minus prompt and images; raises for unsupported values."""
        duration = self.snap_duration(params.duration) if params.duration else self.default_duration
        body: dict[str, Any] = {"model": self.id, "duration": duration}
        for setting, value in (("aspect_ratio", params.aspect_ratio), ("resolution", params.resolution)):
            if value is None:
                continue
            allowed = {option.lower(): option for option in self.options(setting)}
            if allowed and value.lower() not in allowed:
                raise UnsupportedParamsError(f"aims {self.id}: {setting} {value} not in {sorted(allowed)}")
            body[setting] = allowed.get(value.lower(), value)
        return body


def parse_models(payload: dict[str, Any], key: str) -> list[AimsModel]:
    """The models under ``key`` of a discovery answer; entries we cannot read are skipped."""
    entries = payload.get(key)
    if not isinstance(entries, list):
        raise UnexpectedResponseError(f"aims model list: no {key} list")
    models = []
    for entry in entries:
        try:
            models.append(AimsModel.model_validate(entry))
        except ValidationError:
            log.warning("aims: skipping unreadable model entry")
    return models


def _is_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False
