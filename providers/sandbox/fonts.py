"""Fonts for the sandbox title card: a common TrueType font when one is installed, else Pillow's own;
Chinese titles are drawn with the subset of Noto Sans CJK SC shipped in ``assets/`` (so a machine
without any CJK font draws them too)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont

LATIN_FONTS: tuple[Path, ...] = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),
    Path("/Library/Fonts/Arial Unicode.ttf"),
    Path("C:/Windows/Fonts/arial.ttf"),
)
BUNDLED_CJK = Path(__file__).parent / "assets" / "NotoSansSC-Regular-GB2312.otf"
CJK_FONTS: tuple[Path, ...] = (
    BUNDLED_CJK,  # GB2312: nearly every Chinese prompt; the system fonts below for the rest
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/System/Library/Fonts/PingFang.ttc"),
    Path("C:/Windows/Fonts/msyh.ttc"),
)
_WIDE = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")


def font_candidates(text: str) -> tuple[Path, ...]:
    """Font files to try for ``text``, best first: CJK fonts first when the text needs them."""
    return CJK_FONTS + LATIN_FONTS if _WIDE.search(text) else LATIN_FONTS + CJK_FONTS


def pick_font(text: str, size: int, candidates: Sequence[Path] | None = None) -> Font:
    """The first installed candidate at ``size``; Pillow's built-in font when none is installed."""
    for path in font_candidates(text) if candidates is None else candidates:
        font = _truetype(str(path), size)
        if font is not None:
            return font
    return ImageFont.load_default(size=size)


def drawable(text: str, font: Font) -> str:
    """``text`` as ``font`` can draw it: a bitmap font (Pillow without FreeType) only knows Latin-1."""
    if isinstance(font, ImageFont.FreeTypeFont):
        return text
    return text.encode("latin-1", "replace").decode("latin-1")


def wrap_text(text: str, font: Font, max_width: float, max_lines: int) -> list[str]:
    """Greedy wrap to ``max_width`` pixels: at spaces where possible, anywhere in CJK; "…" when cut."""
    lines: list[str] = []
    line = ""
    for char in " ".join(text.split()):
        if not line or font.getlength(line + char) <= max_width:
            line = line + char if line or char != " " else ""
            continue
        head, space, tail = line.rpartition(" ")
        if char == " ":
            lines.append(line)
            line = ""
        elif space and head and not _WIDE.search(char):
            lines.append(head)
            line = tail + char
        else:
            lines.append(line)
            line = char
        if len(lines) == max_lines:
            return _ellipsize(lines, font, max_width)
    if line.strip():
        lines.append(line.strip())
    return lines


def _ellipsize(lines: list[str], font: Font, max_width: float) -> list[str]:
    last = lines[-1]
    while last and font.getlength(last + "…") > max_width:
        last = last[:-1]
    return [*lines[:-1], last.rstrip() + "…"]


@lru_cache(maxsize=32)
def _truetype(path: str, size: int) -> ImageFont.FreeTypeFont | None:
    if not Path(path).is_file():
        return None
    try:
        return ImageFont.truetype(path, size)
    except OSError:
        return None
