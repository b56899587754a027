from PIL import Image, ImageDraw, ImageFont

from providers.sandbox.fonts import (
    BUNDLED_CJK,
    CJK_FONTS,
    LATIN_FONTS,
    drawable,
    font_candidates,
    pick_font,
    wrap_text,
)
from providers.sandbox.frames import title_card


def test_cjk_text_tries_cjk_fonts_first() -> None:
    assert font_candidates("一只猫")[: len(CJK_FONTS)] == CJK_FONTS
    assert font_candidates("a cat")[: len(LATIN_FONTS)] == LATIN_FONTS


def test_no_installed_font_falls_back_to_pillows_own() -> None:
    font = pick_font("一只猫", 18, candidates=())
    assert font.getlength("abc") > 0


def test_cjk_prompt_renders_without_any_cjk_font() -> None:
    font = pick_font("一只猫在月光下跳舞", 14, candidates=())
    frames = list(title_card("一只猫在月光下跳舞 🐱", (160, 90), 3, seed=1, font=font))
    assert [frame.size for frame in frames] == [(160, 90)] * 3


def test_bitmap_font_gets_latin1_text_only() -> None:
    bitmap = ImageFont.load_default_imagefont()
    text = drawable("cat 一只猫", bitmap)
    assert text == "cat ???"
    ImageDraw.Draw(Image.new("RGB", (80, 20))).text((0, 0), text, font=bitmap)
    assert drawable("一只猫", pick_font("x", 12)) == "一只猫"


def test_wrap_breaks_at_spaces_and_within_cjk() -> None:
    font = pick_font("x", 12, candidates=())
    width = font.getlength("a few words")
    lines = wrap_text("a few words that wrap onto several lines", font, width, max_lines=10)
    assert all(font.getlength(line) <= width for line in lines)
    assert " ".join(lines) == "a few words that wrap onto several lines"
    cjk = wrap_text("一只猫在月光下跳舞" * 3, font, font.getlength("一只猫在"), max_lines=10)
    assert len(cjk) > 1 and "".join(cjk) == "一只猫在月光下跳舞" * 3


def test_wrap_cuts_long_text_with_an_ellipsis() -> None:
    font = pick_font("x", 12, candidates=())
    lines = wrap_text("word " * 100, font, font.getlength("word word word"), max_lines=2)
    assert len(lines) == 2 and lines[-1].endswith("…")


def test_unbreakable_word_is_split() -> None:
    font = pick_font("x", 12, candidates=())
    lines = wrap_text("x" * 40, font, font.getlength("xxxxx"), max_lines=20)
    assert "".join(lines) == "x" * 40 and len(lines) > 1


def test_the_bundled_font_draws_chinese_where_a_latin_font_draws_boxes() -> None:
    """The subset shipped in ``providers/sandbox/assets`` draws each character in its own glyph."""
    bundled = pick_font("狗", 32, candidates=(BUNDLED_CJK,))
    assert isinstance(bundled, ImageFont.FreeTypeFont) and "GB2312" in str(BUNDLED_CJK)
    assert _ink("狗", bundled) != _ink("猫", bundled)
    latin = pick_font("a", 32, candidates=LATIN_FONTS)
    if isinstance(latin, ImageFont.FreeTypeFont):  # the control: a font without CJK draws one same box
        assert _ink("狗", latin) == _ink("猫", latin)


def _ink(text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont) -> bytes:
    image = Image.new("L", (48, 48))
    ImageDraw.Draw(image).text((4, 4), text, font=font, fill=255)
    return image.tobytes()
