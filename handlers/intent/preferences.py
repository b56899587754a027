"""Model choices inside a message (seed 001 "When to Update"): a named model, a policy, remember or not.

A specific model name ("Kling O1", "wan2.6") counts anywhere. A bare family word ("可灵", "kling",
"海螺") counts only in a model phrase — after 用/换成/use/with/switch to..., before 模型/model, or as the
whole message — because family words are also ordinary words (海螺 is a conch, wan is pale).
Remember: a named model or BEST is saved (seed: "用XXX" switches and saves); CHEAPEST only with
"以后都用 / always"; "这次 / this time" never saves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from handlers.intent.gates import Gated, any_of
from handlers.intent.names import NameMatch, find_model_names
from handlers.intent.text import CJK, PUNCT, cut, cut_spans, is_blank
from handlers.intent.types import ModelMention, Policy

_ZH_WHEN = (
    r"(?:这一?次|本次|临时|以后|今后|之后|从现在开始|从现在起|从今以后|往后)?[,，]?"
    r"(?:都|就|也|先|还是)?(?:一直|总是|默认)?"
)
_ZH_VERB = (
    r"(?:使用|用|换成|换到|换用|改用|改成|改为|切换到|切换成|切换为|切到|选用|选择|选"
    r"|设为|设置为|设置成|设成|默认为|默认是)"
)
_ZH_TRIGGER = rf"{_ZH_WHEN}{_ZH_VERB}\s*"
_EN_WHEN = (
    r"(?:(?:always|from\s+now\s+on|by\s+default|this\s+time|for\s+now|just|please|let'?s|and|then)"
    r"(?:\s*,\s*|\s+)){0,3}"
)
_EN_VERB = (
    r"(?:use|using|switch(?:\s+over)?\s+to|change\s+to|go\s+with|try|with|via|default\s+to"
    r"|set\s+(?:the\s+|my\s+)?(?:default\s+)?(?:model\s+)?to)"
)
_EN_TRIGGER = rf"\b{_EN_WHEN}{_EN_VERB}\s+(?:the\s+)?"
_LABEL = r"(?:the\s+)?(?:model|模型)\s*[:：]\s*"
_EN_TAIL = (
    r"(?:\s*,?\s*(?:from\s+now\s+on|by\s+default|as\s+(?:my\s+|the\s+)?default|always|this\s+time"
    r"|just\s+this\s+once|for\s+now|instead))?"
)
_ZH_TAIL = r"(?:吧|呗)?(?:来|去)?(?:(?:做|生成|制作|拍|画)(?:一个|一段|一条|一部|个|段|条|部)?)?"
_TO_VERB = r"(?:\s*\bto(?=\s+(?:make|generate|create|animate|produce|render)\b))?"

_TRIGGER_REACH = 48  # longer than any trigger phrase
_TRIGGER_BEFORE = re.compile(rf"(?:{_ZH_TRIGGER}|{_EN_TRIGGER}|{_LABEL})\Z", re.IGNORECASE)
_NAME_AFTER = re.compile(
    rf"(?P<word>\s*(?:这个)?模型|\s+model|\s+one)?{_EN_TAIL}\s*{_ZH_TAIL}{_TO_VERB}", re.IGNORECASE
)
# Before an instrumental 用 ("一个人用海螺吹" is a conch) only a clause start or polite words may stand.
_CLAUSE_START = re.compile(
    rf"(?:^|[{PUNCT}]|请|帮我|帮忙|麻烦|给我|我想|我要|想|要|你|就|那就|那|再|然后|并且|可以|能不能|可不可以|能)\Z"
)
_INSTRUMENTAL_USE = re.compile(r"(?<![改换选])(?:使)?用\s*\Z")

_ZH = rf"(?:{_ZH_TRIGGER})"
_EN = rf"(?:{_EN_TRIGGER})"
_ZH_ONE = r"的?(?:模型|那个|那款|一个|版本)?"
_EN_ONE = r"(?:\s+(?:model|one|option))?"
_BEST = Gated(
    re.compile(
        "|".join(
            (
                rf"{_ZH}最好的?(?:模型|那个|那款|一个|版本)?",
                rf"{_ZH}?最好的?模型",
                rf"{_ZH}?(?:最高|最好的?|最佳|最强)(?:质量|画质|效果){_ZH_ONE}",
                rf"{_ZH}?(?:质量|画质|效果)最好{_ZH_ONE}",
                rf"{_EN}?(?:the\s+)?(?:best|highest|top|max(?:imum)?)[\s-]+quality(?:\s+model)?\b{_EN_TAIL}",
                rf"{_EN}?(?:the\s+)?(?:very\s+)?best\s+(?:model|one|option)\b{_EN_TAIL}",
                rf"{_EN}(?:very\s+)?best\b{_EN_TAIL}",
            )
        ),
        re.IGNORECASE,
    ),
    any_of(("最", "best", "quality")),  # each way above of asking for the best says one of these
)
_CHEAPEST = Gated(
    re.compile(
        "|".join(
            (
                rf"{_ZH}?(?:最便宜|最省钱|最实惠|最低价|价格最低|成本最低|最低成本){_ZH_ONE}",
                rf"{_ZH}便宜(?:点|一点|些|一些)?{_ZH_ONE}",
                rf"{_ZH}?便宜(?:点|一点|些|一些)?的模型",
                rf"{_EN}?(?:the\s+)?(?:cheapest|least\s+expensive|lowest[\s-]+(?:cost|price)){_EN_ONE}\b{_EN_TAIL}",
                rf"{_EN}(?:an?\s+)?(?:cheap|cheaper|budget){_EN_ONE}\b{_EN_TAIL}",
                rf"(?:an?\s+)?(?:cheap|cheaper|budget)\s+model\b{_EN_TAIL}",
            )
        ),
        re.IGNORECASE,
    ),
    any_of(("最", "便宜", "cheap", "expensive", "lowest", "budget")),  # as above, for the cheapest
)
_ALWAYS = re.compile(
    r"以后|今后|之后|从现在|从今|往后|默认|一直|总是|always|from\s+now\s+on|default", re.IGNORECASE
)
_ONCE = re.compile(r"这一?次|本次|临时|this\s+time|just\s+this\s+once|for\s+now", re.IGNORECASE)

_UNKNOWN = re.compile(
    rf"(?:请|帮我|麻烦)?\s*(?:{_ZH_WHEN}(?:使用|用|换成|换到|换用|改用|改成|改为|切换到|切换成|切到)"
    r"|(?:(?:always|from\s+now\s+on|please|just)\s*,?\s+)*(?:use|switch\s+to|change\s+to))\s*(?:the\s+)?"
    rf"(?P<name>.+?)(?:\s*(?:模型|model))?[{PUNCT}]*",
    re.IGNORECASE,
)
_NOT_A_NAME = re.compile(
    r"^(?:(?:an?|this|that|it|my|your|some|something|these|those|me|other|another|different)\b"
    r"|这|那|它|别|其他|其它)"
    r"|做|生成|制作|拍|画|视频|短片|\b(?:video|clip|make|generate|create|animate|render)\b",
    re.IGNORECASE,
)
_CJK_RE = re.compile(f"[{CJK}]")


@dataclass(frozen=True)
class Preference:
    """What a message says about the model: a name, a policy, and whether to save it."""

    model: ModelMention | None = None
    policy: Policy | None = None
    remember: bool = False


@dataclass(frozen=True)
class _Phrase:
    start: int
    end: int
    text: str


def _model_phrase(text: str, name: NameMatch) -> _Phrase | None:
    """The phrase naming ``name`` (trigger + name + tail), or None when a family word is not a choice."""
    trigger = _TRIGGER_BEFORE.search(text, max(0, name.start - _TRIGGER_REACH), name.start)
    tail = _NAME_AFTER.match(text, name.end)
    assert tail is not None  # every part is optional
    start = trigger.start() if trigger else name.start
    phrase = _Phrase(start, tail.end(), text[start : tail.end()])
    if name.mention.key is not None or tail["word"] or is_blank(cut(text, name.start, name.end)):
        return phrase
    if trigger is None:
        return None
    clause_at = trigger.start() + (trigger.group()[:1] in ",，")
    if _INSTRUMENTAL_USE.search(trigger.group()) and not _CLAUSE_START.search(
        text, max(0, clause_at - 4), clause_at
    ):
        return None
    return phrase


def _find_model(text: str) -> tuple[ModelMention | None, list[_Phrase]]:
    phrases: list[_Phrase] = []
    chosen: ModelMention | None = None
    for name in find_model_names(text):
        phrase = _model_phrase(text, name)
        if phrase is not None and (not phrases or phrase.start >= phrases[-1].end):
            phrases.append(phrase)
            chosen = chosen or name.mention
    return chosen, phrases


def _find_policy(text: str) -> tuple[Policy | None, _Phrase | None]:
    found = [
        (m, policy)
        for policy, pattern in ((Policy.BEST, _BEST), (Policy.CHEAPEST, _CHEAPEST))
        if (m := pattern.search(text))
    ]
    if not found:
        return None, None
    match, policy = min(found, key=lambda item: item[0].start())
    return policy, _Phrase(match.start(), match.end(), match.group())


def extract_preference(text: str) -> tuple[Preference, str]:
    """The model choice said in ``text``, and the text without those phrases."""
    model, phrases = _find_model(text)
    text = cut_spans(text, [(p.start, p.end) for p in phrases])
    policy, policy_phrase = _find_policy(text)
    if policy_phrase is not None:
        text = cut(text, policy_phrase.start, policy_phrase.end)
        phrases.append(policy_phrase)
    said = " ".join(p.text for p in phrases)
    if _ONCE.search(said):
        remember = False
    else:
        remember = bool(_ALWAYS.search(said)) or model is not None or policy is Policy.BEST
    return Preference(model=model, policy=policy, remember=remember), text


# A model named inside a request ("用 Runway 做一个小狗的视频", "make a puppy video with Runway"): in
# Chinese any Latin name before a making verb; in English a well-known video model we do not offer,
# or any name followed by "model" (a bare "with X" is too often part of the scene: "with Eiffel Tower").
_ZH_NAMED = re.compile(
    r"(?:^|[\s,,。!!??])(?:请|帮我|麻烦)?\s*(?:使用|用)\s*(?P<name>[A-Za-z][\w.\- ]{0,24}?)\s*"
    r"(?:模型)?\s*(?:来|给我|帮我)?\s*(?:做|生成|制作|出)"
)
_GENERIC = frozenset({"ai", "a.i.", "aigc"})  # "用 AI 生成…" names no model
ELSEWHERE = (
    "runway", "runway gen-3", "runway gen-4", "gen-3", "gen-4", "pika", "luma", "dream machine",
    "midjourney", "stable video", "svd", "haiper", "hunyuan", "mochi", "ltx", "cogvideo", "cogvideox",
    "jimeng", "kaiber", "genmo", "invideo", "heygen", "synthesia",
)  # fmt: skip
_EN_NAMED = re.compile(
    r"\b(?:with|using|via|on|in)\s+(?:the\s+)?(?P<name>[A-Za-z][\w.\-]*(?:\s+[A-Za-z0-9][\w.\-]*){0,2}?)"
    r"(?P<model>\s+(?:model|ai))?(?=$|[\s,.!?;:])",
    re.IGNORECASE,
)


_EN_USE_TO = re.compile(
    r"\buse\s+(?:the\s+)?(?P<name>[A-Za-z][\w.\-]*(?:\s+[\w.\-]+){0,2}?)\s+(?:model\s+)?"
    r"to\s+(?:make|create|generate|render|do)\b",
    re.IGNORECASE,
)


def unknown_model_in_request(text: str) -> str | None:
    """The name of a model we do not know, named inside a video request; None when there is none."""
    for found in (_ZH_NAMED.search(text), _EN_USE_TO.search(text)):
        if found and not _NOT_A_NAME.search(found["name"]) and found["name"].strip().lower() not in _GENERIC:
            return found["name"].strip()
    for en in _EN_NAMED.finditer(text):
        name = en["name"].strip()
        if name.lower() in ELSEWHERE or (en["model"] and not _NOT_A_NAME.search(name)):
            return name
    return None


def unknown_model_name(text: str) -> str | None:
    """XXX in a lone "用XXX" / "use XXX" naming no model we know (short, nothing else asked)."""
    match = _UNKNOWN.fullmatch(text.strip())
    if match is None:
        return None
    name = match["name"].strip()
    if not name or _NOT_A_NAME.search(name):
        return None
    too_long = len(re.sub(r"\s+", "", name)) > 12 if _CJK_RE.search(name) else len(name.split()) > 4
    return None if too_long else name
