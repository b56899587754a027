import pytest

from handlers.intent.params import extract_params
from providers.types import VideoParams


def _squash(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize(
    ("text", "duration", "rest"),
    [
        ("10秒", 10, ""),
        ("10 秒", 10, ""),
        ("10秒钟", 10, ""),
        ("时长10秒", 10, ""),
        ("时长为8秒的小狗", 8, "小狗"),
        ("做一个10秒的小狗视频", 10, "做一个小狗视频"),
        ("十秒", 10, ""),
        ("五秒", 5, ""),
        ("两秒", 2, ""),
        ("十五秒", 15, ""),
        ("二十秒", 20, ""),
        ("三十秒", 30, ""),
        ("１０秒", 10, ""),
        ("10s", 10, ""),
        ("a cat 10s", 10, "a cat"),
        ("10 sec", 10, ""),
        ("10 secs", 10, ""),
        ("10 seconds", 10, ""),
        ("a 10-second clip", 10, "a clip"),
        ("for 5 seconds", 5, ""),
        ("6 seconds long", 6, ""),
        ("ten seconds", 10, ""),
        ("five-second", 5, ""),
        ("a 80s disco", None, "a 80s disco"),
        ("90s music", None, "90s music"),
        ("the little ones", None, "the little ones"),
        ("第十秒爆炸", None, "第十秒爆炸"),
        ("10秒后3秒", 10, "后3秒"),
    ],
)
def test_duration(text: str, duration: int | None, rest: str) -> None:
    params, left = extract_params(text)
    assert params.duration == duration
    assert _squash(left) == rest


@pytest.mark.parametrize(
    ("text", "aspect", "rest"),
    [
        ("竖屏", "9:16", ""),
        ("竖版的小狗", "9:16", "小狗"),
        ("横屏", "16:9", ""),
        ("横版", "16:9", ""),
        ("宽屏", "16:9", ""),
        ("方形视频", "1:1", "视频"),
        ("正方形的视频", "1:1", "视频"),
        ("小狗，方形", "1:1", "小狗，"),
        ("一个方形的盒子", None, "一个方形的盒子"),
        ("vertical", "9:16", ""),
        ("a cat, vertical", "9:16", "a cat,"),
        ("portrait mode", "9:16", ""),
        ("in portrait", "9:16", ""),
        ("a portrait of a woman", None, "a portrait of a woman"),
        ("horizontal format", "16:9", ""),
        ("landscape", "16:9", ""),
        ("a landscape video of hills", "16:9", "a video of hills"),
        ("a beautiful landscape", None, "a beautiful landscape"),
        ("widescreen", "16:9", ""),
        ("square format", "1:1", ""),
        ("square video of a dog", "1:1", "video of a dog"),
        ("Times Square", None, "Times Square"),
        ("9:16", "9:16", ""),
        ("16:9", "16:9", ""),
        ("1:1", "1:1", ""),
        ("4:3", "4:3", ""),
        ("3:4", "3:4", ""),
        ("21:9", "21:9", ""),
        ("9：16", "9:16", ""),
        ("比例 16:9", "16:9", ""),
        ("画面比例：9：16", "9:16", ""),
        ("aspect ratio 4:3", "4:3", ""),
        ("in 16:9", "16:9", ""),
        ("10:30 meeting", None, "10:30 meeting"),
        ("5:4", None, "5:4"),
        ("竖屏 9:16 小狗", "9:16", "小狗"),
        ("16:9 竖屏", "16:9", ""),
    ],
)
def test_aspect_ratio(text: str, aspect: str | None, rest: str) -> None:
    params, left = extract_params(text)
    assert params.aspect_ratio == aspect
    assert _squash(left) == rest


@pytest.mark.parametrize(
    ("text", "resolution", "rest"),
    [
        ("480p", "480p", ""),
        ("540p", "540p", ""),
        ("720p", "720p", ""),
        ("768p", "768p", ""),
        ("1080p", "1080p", ""),
        ("1080P", "1080p", ""),
        ("1080 P", "1080p", ""),
        ("4k", "4k", ""),
        ("4K", "4k", ""),
        ("in 4K", "4k", ""),
        ("at 720p", "720p", ""),
        ("分辨率1080p", "1080p", ""),
        ("1080p的小狗", "1080p", "小狗"),
        ("1440p", None, "1440p"),
        ("a4k", None, "a4k"),
    ],
)
def test_resolution(text: str, resolution: str | None, rest: str) -> None:
    params, left = extract_params(text)
    assert params.resolution == resolution
    assert _squash(left) == rest


@pytest.mark.parametrize(
    ("text", "params", "rest"),
    [
        ("做一个10秒竖屏1080P的小狗视频", VideoParams(duration=10, aspect_ratio="9:16", resolution="1080p"),
         "做一个小狗视频"),
        ("a cat for 5 seconds in 1080p, 16:9",
         VideoParams(duration=5, aspect_ratio="16:9", resolution="1080p"), "a cat ,"),
        ("a cat", VideoParams(), "a cat"),
    ],
)  # fmt: skip
def test_all_params_together(text: str, params: VideoParams, rest: str) -> None:
    found, left = extract_params(text)
    assert (found, _squash(left)) == (params, rest)
