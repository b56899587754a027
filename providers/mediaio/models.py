"""Media.io's video models: endpoints, enum fields (documented strings), defaults and limits.

Copied from ``shared/reference/providers/mediaio_c_api_doc_detail.derived.json`` (the skill's
``c_api_doc_detail.json`` reference). Our ``ModelRef.model_id`` for a Media.io model is its
``model_code`` (the last segment of its path, e.g. ``t2v-wan-v2-6``); Media.io has no version ids.

Left out: "Motion Control Kling 2.6" (it needs a driving video, which a request cannot carry).
Media.io publishes no per-model credit costs, so the table has none (see ``CREDITS_UNKNOWN``).
"""

from __future__ import annotations

from dataclasses import dataclass

from providers.types import TaskType

CREDITS_UNKNOWN = 0
"""The credits we quote for every Media.io model: its prices are not published, so 0 means "unknown"."""

_T2V = TaskType.TEXT_TO_VIDEO
_I2V = TaskType.IMAGE_TO_VIDEO


@dataclass(frozen=True)
class Choice:
    """One enum field: its documented string values and the default Media.io applies."""

    field: str
    allowed: tuple[str, ...]
    default: str


@dataclass(frozen=True)
class Pairing:
    """``field == value`` is only allowed together with ``other == other_value``."""

    field: str
    value: str
    other: str
    other_value: str


@dataclass(frozen=True)
class MediaioVideoModel:
    """One Media.io video endpoint. ``spec_key`` names the seed model it is, where there is one."""

    code: str
    api_name: str
    name: str
    task_type: TaskType
    path: str
    prompt_max: int
    choices: tuple[Choice, ...]
    aspect_field: str | None = None
    pairings: tuple[Pairing, ...] = ()
    spec_key: str | None = None

    @property
    def needs_image(self) -> bool:
        return self.task_type is TaskType.IMAGE_TO_VIDEO

    def choice(self, field: str) -> Choice | None:
        return next((choice for choice in self.choices if choice.field == field), None)


def _c(field: str, allowed: str, default: str) -> Choice:
    return Choice(field=field, allowed=tuple(allowed.split()), default=default)


_RATIOS = "9:16 16:9 1:1 4:3 3:4"
_AUDIO = _c("generate_audio", "True False", "True")
_SHOTS = _c("shot_type", "Multi Single", "Multi")
_VEO = (
    _c("aspect_ratio", "9:16 16:9", "9:16"),
    _c("resolution", "720P 1080P", "720P"),
    _c("duration", "4s 6s 8s", "4s"),
    _AUDIO,
)

