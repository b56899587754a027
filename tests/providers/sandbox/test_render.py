import threading
import time
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from providers.errors import ErrorKind, GenerationFailedError, ImageUploadError
from providers.sandbox.render import (
    FPS,
    FRAME_COUNT,
    RenderCancelledError,
    RenderedClip,
    frame_size,
    load_photo,
    load_scene,
    render_request,
    render_scene,
)
from providers.types import GenerationRequest, ImageInput, TaskType
from tests.providers.sandbox.media import decode, decodes_cleanly, framed_png, is_mp4, mean_color, solid_png


def _render(tmp_path: Path, request: GenerationRequest, aspect_ratio: str = "16:9") -> RenderedClip:
    return render_request(
        request, aspect_ratio=aspect_ratio, video_path=tmp_path / "clip.mp4", cover_path=tmp_path / "clip.jpg"
    )


def _text(prompt: str = "A corgi surfing at sunset") -> GenerationRequest:
    return GenerationRequest(task_type=TaskType.TEXT_TO_VIDEO, prompt=prompt)


@pytest.mark.parametrize(
    ("aspect_ratio", "size"),
    [
        ("16:9", (480, 270)),
        ("9:16", (270, 480)),
        ("1:1", (360, 360)),
        ("4:3", (400, 300)),
        ("2:1", (480, 240)),
    ],
)
def test_frame_size_is_small_and_even(aspect_ratio: str, size: tuple[int, int]) -> None:
    assert frame_size(aspect_ratio) == size
    assert all(side % 2 == 0 for side in frame_size(aspect_ratio))


@pytest.mark.parametrize("aspect_ratio", ["wide", "16x9", "0:1", "16:", "10:1", "-4:3"])
def test_frame_size_refuses_unusable_ratios(aspect_ratio: str) -> None:
    with pytest.raises(ValueError):
        frame_size(aspect_ratio)


def test_title_card_is_a_playable_mp4_with_a_cover(tmp_path: Path) -> None:
    started = time.monotonic()
    clip = _render(tmp_path, _text())
    assert time.monotonic() - started < 2
    assert clip.video.is_file() and is_mp4(clip.video) and decodes_cleanly(clip.video)
    decoded = decode(clip.video)
    assert (decoded.width, decoded.height) == (480, 270) == (clip.width, clip.height)
    assert len(decoded.frames) == FRAME_COUNT and clip.duration_s == FRAME_COUNT / FPS
    with Image.open(clip.cover) as cover:
        assert cover.format == "JPEG" and cover.size == (480, 270)
    assert mean_color(decoded.frames[-1], (120, 100, 360, 170)) != mean_color(
        decoded.frames[0], (120, 100, 360, 170)
    )
    assert not list(tmp_path.glob("*.part"))


@pytest.mark.parametrize(("aspect_ratio", "size"), [("9:16", (270, 480)), ("1:1", (360, 360))])
def test_dimensions_follow_the_aspect_ratio(tmp_path: Path, aspect_ratio: str, size: tuple[int, int]) -> None:
    clip = _render(tmp_path, _text(), aspect_ratio)
    decoded = decode(clip.video)
    assert (decoded.width, decoded.height) == size


def test_cjk_prompt_renders(tmp_path: Path) -> None:
    clip = _render(tmp_path, _text("一只柯基在日落时分冲浪，电影感光线，慢动作" * 5))
    assert decodes_cleanly(clip.video)


def test_empty_prompt_renders(tmp_path: Path) -> None:
    assert decodes_cleanly(_render(tmp_path, _text("")).video)


def test_photo_from_a_file_url_slowly_zooms_in(tmp_path: Path) -> None:
    photo = framed_png(tmp_path / "photo.png")
    request = GenerationRequest(
        task_type=TaskType.IMAGE_TO_VIDEO, prompt="zoom", images=(ImageInput(url=photo.as_uri()),)
    )
    decoded = decode(_render(tmp_path, request).video)
    left_edge = (0, 100, 3, 170)
    red, green, blue = mean_color(decoded.frames[0], left_edge)
    assert red > 150 and green > 150 and blue < 100  # the yellow border is in view at first
    red, green, blue = mean_color(decoded.frames[-1], left_edge)
    assert blue > 150 and red < 80  # zoomed in past it


def test_reference_images_zoom_into_the_first(tmp_path: Path) -> None:
    request = GenerationRequest(
        task_type=TaskType.REFERENCE_IMAGE_TO_VIDEO,
        prompt="ref",
        images=(ImageInput(data=solid_png((0, 200, 0))), ImageInput(data=solid_png((200, 0, 0)))),
    )
    decoded = decode(_render(tmp_path, request, "1:1").video)
    red, green, _ = mean_color(decoded.frames[-1], (100, 100, 200, 200))
    assert green > 150 and red < 60


