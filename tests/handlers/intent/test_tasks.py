import pytest

from handlers.intent.tasks import infer_task_type
from providers.types import TaskType

T2V = TaskType.TEXT_TO_VIDEO
I2V = TaskType.IMAGE_TO_VIDEO
FLF = TaskType.FIRST_LAST_FRAME_TO_VIDEO
REF = TaskType.REFERENCE_IMAGE_TO_VIDEO


@pytest.mark.parametrize(
    ("text", "images", "task"),
    [
        ("一只猫", 0, T2V),
        ("参考图 首尾帧", 0, T2V),
        ("一只猫", 1, I2V),
        ("", 1, I2V),
        ("", 2, FLF),  # documented: two images without a cue, first image = first frame
        ("", 3, REF),  # documented: three or more without a cue
        ("", 5, REF),
        # first/last cues
        ("首帧是白天，尾帧是黑夜", 2, FLF),
        ("首尾帧", 2, FLF),
        ("开头是猫结尾是狗", 2, FLF),
        ("起始帧和结束帧", 2, FLF),
        ("first frame and last frame", 2, FLF),
        ("use these as start frame and end frame", 2, FLF),
        ("first and last", 2, FLF),
        ("from day to night", 2, FLF),
        ("首尾帧", 1, I2V),  # one image: the handler can ask for the second
        ("first frame", 1, I2V),
        ("首尾帧", 3, REF),
        # reference cues
        ("参考这张图", 1, REF),
        ("参考图里的角色跳舞", 1, REF),
        ("风格参考", 1, REF),
        ("角色参考", 2, REF),
        ("use this as a reference", 1, REF),
        ("ref image: a cat dancing", 1, REF),
        ("in the style of this", 1, REF),
        ("based on this, a dancing cat", 2, REF),
        ("参考这两张图，首帧到尾帧", 2, FLF),
        ("参考", 3, REF),
        # words that look like cues but are not
        ("a referee blowing a whistle", 1, I2V),
        ("the frame of a house", 2, FLF),
    ],
)
def test_task_type(text: str, images: int, task: TaskType) -> None:
    assert infer_task_type(text, images) == task
