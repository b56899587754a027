"""Provider-neutral data: what we ask for, what it costs, what comes back."""

from __future__ import annotations

import hashlib
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from providers.errors import ErrorKind


class TaskType(StrEnum):
    TEXT_TO_VIDEO = "text_to_video"
    IMAGE_TO_VIDEO = "image_to_video"
    FIRST_LAST_FRAME_TO_VIDEO = "first_last_frame_to_video"
    REFERENCE_IMAGE_TO_VIDEO = "reference_image_to_video"


class CreditUnit(StrEnum):
    """How a provider counts money. ``FREE`` is the offline sandbox."""

    POINTS = "pts"
    CREDITS = "credits"
    USD_CENTS = "usd_cents"  # money itself: US cents (MythIQ prices each call in US dollars)
    FREE = "free"


class ImageInput(BaseModel):
    """One input image: a public URL as is, or bytes we hold (a chat upload, a local file).

    ``digest`` (SHA-256 of ``data``, set when the bytes arrive) names the bytes where they are kept
    apart from the record that uses them (the job ledger stores each photo once, as a blob).
    """

    model_config = ConfigDict(frozen=True, ser_json_bytes="base64", val_json_bytes="base64")

    url: str | None = None
    data: bytes | None = Field(default=None, repr=False)
    content_type: str = "image/jpeg"
    filename: str | None = None
    digest: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _digest_of_bytes(cls, values: Any) -> Any:
        if isinstance(values, dict) and isinstance(values.get("data"), bytes) and not values.get("digest"):
            values = {**values, "digest": hashlib.sha256(values["data"]).hexdigest()}
        return values

    @property
    def is_public_url(self) -> bool:
        return self.data is None and bool(self.url) and str(self.url).startswith("https://")


class VideoParams(BaseModel):
    """What the user asked for in words; ``None`` means the model's default."""

    model_config = ConfigDict(frozen=True)

    duration: int | None = None  # seconds
    aspect_ratio: str | None = None  # "16:9", "9:16", "1:1", ...
    resolution: str | None = None  # lower case: "720p", "1080p", "4k"


class GenerationRequest(BaseModel):
    model_config = ConfigDict(frozen=True)

    task_type: TaskType
    prompt: str
    images: tuple[ImageInput, ...] = ()
    params: VideoParams = VideoParams()
    language: str | None = None  # the asker's language ("zh", "en"), for APIs that take one (IMA)


class EtaRange(BaseModel):
    """Estimated generation time in (virtual) seconds."""

    model_config = ConfigDict(frozen=True)

    min_s: int
    max_s: int


class ModelRef(BaseModel):
    """A model as one provider names it: its model id and, where it has one, a version id."""

    model_config = ConfigDict(frozen=True)

    model_id: str
    version: str | None = None


class LiveModel(BaseModel):
    """What a provider offers right now for one task type (from its live list)."""

    model_config = ConfigDict(frozen=True)

    provider: str
    ref: ModelRef
    name: str
    credits_min: int
    credits_max: int
    unit: CreditUnit
    eta: EtaRange | None = None


class Offer(BaseModel):
    """The catalogue's choice handed to a provider: which model, by our key and its ref."""

    model_config = ConfigDict(frozen=True)

    model_key: str
    model_name: str
    ref: ModelRef


class Quote(BaseModel):
    """The exact parameters and credits of one request. The cost we show is the credit we send."""

    model_config = ConfigDict(frozen=True)

    provider: str
    task_type: TaskType
    model_key: str
    model_name: str
    ref: ModelRef
    params: dict[str, Any]
    credits: int
    unit: CreditUnit
    extra: dict[str, Any] = Field(default_factory=dict)  # provider-private (e.g. IMA attribute_id)


class TaskHandle(BaseModel):
    """A task that exists at the provider. ``quote`` is what was actually sent.

    ``accepted`` is False while the provider has not yet confirmed taking the work (a synchronous
    generation still in flight): only then may a poll report a refusal (``before_task``) that means
    no task exists. Every other handle names a task that exists and is paid for.
    """

    model_config = ConfigDict(frozen=True)

    provider: str
    task_id: str
    quote: Quote
    created_at: datetime
    accepted: bool = True


class TaskState(StrEnum):
    QUEUED = "queued"
    PROCESSING = "processing"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class TaskStatus(BaseModel):
    """One poll's answer. A failed task carries the error kind to translate."""

    model_config = ConfigDict(frozen=True)

    state: TaskState
    progress: int | None = None  # provider-reported 0-100, when it gives one
    video_url: str | None = None
    cover_url: str | None = None
    duration_s: float | None = None
    error_kind: ErrorKind | None = None
    error_detail: str = ""

    @property
    def done(self) -> bool:
        return self.state in (TaskState.SUCCEEDED, TaskState.FAILED)
