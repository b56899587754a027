"""The model table of seed 001: names, aliases, ETAs, progress cadence, defaults, fallbacks.

``ids`` are the seed's (IMA Studio's); the offline sandbox mirrors them. ``provider_ids`` name the same
model at other providers, where it clearly is the same model: Media.io's model codes (its table's
``spec_key`` hints), AI Media Studio's ids (``aims_models_snapshot.derived.json`` and its fake) and
MythIQ's (its fake; the real list is [UNK]). A provider without its own ids in a spec is matched
against the seed's. Prices are not here: they come live from each provider (a model no live list
offers is simply not offered).
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict

from providers.types import EtaRange, LiveModel, ModelRef, TaskType

MEDIAIO, AIMS, MYTHIQ = "mediaio", "aims", "mythiq"  # provider names (their clients' ``name``)

T2V = TaskType.TEXT_TO_VIDEO
I2V = TaskType.IMAGE_TO_VIDEO
FLF = TaskType.FIRST_LAST_FRAME_TO_VIDEO
REF = TaskType.REFERENCE_IMAGE_TO_VIDEO


class ModelSpec(BaseModel):
    """One model as users know it. ``trait`` is a key that ``messages`` turns into words."""

    model_config = ConfigDict(frozen=True)

    key: str
    name: str
    family: str
    aliases: tuple[str, ...] = ()
    eta: EtaRange
    progress_every_s: int = 30
    poll_every_s: int = 8
    timeout_s: int = 600
    max_prompt_chars: int = 2000
    trait: str = "general"
    ids: dict[TaskType, ModelRef] = {}
    provider_ids: dict[str, dict[TaskType, ModelRef]] = {}

    def ids_for(self, provider: str) -> dict[TaskType, ModelRef]:
        """This model's refs per task type at ``provider`` (the seed's ids unless it has its own)."""
        return self.provider_ids.get(provider, self.ids)

    def lists(self, live: LiveModel, task_type: TaskType) -> bool:
        """Whether ``live`` is this model at its provider (a version is compared where both have one)."""
        ref = self.ids_for(live.provider).get(task_type)
        return (
            ref is not None
            and ref.model_id == live.ref.model_id
            and (ref.version is None or live.ref.version is None or ref.version == live.ref.version)
        )


def _ids(*pairs: tuple[TaskType, str, str | None]) -> dict[TaskType, ModelRef]:
    return {task: ModelRef(model_id=model_id, version=version) for task, model_id, version in pairs}


def _same(model_id: str, *tasks: TaskType) -> dict[TaskType, ModelRef]:
    """One id (no version) for several task types, as Media.io, AIMS and MythIQ name models."""
    return {task: ModelRef(model_id=model_id) for task in tasks}


def _eta(lo: int, hi: int) -> EtaRange:
    return EtaRange(min_s=lo, max_s=hi)


def _pixverse(version: str, tasks: tuple[TaskType, ...]) -> ModelSpec:
    name = f"Pixverse {version}"
    return ModelSpec(
        key=f"pixverse-{version.lower()}",
        name=name,
        family="pixverse",
        aliases=(name, f"pixverse{version.lower()}", f"pixverse {version.lower().lstrip('v')}"),
        eta=_eta(60, 120),
        progress_every_s=30,
        trait="fast",
        ids={task: ModelRef(model_id="pixverse", version=name) for task in tasks},
    )


SPECS: tuple[ModelSpec, ...] = (
    ModelSpec(
        key="wan-2.6",
        name="Wan 2.6",
        family="wan",
        aliases=("wan2.6", "万相2.6", "通义万相2.6"),
        eta=_eta(60, 120),
        progress_every_s=30,
        max_prompt_chars=1500,
        trait="popular",
        ids=_ids((T2V, "wan2.6-t2v", "wan2.6-t2v"), (I2V, "wan2.6-i2v", "wan2.6-i2v")),
        provider_ids={
            MEDIAIO: {**_same("t2v-wan-v2-6", T2V), **_same("i2v-wan-v2-6", I2V)},
            MYTHIQ: _same("wan/wan-2.6", T2V, I2V),
        },
    ),
    ModelSpec(
        key="hailuo-2.3",
        name="Hailuo 2.3",
        family="hailuo",
        aliases=("hailuo2.3", "海螺2.3", "minimax-hailuo-2.3"),
        eta=_eta(60, 120),
        progress_every_s=30,
        trait="quality",
        ids=_ids(
            (T2V, "MiniMax-Hailuo-2.3", "MiniMax-Hailuo-2.3"),
            (I2V, "MiniMax-Hailuo-2.3", "MiniMax-Hailuo-2.3"),
        ),
        provider_ids={MEDIAIO: _same("i2v-minimax-v2-3", I2V), MYTHIQ: _same("minimax/hailuo-2.3", T2V, I2V)},
    ),
    ModelSpec(
        key="hailuo-2.0",
        name="Hailuo 2.0",
        family="hailuo",
        aliases=("hailuo2.0", "hailuo02", "hailuo 02", "海螺2.0", "海螺02", "minimax-hailuo-02"),
        eta=_eta(60, 120),
        progress_every_s=30,
        trait="budget",
        ids=_ids(
            (T2V, "MiniMax-Hailuo-02", "MiniMax-Hailuo-02"),
            (I2V, "MiniMax-Hailuo-02", "MiniMax-Hailuo-02"),
            (FLF, "MiniMax-Hailuo-02", "MiniMax-Hailuo-02"),
        ),
        provider_ids={MEDIAIO: _same("i2v-minimax-02", I2V)},
    ),
    ModelSpec(
        key="vidu-q2",
        name="Vidu Q2",
        family="vidu",
        aliases=("viduq2", "vidu q2"),
        eta=_eta(60, 120),
        progress_every_s=30,
        trait="budget",
        ids=_ids((T2V, "viduq2", "viduq2"), (REF, "viduq2", "viduq2")),
        provider_ids={MEDIAIO: _same("i2v-vidu-q2", I2V)},
    ),
    ModelSpec(
        key="vidu-q2-pro",
        name="Vidu Q2 Pro",
        family="vidu",
        aliases=("viduq2pro", "vidu q2 pro", "viduq2-pro"),
        eta=_eta(60, 120),
        progress_every_s=30,
        trait="fast",
        ids=_ids((I2V, "viduq2-pro", "viduq2-pro"), (FLF, "viduq2-pro", "viduq2-pro")),
    ),
    ModelSpec(
        key="seedance-1.5-pro",
        name="SeeDance 1.5 Pro",
        family="seedance",
        aliases=("seedance1.5", "seedance 1.5 pro", "即梦1.5", "doubao-seedance-1.5-pro"),
        eta=_eta(90, 180),
        progress_every_s=40,
        trait="audio",
        ids=_ids(
            (T2V, "doubao-seedance-1.5-pro", None),
            (I2V, "doubao-seedance-1.5-pro", None),
        ),
    ),
    ModelSpec(
        key="sora-2-pro",
        name="Sora 2 Pro",
        family="sora",
        aliases=("sora2pro", "sora 2 pro", "sora-2-pro"),
        eta=_eta(180, 360),
        progress_every_s=60,
        trait="premium",
        ids=_ids((T2V, "sora-2-pro", "sora-2-pro"), (I2V, "sora-2-pro", "sora-2-pro")),
        provider_ids={AIMS: _same("fal-ai/sora-2/text-to-video/pro", T2V)},
    ),
    ModelSpec(
        key="kling-o1",
        name="Kling O1",
        family="kling",
        aliases=("klingo1", "kling o1", "可灵o1", "kling-video-o1"),
        eta=_eta(180, 360),
        progress_every_s=60,
        trait="audio",
        ids=_ids(
            (T2V, "kling-video-o1", "kling-video-o1"),
            (I2V, "kling-video-o1", "kling-video-o1"),
            (FLF, "kling-video-o1", "kling-video-o1"),
            (REF, "kling-video-o1", "kling-video-o1"),
        ),
    ),
    ModelSpec(
        key="kling-2.6",
        name="Kling 2.6",
        family="kling",
        aliases=("kling2.6", "可灵2.6", "kling-v2-6"),
        eta=_eta(120, 240),
        progress_every_s=45,
        trait="premium",
        ids=_ids(
            (T2V, "kling-v2-6", "kling-v2-6"),
            (I2V, "kling-v2-6", "kling-v2-6"),
            (FLF, "kling-v2-6", "kling-v2-6"),
        ),
        provider_ids={MEDIAIO: _same("i2v-kling-v2-6", I2V), MYTHIQ: _same("kling/kling-2.6", T2V, I2V)},
    ),
    ModelSpec(
        key="veo-3.1",
        name="Google Veo 3.1",
        family="veo",
        aliases=("veo3.1", "veo 3.1", "google veo 3.1", "veo-3.1-generate-preview"),
        eta=_eta(120, 300),
        progress_every_s=50,
        trait="cinematic",
        ids=_ids(
            (T2V, "veo-3.1-generate-preview", "veo-3.1-generate-preview"),
            (I2V, "veo-3.1-generate-preview", "veo-3.1-generate-preview"),
            (FLF, "veo-3.1-generate-preview", "veo-3.1-generate-preview"),
            (REF, "veo-3.1-generate-preview", "veo-3.1-generate-preview"),
        ),
        provider_ids={
            MEDIAIO: _same("i2v-veo-v3-1", I2V),
            AIMS: _same("fal-ai/veo3.1/reference-to-video", REF),
            MYTHIQ: _same("google/veo-3.1", T2V, I2V),
        },
    ),
    # Not in seed 001; offered by Media.io and AI Media Studio alike (ETA and trait are our choice).
    ModelSpec(
        key="veo-3.1-fast",
        name="Google Veo 3.1 Fast",
        family="veo",
        aliases=("veo3.1 fast", "veo 3.1 fast", "google veo 3.1 fast", "veo3.1-fast"),
        eta=_eta(60, 180),
        progress_every_s=30,
        trait="fast",
        provider_ids={
            MEDIAIO: _same("i2v-veo-v3-1-fast", I2V),
            AIMS: {
                **_same("fal-ai/veo3.1/fast", T2V),
                **_same("fal-ai/veo3.1/fast/image-to-video", I2V),
                **_same("fal-ai/veo3.1/fast/first-last-frame-to-video", FLF),
            },
        },
    ),
    _pixverse("V5.5", (T2V, I2V, FLF, REF)),
    _pixverse("V5", (T2V, I2V, FLF, REF)),
    _pixverse("V4.5", (T2V, I2V, FLF, REF)),
    _pixverse("V4", (T2V, I2V, FLF, REF)),
    _pixverse("V3.5", (T2V, I2V, FLF, REF)),
    # Named by seed 001's ETA and fallback tables but retired from IMA (2026-02-27): kept so their
    # names resolve and their ETAs stay known; other providers may still offer them.
    ModelSpec(
        key="kling-2.1-master",
        name="Kling 2.1 Master",
        family="kling",
        aliases=("kling2.1", "kling 2.1 master", "可灵2.1"),
        eta=_eta(90, 180),
        progress_every_s=40,
        trait="premium",
    ),
    ModelSpec(
        key="kling-2.5-turbo",
        name="Kling 2.5 Turbo",
        family="kling",
        aliases=("kling2.5", "kling 2.5 turbo", "可灵2.5"),
        eta=_eta(120, 240),
        progress_every_s=45,
        trait="fast",
        provider_ids={MEDIAIO: _same("i2v-kling-v2-5-turbo", I2V)},
    ),
    ModelSpec(
        key="kling-1.6",
        name="Kling 1.6",
        family="kling",
        aliases=("kling1.6", "可灵1.6"),
        eta=_eta(60, 120),
        progress_every_s=30,
        trait="stable",
    ),
    ModelSpec(
        key="sora-2",
        name="Sora 2",
        family="sora",
        aliases=("sora2",),
        eta=_eta(120, 240),
        progress_every_s=45,
        trait="premium",
        provider_ids={AIMS: _same("fal-ai/sora-2/text-to-video", T2V)},
    ),
)

# Family words users type, in zh and en, each resolved to the family's first offered model.
FAMILY_ALIASES: dict[str, tuple[str, ...]] = {
    "kling": ("kling", "可灵"),
    "hailuo": ("hailuo", "海螺", "minimax"),
    "wan": ("wan", "万相", "通义万相"),
    "vidu": ("vidu",),
    "seedance": ("seedance", "即梦", "doubao"),
    "veo": ("veo", "google veo"),
    "sora": ("sora",),
    "pixverse": ("pixverse",),
}

# Seed 001 "Recommended Defaults": newest and most popular, never the cheapest.
LONGEST_PROMPT_CHARS = max(spec.max_prompt_chars for spec in SPECS)  # what any model we know takes
DEFAULTS: dict[TaskType, str] = {T2V: "wan-2.6", I2V: "wan-2.6", FLF: "kling-o1", REF: "kling-o1"}

# "用最好的 / best quality": seed premium rows; flf/ref documented choices (Veo 3.1 "SOTA quality",
# Kling O1 "best reference fidelity").
BEST: dict[TaskType, str] = {T2V: "hailuo-2.3", I2V: "kling-2.6", FLF: "veo-3.1", REF: "kling-o1"}

# "用便宜的 / cheapest" when live prices tie (e.g. the free sandbox): seed 001's budget picks.
BUDGET: dict[TaskType, str] = {T2V: "vidu-q2", I2V: "vidu-q2-pro", FLF: "hailuo-2.0", REF: "vidu-q2"}

# Seed 001 "Failure fallback table" (model family row -> alternatives in order).
FALLBACKS: dict[str, tuple[str, ...]] = {
    "kling-2.1-master": ("wan-2.6", "hailuo-2.0"),
    "veo-3.1": ("kling-2.1-master", "sora-2"),
    "kling-o1": ("kling-2.1-master", "kling-2.5-turbo"),
    "wan-2.6": ("hailuo-2.0", "kling-1.6"),
    "sora-2": ("kling-2.1-master", "veo-3.1"),
    "sora-2-pro": ("kling-2.1-master", "veo-3.1"),
    "seedance-1.5-pro": ("kling-2.1-master", "wan-2.6"),
}
FALLBACK_ANY: tuple[str, ...] = ("wan-2.6", "hailuo-2.0")
# Seed 001 best practices: moderation -> more permissive models; timeout -> faster models.
FALLBACK_BY_KIND: dict[str, tuple[str, ...]] = {
    "content_policy": ("wan-2.6", "kling-o1"),
    "timeout": ("vidu-q2", "hailuo-2.0", "vidu-q2-pro"),
}
# Popularity order for the last resort of alternatives and for listing.
POPULARITY: tuple[str, ...] = (
    "wan-2.6",
    "kling-o1",
    "hailuo-2.3",
    "vidu-q2",
    "vidu-q2-pro",
    "hailuo-2.0",
    "kling-2.6",
    "seedance-1.5-pro",
    "veo-3.1",
    "pixverse-v5.5",
    "sora-2-pro",
)

# Above this many credits an auto-selected model is "expensive": name a cheaper alternative.
EXPENSIVE_CREDITS = 50
DEFAULT_ETA = EtaRange(min_s=60, max_s=180)
DEFAULT_PROGRESS_EVERY_S = 30


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9.]+", "-", name.lower()).strip("-")


def _family_of(name: str) -> str:
    lowered = name.lower()
    for family, words in FAMILY_ALIASES.items():
        if any(word in lowered for word in words):
            return family
    return _slug(name).split("-")[0]


# A task-type marker some providers append to a model's name ("Seedance 2.0 Fast I2V").
_TASK_SUFFIX = re.compile(
    r"[\s_-]*[(\[]?\s*(?:i2v|t2v|flf|ref|reference|(?:text|image|reference)[\s-]*to[\s-]*video)\s*[)\]]?$",
    re.IGNORECASE,
)


def adopted_spec(live: LiveModel, task_type: TaskType) -> ModelSpec:
    """A spec for a model a provider offers but seed 001 never named (e.g. Seedance 2.0).

    Its key is the slug of its name without a task-type marker, so the same model keeps one key across
    task types and providers ("Seedance 2.0 Fast" and "Seedance 2.0 Fast I2V" -> ``seedance-2.0-fast``).
    """
    name = _TASK_SUFFIX.sub("", live.name).strip() or live.name
    return ModelSpec(
        key=_slug(name),
        name=name,
        family=_family_of(name),
        aliases=tuple(dict.fromkeys((name, live.name))),
        eta=live.eta or DEFAULT_ETA,
        progress_every_s=DEFAULT_PROGRESS_EVERY_S,
        ids={task_type: live.ref},
        provider_ids={live.provider: {task_type: live.ref}},
    )
