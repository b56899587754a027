import pytest

from handlers.intent import ModelMention, Policy
from handlers.intent.preferences import Preference, extract_preference, unknown_model_name

KLING = ModelMention(key=None, family="kling", text="可灵")
KLING_EN = ModelMention(key=None, family="kling", text="kling")


def _squash(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize(
    ("text", "preference", "rest"),
    [
        # seed 001 "用XXX / 换成XXX / 改用XXX": switch and save
        ("用可灵", Preference(model=KLING, remember=True), ""),
        ("换成可灵", Preference(model=KLING, remember=True), ""),
        ("改用可灵", Preference(model=KLING, remember=True), ""),
        ("切换到可灵", Preference(model=KLING, remember=True), ""),
        ("use kling", Preference(model=KLING_EN, remember=True), ""),
        ("switch to kling", Preference(model=KLING_EN, remember=True), ""),
        ("用可灵模型", Preference(model=KLING, remember=True), ""),
        ("kling model", Preference(model=KLING_EN, remember=True), ""),
        ("model: kling", Preference(model=KLING_EN, remember=True), ""),
        # "以后都用XXX / always use XXX"
        ("以后都用可灵", Preference(model=KLING, remember=True), ""),
        ("以后用可灵", Preference(model=KLING, remember=True), ""),
        ("默认用可灵", Preference(model=KLING, remember=True), ""),
        ("always use kling", Preference(model=KLING_EN, remember=True), ""),
        ("from now on use kling", Preference(model=KLING_EN, remember=True), ""),
        ("use kling from now on", Preference(model=KLING_EN, remember=True), ""),
        # this time only
        ("这次用可灵", Preference(model=KLING, remember=False), ""),
        ("use kling this time", Preference(model=KLING_EN, remember=False), ""),
        # "用最好的 / best quality": save
        ("用最好的", Preference(policy=Policy.BEST, remember=True), ""),
        ("最好的模型", Preference(policy=Policy.BEST, remember=True), ""),
        ("用质量最好的模型", Preference(policy=Policy.BEST, remember=True), ""),
        ("最高画质", Preference(policy=Policy.BEST, remember=True), ""),
        ("best quality", Preference(policy=Policy.BEST, remember=True), ""),
        ("use the best", Preference(policy=Policy.BEST, remember=True), ""),
        ("the best model", Preference(policy=Policy.BEST, remember=True), ""),
        ("highest quality", Preference(policy=Policy.BEST, remember=True), ""),
        ("这次用最好的", Preference(policy=Policy.BEST, remember=False), ""),
        # "用便宜的 / cheapest": not saved unless "以后都用 / always"
        ("用便宜的", Preference(policy=Policy.CHEAPEST), ""),
        ("最便宜", Preference(policy=Policy.CHEAPEST), ""),
        ("用最便宜的", Preference(policy=Policy.CHEAPEST), ""),
        ("便宜点的模型", Preference(policy=Policy.CHEAPEST), ""),
        ("cheapest", Preference(policy=Policy.CHEAPEST), ""),
        ("use the cheapest", Preference(policy=Policy.CHEAPEST), ""),
        ("the cheapest model", Preference(policy=Policy.CHEAPEST), ""),
        ("a cheap model", Preference(policy=Policy.CHEAPEST), ""),
        ("以后都用最便宜的", Preference(policy=Policy.CHEAPEST, remember=True), ""),
        ("always use the cheapest", Preference(policy=Policy.CHEAPEST, remember=True), ""),
        ("use the cheapest model by default", Preference(policy=Policy.CHEAPEST, remember=True), ""),
        # with a video request: the phrase goes, the request stays
        ("用可灵做一个小狗的视频", Preference(model=KLING, remember=True), "小狗的视频"),
        ("请用可灵来生成一段海浪", Preference(model=KLING, remember=True), "请海浪"),
        (
            "make a video of a cat with the cheapest model",
            Preference(policy=Policy.CHEAPEST),
            "make a video of a cat",
        ),
        ("use kling to make a cat video", Preference(model=KLING_EN, remember=True), "make a cat video"),
        ("a cat video using kling", Preference(model=KLING_EN, remember=True), "a cat video"),
        ("a cat and use kling", Preference(model=KLING_EN, remember=True), "a cat"),
    ],
)
def test_preference_phrases(text: str, preference: Preference, rest: str) -> None:
    found, left = extract_preference(text)
    assert found == preference
    assert _squash(left) == rest


def test_always_with_a_specific_model_and_a_request() -> None:
    found, left = extract_preference("always use Kling O1 and make a video of rain")
    assert found == Preference(
        model=ModelMention(key="kling-o1", family=None, text="Kling O1"), remember=True
    )
    assert _squash(left) == "and make a video of rain"


@pytest.mark.parametrize(
    ("text", "key", "rest"),
    [
        ("wan2.6 a cat surfing", "wan-2.6", "a cat surfing"),
        ("a cat surfing, veo 3.1", "veo-3.1", "a cat surfing,"),
        ("一只猫在冲浪 海螺02", "hailuo-2.0", "一只猫在冲浪"),
        ("以后都用可灵O1", "kling-o1", ""),
        ("换成 Kling 2.6 重新做", "kling-2.6", "重新做"),
    ],
)
def test_specific_models_count_anywhere(text: str, key: str, rest: str) -> None:
    found, left = extract_preference(text)
    assert found.model is not None and found.model.key == key
    assert found.remember
    assert _squash(left) == rest


@pytest.mark.parametrize(
    "text",
    [
        "做一个海螺在沙滩上的视频",
        "一个人用海螺吹出声音",
        "a wan smile",
        "sora the explorer",
        "swan lake",
        "我最好的朋友",
        "best friends forever",
        "一家便宜的餐馆",
        "a landscape of the veo valley",
    ],
)
def test_family_words_and_policy_words_in_ordinary_text_are_content(text: str) -> None:
    assert extract_preference(text) == (Preference(), text)


@pytest.mark.parametrize(("text", "family"), [("可灵", "kling"), ("  Sora！", "sora"), ("万相。", "wan")])
def test_a_family_word_alone_is_a_choice(text: str, family: str) -> None:
    found, _ = extract_preference(text)
    assert found.model is not None and found.model.family == family


def test_first_model_wins_and_every_model_phrase_goes() -> None:
    found, left = extract_preference("用可灵，不对，换成海螺")
    assert found.model == KLING
    assert _squash(left) == "，不对"


def test_model_and_policy_together() -> None:
    found, left = extract_preference("用可灵 最便宜的")
    assert found == Preference(model=KLING, policy=Policy.CHEAPEST, remember=True)
    assert left.strip() == ""


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("用 FooBar", "FooBar"),
        ("用FooBar", "FooBar"),
        ("use foobar", "foobar"),
        ("use the foobar model", "foobar"),
        ("switch to Mega Gen 9", "Mega Gen 9"),
        ("switch to Mega Video 9", None),
        ("换成超级模型", "超级"),
        ("以后都用foo", "foo"),
        ("always use foo", "foo"),
        ("用kling 3", "kling 3"),
        ("请用 Runway Gen3！", "Runway Gen3"),
        ("use it", None),
        ("use a red ball", None),
        ("用这个", None),
        ("use foo to make a video of a cat", None),
        ("用foo做小狗", None),
        ("use one two three four five", None),
        ("用一二三四五六七八九十一二三", None),
        ("a cat", None),
        ("用", None),
    ],
)
def test_unknown_model_name(text: str, name: str | None) -> None:
    assert unknown_model_name(text) == name
