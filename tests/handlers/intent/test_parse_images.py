"""End to end: a message with photos or image links -> one intent (task type from their count, cues)."""

import pytest

from handlers.intent import Generate, ModelMention, parse
from providers.types import ImageInput, TaskType

I2V = TaskType.IMAGE_TO_VIDEO
FLF = TaskType.FIRST_LAST_FRAME_TO_VIDEO
REF = TaskType.REFERENCE_IMAGE_TO_VIDEO
CAT = ImageInput(data=b"\xff\xd8cat", filename="cat.jpg")
DOG = ImageInput(data=b"\xff\xd8dog", filename="dog.jpg")
BIRD = ImageInput(url="https://example.com/bird.png")


@pytest.mark.parametrize(
    ("text", "images", "prompt", "task"),
    [
        ("", (CAT,), "", I2V),
        ("animate this", (CAT,), "", I2V),
        ("让这张图动起来", (CAT,), "", I2V),
        ("猫在伸懒腰", (CAT,), "猫在伸懒腰", I2V),
        ("@videobot", (CAT,), "", I2V),
        ("好的", (CAT,), "", I2V),
        ("", (CAT, DOG), "", FLF),
        ("从白天到黑夜", (CAT, DOG), "从白天到黑夜", FLF),
        (
            "first frame is a cat, last frame is a dog",
            (CAT, DOG),
            "first frame is a cat, last frame is a dog",
            FLF,
        ),
        ("首尾帧", (CAT,), "首尾帧", I2V),
        ("参考这张图，做一个跳舞的女孩", (CAT,), "参考这张图，做一个跳舞的女孩", REF),
        ("in the style of this, a cat", (CAT,), "in the style of this, a cat", REF),
        ("角色参考", (CAT, DOG), "角色参考", REF),
        ("", (CAT, DOG, BIRD), "", REF),
    ],
)
def test_attachments(text: str, images: tuple[ImageInput, ...], prompt: str, task: TaskType) -> None:
    assert parse(text, images) == Generate(prompt=prompt, task_type=task, images=images)


def test_two_images_without_a_cue_keep_the_order_sent() -> None:
    intent = parse("", [DOG, CAT])
    assert isinstance(intent, Generate)
    assert intent.task_type is FLF and intent.images == (DOG, CAT)


@pytest.mark.parametrize(
    ("text", "urls", "prompt", "task"),
    [
        ("https://x.com/a.png 一只猫", ("https://x.com/a.png",), "一只猫", I2V),
        ("https://x.com/a.png，做成视频", ("https://x.com/a.png",), "", I2V),
        ("animate https://cdn.example.org/p/cat.webp?x=1",
         ("https://cdn.example.org/p/cat.webp?x=1",), "", I2V),
        ("https://x.com/a.png https://x.com/b.png 从白天到黑夜", ("https://x.com/a.png", "https://x.com/b.png"),
         "从白天到黑夜", FLF),
        ("reference https://x.com/a https://x.com/b https://x.com/c", ("https://x.com/a", "https://x.com/b",
         "https://x.com/c"), "reference", REF),
        ("https://x.com/page", ("https://x.com/page",), "", I2V),
    ],
)  # fmt: skip
def test_urls_are_images_and_leave_the_prompt(
    text: str, urls: tuple[str, ...], prompt: str, task: TaskType
) -> None:
    images = tuple(ImageInput(url=url) for url in urls)
    assert parse(text) == Generate(prompt=prompt, task_type=task, images=images)


def test_attachments_come_before_urls() -> None:
    intent = parse("https://x.com/b.png", [CAT])
    assert isinstance(intent, Generate)
    assert intent.images == (CAT, ImageInput(url="https://x.com/b.png"))
    assert intent.task_type is FLF


def test_a_model_with_an_image_is_a_request() -> None:
    assert parse("用可灵", [CAT]) == Generate(
        prompt="",
        task_type=I2V,
        images=(CAT,),
        model=ModelMention(key=None, family="kling", text="可灵"),
        remember=True,
    )


def test_a_command_word_with_an_image_is_a_request() -> None:
    assert parse("1", [CAT]) == Generate(prompt="1", task_type=I2V, images=(CAT,))


def test_http_urls_are_not_images() -> None:
    intent = parse("a cat http://x.com/a.png")
    assert isinstance(intent, Generate) and intent.images == ()
