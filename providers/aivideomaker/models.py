"""AIVideoMaker's models as the seed page (002, skill V1.0.2) describes them.

The seed version's credit formulas are used: ``t2v``/``i2v`` cost duration x 1, the V3 models
duration x 10 (a later doc revision says x3 / x4; see ``aivideomaker_models.derived.json``).
``lv`` (long video) takes a list of segment prompts and fits no neutral task type: not offered.
Display names ("AIVideoMaker", "AIVideoMaker V3") are our choice; the API names none.
"""

from __future__ import annotations

from dataclasses import dataclass

from providers.types import TaskType

ASPECT_RATIOS: tuple[str, ...] = ("16:9", "9:16", "1:1")
DEFAULT_ASPECT_RATIO = "16:9"


@dataclass(frozen=True)
class AivideomakerModel:
    """One ``/api/v1/generate/{model_id}`` model."""

    model_id: str
    task_type: TaskType
    name: str
    durations: tuple[int, ...]  # seconds, sent as strings
    credits_per_second: int

    @property
    def takes_image(self) -> bool:
        return self.task_type is TaskType.IMAGE_TO_VIDEO

    @property
    def default_duration(self) -> int:
        return self.durations[0]

    def credits(self, duration: int) -> int:
        return duration * self.credits_per_second


_BASIC_DURATIONS = (5, 8)
_V3_DURATIONS = (5, 10, 15, 20)

MODELS: dict[str, AivideomakerModel] = {
    model.model_id: model
    for model in (
        AivideomakerModel("t2v", TaskType.TEXT_TO_VIDEO, "AIVideoMaker", _BASIC_DURATIONS, 1),
        AivideomakerModel("i2v", TaskType.IMAGE_TO_VIDEO, "AIVideoMaker", _BASIC_DURATIONS, 1),
        AivideomakerModel("t2v_v3", TaskType.TEXT_TO_VIDEO, "AIVideoMaker V3", _V3_DURATIONS, 10),
        AivideomakerModel("i2v_v3", TaskType.IMAGE_TO_VIDEO, "AIVideoMaker V3", _V3_DURATIONS, 10),
    )
}
