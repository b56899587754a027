"""Test helpers: decode MP4s with the bundled ffmpeg (no ffprobe ships) and make small images."""

from __future__ import annotations

import io
import subprocess
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg
from PIL import Image, ImageStat


@dataclass(frozen=True)
class Decoded:
    width: int
    height: int
    frames: list[Image.Image]


def is_mp4(path: Path) -> bool:
    """An ISO media file starts with a box whose type (bytes 4-8) is ``ftyp``."""
    return path.read_bytes()[4:8] == b"ftyp"


def decodes_cleanly(path: Path) -> bool:
    """``ffmpeg -v error -i file -f null -`` decodes the whole file without a word on stderr."""
    done = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "null", "-"],
        capture_output=True,
        check=False,
    )
    return done.returncode == 0 and not done.stderr.strip()


def decode(path: Path) -> Decoded:
    """Every frame of ``path`` as RGB images (dimensions from the first frame, decoded as PNG)."""
    ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
    first_png = subprocess.run(
        [ffmpeg, "-v", "error", "-i", str(path), "-frames:v", "1", "-f", "image2pipe", "-c:v", "png", "-"],
        capture_output=True,
        check=True,
    ).stdout
    width, height = Image.open(io.BytesIO(first_png)).size
    raw = subprocess.run(
        [ffmpeg, "-v", "error", "-i", str(path), "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        capture_output=True,
        check=True,
    ).stdout
    frame_bytes = width * height * 3
    assert len(raw) % frame_bytes == 0
    frames = [
        Image.frombytes("RGB", (width, height), raw[offset : offset + frame_bytes])
        for offset in range(0, len(raw), frame_bytes)
    ]
    return Decoded(width, height, frames)


def solid_png(color: tuple[int, int, int], size: tuple[int, int] = (320, 240)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def framed_png(path: Path, size: tuple[int, int] = (640, 360), border: int = 16) -> Path:
    """A blue picture with a yellow border: the border leaves the frame as the slow zoom goes in."""
    image = Image.new("RGB", size, (255, 220, 0))
    image.paste((0, 40, 220), (border, border, size[0] - border, size[1] - border))
    image.save(path, format="PNG")
    return path


def mean_color(image: Image.Image, box: tuple[int, int, int, int]) -> tuple[float, float, float]:
    red, green, blue = ImageStat.Stat(image.crop(box)).mean
    return red, green, blue
