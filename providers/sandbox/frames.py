"""The sandbox's three little films, as RGB frames: a title card, a slow zoom, a crossfade."""

from __future__ import annotations

import colorsys
import math
import random
from collections.abc import Iterator

from PIL import Image, ImageDraw

from providers.sandbox.fonts import Font, drawable, pick_font, wrap_text

Size = tuple[int, int]

ZOOM_MARGIN = 1.25  # the photo is prepared this much larger than the frame, for sharp zooming
ZOOM_END = 1.15  # how far the slow zoom goes in
TITLE_CHARS = 160  # longer prompts are cut before wrapping
TITLE_LINES = 4


def title_card(
    prompt: str, size: Size, count: int, seed: int, font: Font | None = None
) -> Iterator[Image.Image]:
    """A soft gradient drifting behind ``prompt``, which fades and slides in over the first third."""
    width, height = size
    backdrop = _gradient((width * 2, height * 2), seed)
    text, text_pos = _text_layer(prompt, size, font)
    mask = text.getchannel("A")
    slide = height * 0.08
    for index in range(count):
        t = index / max(count - 1, 1)
        angle = 2 * math.pi * t
        left = round(width / 2 * (1 + 0.8 * math.cos(angle)))
        top = round(height / 2 * (1 + 0.8 * math.sin(angle)))
        frame = backdrop.crop((left, top, left + width, top + height))
        shown = _ease(min(t / 0.35, 1.0))
        if shown > 0:
            faded = mask.point(lambda alpha, f=shown: round(alpha * f))
            frame.paste(text, (text_pos[0], round(text_pos[1] + (1 - shown) * slide)), faded)
        yield frame


def slow_zoom(photo: Image.Image, size: Size, count: int) -> Iterator[Image.Image]:
    """A Ken Burns move: ``photo`` filling the frame, zooming slowly in towards its centre."""
    base = _cover(photo, size, ZOOM_MARGIN)
    for index in range(count):
        yield _zoomed(base, size, _ease(index / max(count - 1, 1)))


def crossfade(first: Image.Image, last: Image.Image, size: Size, count: int) -> Iterator[Image.Image]:
    """``first`` dissolving into ``last`` (held briefly at both ends), both slowly zooming."""
    start, end = _cover(first, size, ZOOM_MARGIN), _cover(last, size, ZOOM_MARGIN)
    for index in range(count):
        t = index / max(count - 1, 1)
        mix = _ease(min(max((t - 0.2) / 0.6, 0.0), 1.0))
        yield Image.blend(_zoomed(start, size, t), _zoomed(end, size, t), mix)


def _ease(t: float) -> float:
    return t * t * (3 - 2 * t)


def _gradient(size: Size, seed: int) -> Image.Image:
    """A smooth field of a few related, fairly dark colours (a 3x3 swatch blown up bicubically)."""
    rng = random.Random(seed)
    hue = rng.random()
    swatch = Image.new("RGB", (3, 3))
    for x in range(3):
        for y in range(3):
            shade = colorsys.hsv_to_rgb(
                (hue + rng.uniform(-0.12, 0.12)) % 1.0, rng.uniform(0.5, 0.8), rng.uniform(0.35, 0.65)
            )
            swatch.putpixel((x, y), tuple(round(channel * 255) for channel in shade))
    return swatch.resize(size, Image.Resampling.BICUBIC)


def _text_layer(prompt: str, size: Size, font: Font | None) -> tuple[Image.Image, tuple[int, int]]:
    """The wrapped prompt, white with a soft shadow, as an RGBA block and where it sits centred."""
    width, height = size
    font_size = max(round(min(width, height * 1.6) / 15), 10)
    font = font or pick_font(prompt, font_size)
    text = drawable(prompt[:TITLE_CHARS], font)
    lines = wrap_text(text, font, width * 0.84, TITLE_LINES)
    spacing = round(font_size * 0.35)
    probe = ImageDraw.Draw(Image.new("RGBA", (1, 1)))
    left, top, right, bottom = probe.multiline_textbbox(
        (0, 0), "\n".join(lines) or " ", font=font, spacing=spacing, align="center"
    )
    layer = Image.new("RGBA", (math.ceil(right - left) + 4, math.ceil(bottom - top) + 4), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    draw.multiline_text(
        (2 - left, 2 - top), "\n".join(lines), font=font, fill=(0, 0, 0, 110), spacing=spacing, align="center"
    )
    draw.multiline_text(
        (1 - left, 1 - top),
        "\n".join(lines),
        font=font,
        fill=(255, 255, 255, 255),
        spacing=spacing,
        align="center",
    )
    return layer, ((width - layer.width) // 2, (height - layer.height) // 2)


def _cover(photo: Image.Image, size: Size, scale: float) -> Image.Image:
    """``photo`` centre-cropped to the frame's aspect and resized to ``scale`` times the frame."""
    width, height = round(size[0] * scale), round(size[1] * scale)
    source = photo.convert("RGB")
    ratio = max(width / source.width, height / source.height)
    crop_w, crop_h = width / ratio, height / ratio
    left, top = (source.width - crop_w) / 2, (source.height - crop_h) / 2
    return source.resize(
        (width, height), Image.Resampling.LANCZOS, box=(left, top, left + crop_w, top + crop_h)
    )


def _zoomed(base: Image.Image, size: Size, t: float) -> Image.Image:
    """The centre of ``base`` at zoom ``t`` (0: all of it, 1: ``ZOOM_END`` times closer), frame-sized."""
    zoom = 1 + (ZOOM_END - 1) * t
    crop_w, crop_h = base.width / zoom, base.height / zoom
    left, top = (base.width - crop_w) / 2, (base.height - crop_h) / 2
    return base.resize(size, Image.Resampling.BILINEAR, box=(left, top, left + crop_w, top + crop_h))
