import pytest

from handlers.intent.names import find_model_names
from providers.specs import FAMILY_ALIASES, SPECS, ModelSpec


def _named(text: str) -> list[tuple[str | None, str | None, str]]:
    return [(m.mention.key, m.mention.family, m.mention.text) for m in find_model_names(text)]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Kling O1", "kling-o1"),
        ("kling-o1", "kling-o1"),
        ("klingo1", "kling-o1"),
        ("KLING O1", "kling-o1"),
        ("可灵O1", "kling-o1"),
        ("可灵 o1", "kling-o1"),
        ("kling-video-o1", "kling-o1"),
        ("可灵2.6", "kling-2.6"),
        ("Kling 2.6", "kling-2.6"),
        ("kling v2.6", "kling-2.6"),
        ("kling-v2-6", "kling-2.6"),
        ("wan2.6", "wan-2.6"),
        ("Wan 2.6", "wan-2.6"),
        ("WAN-2.6", "wan-2.6"),
        ("万相2.6", "wan-2.6"),
        ("通义万相 2.6", "wan-2.6"),
        ("海螺02", "hailuo-2.0"),
        ("hailuo 02", "hailuo-2.0"),
        ("Hailuo 2.0", "hailuo-2.0"),
        ("海螺2.3", "hailuo-2.3"),
        ("minimax-hailuo-2.3", "hailuo-2.3"),
        ("veo 3.1", "veo-3.1"),
        ("Veo3.1", "veo-3.1"),
        ("Google Veo 3.1", "veo-3.1"),
        ("pixverse v5", "pixverse-v5"),
        ("Pixverse V5.5", "pixverse-v5.5"),
        ("pixverse 4.5", "pixverse-v4.5"),
        ("vidu q2", "vidu-q2"),
        ("viduq2 pro", "vidu-q2-pro"),
        ("Vidu Q2 Pro", "vidu-q2-pro"),
        ("即梦1.5", "seedance-1.5-pro"),
        ("SeeDance 1.5 Pro", "seedance-1.5-pro"),
        ("sora 2", "sora-2"),
        ("Sora 2 Pro", "sora-2-pro"),
        ("sora-2-pro", "sora-2-pro"),
        ("Kling 2.1 Master", "kling-2.1-master"),
        ("kling 2.5 turbo", "kling-2.5-turbo"),
    ],
)
def test_specific_models_in_every_alias_form(text: str, key: str) -> None:
    assert _named(text) == [(key, None, text)]


@pytest.mark.parametrize(
    ("text", "family"),
    [
        ("可灵", "kling"),
        ("Kling", "kling"),
        ("海螺", "hailuo"),
        ("hailuo", "hailuo"),
        ("MiniMax", "hailuo"),
        ("万相", "wan"),
        ("通义万相", "wan"),
        ("wan", "wan"),
        ("即梦", "seedance"),
        ("Seedance", "seedance"),
        ("veo", "veo"),
        ("google veo", "veo"),
        ("sora", "sora"),
        ("vidu", "vidu"),
        ("pixverse", "pixverse"),
        ("kling ai", "kling"),
        ("海螺AI", "hailuo"),
    ],
)
def test_family_words(text: str, family: str) -> None:
    assert [(key, fam) for key, fam, _ in _named(text)] == [(None, family)]


@pytest.mark.parametrize(
    "text",
    [
        "swan",
        "wander",
        "vidual",
        "wanted",
        "Sorano",
        "klingon",
        "soraya",
        "veon",
        "pixverses",
        "kling3",
        "kling 3",
        "kling v3",
        "可灵3.0",
        "veo3",
        "veo 3",
        "sora 3",
        "kling 2.6.1",
        "wan2.7",
    ],
)
def test_no_match_inside_words_or_for_unknown_versions(text: str) -> None:
    assert _named(text) == []


def test_longest_alias_wins_and_text_is_as_typed() -> None:
    assert _named("用 Sora 2 Pro 做") == [("sora-2-pro", None, "Sora 2 Pro")]
    assert _named("通义万相2.6") == [("wan-2.6", None, "通义万相2.6")]


def test_several_names_left_to_right() -> None:
    assert _named("kling o1 or wan2.6, not 海螺") == [
        ("kling-o1", None, "kling o1"),
        ("wan-2.6", None, "wan2.6"),
        (None, "hailuo", "海螺"),
    ]


def test_names_next_to_chinese_and_punctuation() -> None:
    assert _named("用kling做，wan2.6。") == [(None, "kling", "kling"), ("wan-2.6", None, "wan2.6")]


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.key)
def test_every_spec_alias_name_and_key_resolves_to_its_spec(spec: ModelSpec) -> None:
    for alias in (spec.key, spec.name, *spec.aliases):
        assert _named(alias) == [(spec.key, None, alias)], alias


@pytest.mark.parametrize("family", FAMILY_ALIASES)
def test_every_family_word_resolves_to_its_family(family: str) -> None:
    for word in FAMILY_ALIASES[family]:
        assert _named(word) == [(None, family, word)], word
