"""The task type, from how many images came and the words around them.

Documented rules: no image -> text_to_video; one image -> image_to_video (also with a first/last
cue: the handler can ask for the second); two images -> first_last_frame_to_video in the order sent
(first image = first frame) unless a reference cue says otherwise; three or more ->
reference_image_to_video. A reference cue ("参考", "in the style of") makes any image count a
reference task, except that two images with an explicit first/last-frame cue stay first/last.
"from ... to ..." is a first/last cue too; with two images it changes nothing, as that is the default.
"""

from __future__ import annotations

import re

from providers.types import TaskType

_FIRST_LAST = re.compile(
    r"首尾帧|首帧|尾帧|起始帧|结束帧|开头|结尾|第一帧|最后一帧"
    r"|\b(?:first|last|start|starting|end|ending|final|opening|closing)\s+frames?\b|\bfirst\s+and\s+last\b",
    re.IGNORECASE,
)
_REFERENCE = re.compile(
    r"参考|\breferences?\b|\bref\b|\bin\s+the\s+style\s+of\b|\bbased\s+on\s+(?:this|these|the|that)\b",
    re.IGNORECASE,
)


def infer_task_type(text: str, image_count: int) -> TaskType:
    """Which task ``text`` asks for with ``image_count`` input images."""
    if image_count == 0:
        return TaskType.TEXT_TO_VIDEO
    if image_count == 2 and _FIRST_LAST.search(text):
        return TaskType.FIRST_LAST_FRAME_TO_VIDEO
    if _REFERENCE.search(text):
        return TaskType.REFERENCE_IMAGE_TO_VIDEO
    if image_count == 1:
        return TaskType.IMAGE_TO_VIDEO
    if image_count == 2:
        return TaskType.FIRST_LAST_FRAME_TO_VIDEO
    return TaskType.REFERENCE_IMAGE_TO_VIDEO