def test_first_last_frame_crossfades(tmp_path: Path) -> None:
    request = GenerationRequest(
        task_type=TaskType.FIRST_LAST_FRAME_TO_VIDEO,
        prompt="fade",
        images=(ImageInput(data=solid_png((220, 0, 0))), ImageInput(data=solid_png((0, 0, 220)))),
    )
    decoded = decode(_render(tmp_path, request).video)
    centre = (200, 100, 280, 170)
    first, middle, last = (mean_color(decoded.frames[i], centre) for i in (0, FRAME_COUNT // 2, -1))
    assert first[0] > 180 and first[2] < 40
    assert 60 < middle[0] < 180 and 60 < middle[2] < 180
    assert last[2] > 180 and last[0] < 40


def test_remote_url_cannot_be_fetched_offline_so_the_title_card_is_used(tmp_path: Path) -> None:
    request = GenerationRequest(
        task_type=TaskType.IMAGE_TO_VIDEO,
        prompt="remote",
        images=(ImageInput(url="https://example.com/a.jpg"),),
    )
    assert load_scene(request).photos == ()
    assert decodes_cleanly(_render(tmp_path, request).video)


@pytest.mark.parametrize(
    "image",
    [
        ImageInput(data=b"definitely not an image", filename="x.jpg"),
        ImageInput(data=solid_png((1, 2, 3))[:60]),  # truncated
        ImageInput(url="file:///nonexistent/sandbox/photo.png"),
        ImageInput(url="ftp://example.com/a.png"),
        ImageInput(),
    ],
)
def test_unreadable_image_is_an_image_upload_error(image: ImageInput) -> None:
    with pytest.raises(ImageUploadError) as caught:
        load_photo(image)
    assert caught.value.kind is ErrorKind.IMAGE_UPLOAD


def test_unreadable_image_fails_the_render_before_writing(tmp_path: Path) -> None:
    request = GenerationRequest(
        task_type=TaskType.IMAGE_TO_VIDEO, prompt="x", images=(ImageInput(data=b"junk"),)
    )
    with pytest.raises(ImageUploadError):
        _render(tmp_path, request)
    assert not list(tmp_path.iterdir())


def test_exif_rotation_and_large_photos_are_handled(tmp_path: Path) -> None:
    big = Image.new("RGB", (3000, 1000), (10, 20, 30))
    exif = big.getexif()
    exif[0x0112] = 6  # rotate 90 degrees when shown
    path = tmp_path / "big.jpg"
    big.save(path, format="JPEG", exif=exif)
    photo = load_photo(ImageInput(url=path.as_uri()))
    assert photo is not None and photo.size == (427, 1280)


def test_stop_before_start_writes_nothing(tmp_path: Path) -> None:
    stop = threading.Event()
    stop.set()
    with pytest.raises(RenderCancelledError):
        render_scene(
            load_scene(_text()),
            aspect_ratio="16:9",
            video_path=tmp_path / "clip.mp4",
            cover_path=tmp_path / "clip.jpg",
            stop=stop,
        )
    assert not list(tmp_path.iterdir())


class _StopAfterChecks(threading.Event):
    """A stop event that turns set on its ``checks``-th look: the render stops at that frame."""

    def __init__(self, checks: int) -> None:
        super().__init__()
        self.remaining = checks

    def is_set(self) -> bool:
        self.remaining -= 1
        return self.remaining < 0


def test_stop_midway_kills_ffmpeg_and_cleans_up(tmp_path: Path) -> None:
    stop = _StopAfterChecks(FRAME_COUNT // 2)
    with pytest.raises(RenderCancelledError):
        render_scene(
            load_scene(_text()),
            aspect_ratio="16:9",
            video_path=tmp_path / "clip.mp4",
            cover_path=tmp_path / "clip.jpg",
            stop=stop,
        )
    assert stop.remaining == -1
    assert not list(tmp_path.iterdir())


def test_ffmpeg_failure_is_a_generation_failure_and_leaves_nothing(tmp_path: Path) -> None:
    (tmp_path / "clip.mp4.part").mkdir()  # ffmpeg cannot open its output file
    with pytest.raises(GenerationFailedError) as caught:
        _render(tmp_path, _text())
    assert caught.value.kind is ErrorKind.GENERATION_FAILED
    assert "ffmpeg exited" in caught.value.detail
    assert sorted(path.name for path in tmp_path.iterdir()) == ["clip.mp4.part"]


def test_a_chinese_title_is_drawn_in_glyphs_not_boxes(tmp_path: Path) -> None:
    """Issue 12: on a machine without a CJK font, Chinese titles showed as boxes (every character the
    same box). With the bundled font, two titles differing by one character differ where it is drawn."""
    dog = decode(_render(tmp_path / "dog", _text("一只小狗")).video).frames[-1]
    cat = decode(_render(tmp_path / "cat", _text("一只小猫")).video).frames[-1]
    width, height = dog.size
    middle = (width // 4, height // 3, width * 3 // 4, height * 2 // 3)
    changed = ImageChops.difference(dog.crop(middle), cat.crop(middle)).convert("L")
    assert changed.getbbox() is not None, "the two titles render alike: boxes instead of glyphs"
    inked = changed.point(lambda value: 255 if value > 64 else 0).histogram()[255]
    assert inked > 40  # a whole glyph, not codec noise