VIDEO_MODELS: tuple[MediaioVideoModel, ...] = (
    MediaioVideoModel(
        code="t2v-wan-v2-6",
        api_name="Wan 2.6 (Text To Video)",
        name="Wan 2.6",
        task_type=_T2V,
        path="/generation/wan/t2v-wan-v2-6",
        prompt_max=1500,
        aspect_field="size",
        spec_key="wan-2.6",
        choices=(_c("size", _RATIOS, "16:9"), _c("duration", "5s 10s 15s", "5s"), _SHOTS, _AUDIO),
    ),
    MediaioVideoModel(
        code="t2v-vidu-q3",
        api_name="Vidu Q3 (Text To Video)",
        name="Vidu Q3",
        task_type=_T2V,
        path="/generation/vidu/t2v-vidu-q3",
        prompt_max=2000,
        aspect_field="ratio",
        choices=(
            _c("ratio", _RATIOS, "16:9"),
            _c("resolution", "540P 720P 1080P", "720P"),
            _c("duration", "4s 8s 12s 16s", "8s"),
            _AUDIO,
        ),
    ),
    MediaioVideoModel(
        code="t2v-wan-v2-5",
        api_name="Wan 2.5 (Text To Video)",
        name="Wan 2.5",
        task_type=_T2V,
        path="/generation/wan/t2v-wan-v2-5",
        prompt_max=800,
        aspect_field="ratio",
        choices=(_c("ratio", "16:9 9:16 1:1 4:3 3:4", "16:9"), _c("duration", "5s 10s", "5s")),
    ),
    MediaioVideoModel(
        code="i2v-wan-v2-6",
        api_name="Wan 2.6",
        name="Wan 2.6",
        task_type=_I2V,
        path="/generation/wan/i2v-wan-v2-6",
        prompt_max=1500,
        spec_key="wan-2.6",
        choices=(_c("resolution", "720P 1080P", "720P"), _c("duration", "5s 10s 15s", "5s"), _SHOTS, _AUDIO),
    ),
    MediaioVideoModel(
        code="i2v-wan-v2-2",
        api_name="Wan 2.2",
        name="Wan 2.2",
        task_type=_I2V,
        path="/generation/wan/i2v-wan-v2-2",
        prompt_max=800,
        choices=(_c("resolution", "1080P", "1080P"), _c("duration", "5s", "5s")),
    ),
    MediaioVideoModel(
        code="i2v-minimax-02",
        api_name="Hailuo 02",
        name="Hailuo 02",
        task_type=_I2V,
        path="/generation/minimax/i2v-minimax-02",
        prompt_max=2000,
        spec_key="hailuo-2.0",
        choices=(_c("duration", "6s", "6s"), _c("resolution", "768P 1080P", "768P")),
    ),
    MediaioVideoModel(
        code="i2v-kling-v2-1",
        api_name="Kling 2.1",
        name="Kling 2.1",
        task_type=_I2V,
        path="/generation/kling/i2v-kling-v2-1",
        prompt_max=2000,
        choices=(_c("duration", "5s 10s", "5s"), _c("resolution", "720P 1080P", "720P")),
    ),
    MediaioVideoModel(
        code="i2v-vidu-q3",
        api_name="Vidu Q3",
        name="Vidu Q3",
        task_type=_I2V,
        path="/generation/vidu/i2v-vidu-q3",
        prompt_max=2000,
        choices=(_c("resolution", "540P 720P 1080P", "720P"), _c("duration", "4s 8s 12s 16s", "4s"), _AUDIO),
    ),
    MediaioVideoModel(
        code="i2v-kling-v2-5-turbo",
        api_name="Kling 2.5 Turbo",
        name="Kling 2.5 Turbo",
        task_type=_I2V,
        path="/generation/kling/i2v-kling-v2-5-turbo",
        prompt_max=2500,
        spec_key="kling-2.5-turbo",
        choices=(_c("duration", "5s 10s", "5s"), _c("resolution", "720P 1080P", "1080P")),
    ),
    MediaioVideoModel(
        code="i2v-veo-v3-1",
        api_name="Google Veo 3.1",
        name="Google Veo 3.1",
        task_type=_I2V,
        path="/generation/veo/i2v-veo-v3-1",
        prompt_max=1000,
        aspect_field="aspect_ratio",
        spec_key="veo-3.1",
        choices=_VEO,
    ),
    MediaioVideoModel(
        code="i2v-kling-v3-0",
        api_name="Kling 3.0",
        name="Kling 3.0",
        task_type=_I2V,
        path="/generation/kling/i2v-kling-v3-0",
        prompt_max=2500,
        choices=(
            _c("resolution", "720P 1080P", "1080P"),
            _c("duration", "5s 8s 10s 15s", "5s"),
            _c("multi_shots", "True False", "True"),
            _AUDIO,
        ),
    ),
    MediaioVideoModel(
        code="i2v-minimax-v2-3",
        api_name="Hailuo 2.3",
        name="Hailuo 2.3",
        task_type=_I2V,
        path="/generation/minimax/i2v-minimax-v2-3",
        prompt_max=2000,
        spec_key="hailuo-2.3",
        choices=(_c("resolution", "768P 1080P", "768P"), _c("duration", "6s 10s", "6s")),
        pairings=(Pairing(field="resolution", value="1080P", other="duration", other_value="6s"),),
    ),
    MediaioVideoModel(
        code="i2v-vidu-q2",
        api_name="Vidu Q2",
        name="Vidu Q2",
        task_type=_I2V,
        path="/generation/vidu/i2v-vidu-q2",
        prompt_max=2000,
        spec_key="vidu-q2",
        choices=(_c("duration", "4s 6s 8s", "4s"), _c("resolution", "720P 1080P", "720P")),
    ),
    MediaioVideoModel(
        code="i2v-wan-v2-5",
        api_name="Wan 2.5",
        name="Wan 2.5",
        task_type=_I2V,
        path="/generation/wan/i2v-wan-v2-5",
        prompt_max=800,
        choices=(_c("resolution", "480P 720P 1080P", "480P"), _c("duration", "5s 10s", "5s")),
    ),
    MediaioVideoModel(
        code="i2v-kling-v2-6",
        api_name="Kling 2.6",
        name="Kling 2.6",
        task_type=_I2V,
        path="/generation/kling/i2v-kling-v2-6",
        prompt_max=2500,
        spec_key="kling-2.6",
        choices=(_c("duration", "5s 10s", "5s"), _AUDIO),
    ),
    MediaioVideoModel(
        code="i2v-veo-v3-1-fast",
        api_name="Google Veo 3.1 Fast",
        name="Google Veo 3.1 Fast",
        task_type=_I2V,
        path="/generation/veo/i2v-veo-v3-1-fast",
        prompt_max=1000,
        aspect_field="aspect_ratio",
        choices=_VEO,
    ),
)

MODELS_BY_CODE: dict[str, MediaioVideoModel] = {model.code: model for model in VIDEO_MODELS}
