import pytest

from handlers.intent import detect_lang
from handlers.intent.text import cut, extract_urls, fold_width, is_blank, strip_mentions


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("做一个小狗的视频", "zh"),
        ("make a video of a cat", "en"),
        ("用 Kling O1 做 a cat", "zh"),
        ("hello 你好", "zh"),
        ("Ｈｅｌｌｏ", "en"),
        ("café", "en"),
        ("123 !!!", None),
        ("", None),
        ("@videobot 你好", "zh"),
        ("@_user_1 1", None),
        ("https://example.com/cat.png", None),
        ("https://example.com/cat.png 一只猫", "zh"),
        ("👍", None),
    ],
)
def test_detect_lang(text: str, lang: str | None) -> None:
    assert detect_lang(text) == lang


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("１０秒", "10秒"),
        ("ｋｌｉｎｇ", "kling"),
        ("／ｈｅｌｐ", "/help"),
        ("小狗\u3000海边", "小狗 海边"),
        ("，。", "，。"),
    ],
)
def test_fold_width_keeps_length_and_chinese_punctuation(text: str, folded: str) -> None:
    assert fold_width(text) == folded


@pytest.mark.parametrize(
    ("text", "stripped"),
    [
        ("@_user_1 做一个视频", "  做一个视频"),
        ("@videobot做一个视频", " 做一个视频"),
        ("<@123456> hi", "  hi"),
        ("<@!123456> hi", "  hi"),
        ("@视频助手 你好", "  你好"),
        ("mail a@b.com", "mail a@b.com"),
        ("no mention", "no mention"),
    ],
)
def test_strip_mentions(text: str, stripped: str) -> None:
    assert strip_mentions(text) == stripped


@pytest.mark.parametrize(
    ("text", "urls", "rest"),
    [
        ("https://x.com/a.png 一只猫", ("https://x.com/a.png",), "  一只猫"),
        ("看 https://x.com/a.png，做成视频", ("https://x.com/a.png",), "看  ，做成视频"),
        ("(see https://x.com/a_(1).png).", ("https://x.com/a_(1).png",), "(see  )."),
        ("a https://x.com/a.png?w=1&h=2, b https://y.org/b.jpg", ("https://x.com/a.png?w=1&h=2", "https://y.org/b.jpg"),
         "a  , b  "),
        ("HTTPS://X.COM/A.PNG", ("HTTPS://X.COM/A.PNG",), " "),
        ("http://x.com/a.png stays", (), "http://x.com/a.png stays"),
    ],
)  # fmt: skip
def test_extract_urls_in_order(text: str, urls: tuple[str, ...], rest: str) -> None:
    assert extract_urls(text) == (urls, rest)


@pytest.mark.parametrize(
    ("text", "blank"), [("", True), ("  \t", True), ("。。!?", True), ("🐱", False), ("a", False)]
)
def test_is_blank(text: str, blank: bool) -> None:
    assert is_blank(text) is blank


@pytest.mark.parametrize(
    ("text", "span", "result"),
    [("a cat10sdog", (5, 8), "a cat dog"), ("小狗10秒跑", (2, 5), "小狗跑"), ("a 10s", (2, 5), "a ")],
)
def test_cut_keeps_latin_words_apart(text: str, span: tuple[int, int], result: str) -> None:
    assert cut(text, *span) == result
