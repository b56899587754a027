"""Seed 001 "Never Say to Users": render every public text in every variant and look for forbidden words."""

from __future__ import annotations

import inspect
import itertools
import re
from collections.abc import Callable, Iterator
from types import ModuleType

import pytest

import messages as m
from messages import Alternative, Lang, Selection
from providers.errors import ErrorKind
from providers.types import CreditUnit, TaskType
from tests.messages.samples import entry, t2v_entries

LANGS: tuple[Lang, ...] = ("zh", "en")
TRAITS = ("popular", "quality", "budget", "fast", "audio", "premium", "cinematic", "stable", "general", "odd")
FAMILIES = (None, "sora", "kling", "wan")
URL = "https://cdn.example.com/videos/cat-on-the-moon.mp4"
PROMPTS = {
    "zh": "一只橘猫在雨夜的霓虹街头散步,电影感",
    "en": "An orange cat strolling down a neon street at night",
}
MODEL_NAMES = ("Wan 2.6", "Kling O1", "Google Veo 3.1", "SeeDance 1.5 Pro", "Sora 2 Pro")

LATIN_TERMS = (
    "script", "automation", "API", "HTTP", "attribute_id", "model_version", "form_config", "Traceback",
    "Exception", "resource_status", "null",
)  # fmt: skip
CLASS_NAMES = ("None", "ErrorKind", "CreditUnit", "TaskType", "Selection", "ReplyKind")
CHINESE_TERMS = (
    "脚本",
    "自动化脚本",
    "自动处理",
    "产品列表",
    "查询接口",
    "接口",
    "自动解析",
    "智能轮询",
    "技术参数",
)
FORBIDDEN = [
    *(re.compile(rf"(?<![A-Za-z]){term}(?![A-Za-z])", re.IGNORECASE) for term in LATIN_TERMS),
    *(re.compile(rf"(?<![A-Za-z]){name}(?![A-Za-z])") for name in CLASS_NAMES),
    *(re.compile(term) for term in CHINESE_TERMS),
    re.compile(r"(?<!\d)(6006|6009|6010|4008|401|429|503|500|400)(?!\d)"),  # error codes
    re.compile(r"[A-Za-z]+Error|\bError[A-Z]"),  # exception class names
    re.compile(r"[a-z]+_[a-z_]+"),  # identifiers and enum values (text_to_video, rate_limited, ...)
    re.compile(r"\{\w*\}"),  # an unfilled template field
]
CJK = re.compile(r"[\u4e00-\u9fff]")


def _units() -> Iterator[tuple[CreditUnit, int]]:
    for unit in CreditUnit:
        for credits in (5, 25, 48, 150):
            yield unit, 0 if unit is CreditUnit.FREE else credits


def _format(lang: Lang) -> Iterator[tuple[str, str]]:
    for unit, credits in _units():
        yield "credits_text", m.credits_text(lang, credits, unit)
        yield "credits_words", m.credits_words(lang, credits, unit)
        yield "credits_range_text", m.credits_range_text(lang, credits, credits * 4, unit)
    for lo, hi in ((60, 120), (90, 180), (180, 360), (120, 300)):
        yield "eta_text", m.eta_text(lang, lo, hi)
        yield "minutes_range_text", m.minutes_range_text(lang, lo, hi)
        yield "minutes", m.minutes(hi)
    for trait in TRAITS:
        yield "trait_label", m.trait_label(lang, trait)
    for task in TaskType:
        yield "task_label", m.task_label(lang, task)


def _protocol(lang: Lang) -> Iterator[tuple[str, str]]:
    for selection, (unit, credits), trait, cheaper in itertools.product(
        Selection, _units(), TRAITS, (None, ("Vidu Q2", 5))
    ):
        yield "pre_notification", m.pre_notification(
            lang, model_name="Kling O1", eta_min_s=180, eta_max_s=360, credits=credits, unit=unit,
            selection=selection, trait=trait, cheaper=cheaper,
        )  # fmt: skip
    for unit, credits in _units():
        for prompt in (PROMPTS[lang], "", PROMPTS[lang] * 20):
            yield "success_caption", m.success_caption(
                lang, model_name="Wan 2.6", eta_min_s=60, eta_max_s=120, actual_s=97, credits=credits,
                unit=unit, prompt=prompt,
            )  # fmt: skip
    yield "video_link", m.video_link(lang, URL)
    yield "open_video_label", m.open_video_label(lang)
    for name in MODEL_NAMES:
        yield "retry_button_label", m.retry_button_label(lang, name)
    for kind, family, unit in itertools.product(ErrorKind, FAMILIES, CreditUnit):
        alternatives = [
            Alternative("Hailuo 2.0", "budget", 5, 5, unit),
            Alternative("Kling O1", "odd", 48, 120, unit),
        ]
        for alts in (alternatives, []):
            yield "failure", m.failure(lang, kind=kind, model_family=family, alternatives=alts)


def _errors_and_progress(lang: Lang) -> Iterator[tuple[str, str]]:
    for kind, family in itertools.product(ErrorKind, FAMILIES):
        yield "error_reason", m.error_reason(lang, kind, model_family=family)
    for elapsed, max_s in ((0, 120), (30, 120), (120, 180), (200, 180), (355, 360)):
        percent = m.progress_percent(elapsed, max_s)
        for overdue in (False, True):
            yield (
                "progress",
                m.progress(lang, percent=percent, elapsed_s=elapsed, max_s=max_s, overdue=overdue),
            )


def _chat(lang: Lang) -> Iterator[tuple[str, str]]:
    yield "help_text", m.help_text(lang)
    yield "help_text", m.help_text(lang, slash=True)
    yield "models_pick", m.models_pick(lang, list(TaskType))
    for task in TaskType:
        yield "pick_placeholder", m.pick_placeholder(lang, task)
    for task, unit in itertools.product(TaskType, CreditUnit):
        entries = [
            entry(e.key, e.credits_min, e.credits_max, task_type=task, unit=unit) for e in t2v_entries()
        ]
        yield "models_list", m.models_list(lang, task_type=task, entries=entries, default_key="wan-2.6")
        yield (
            "models_list",
            m.models_list(lang, task_type=task, entries=entries, default_key="wan-2.6", slash=True),
        )
        yield "models_list", m.models_list(lang, task_type=task, entries=[], default_key="wan-2.6")
        yield "choose_model", m.choose_model(lang, entries)
        yield "model_not_found", m.model_not_found(lang, "Kling 9", entries)
        yield "model_not_found", m.model_not_found(lang, "Kling 9", [])
        yield "no_model_available", m.no_model_available(lang, task)
        yield "model_not_for_task", m.model_not_for_task(lang, "Vidu Q2", task)
    for name in MODEL_NAMES:
        yield "pref_saved", m.pref_saved(lang, name)
        yield (
            "pref_saved_each",
            m.pref_saved_each(lang, [(TaskType.TEXT_TO_VIDEO, name), (TaskType.IMAGE_TO_VIDEO, "x")]),
        )
        yield "pref_switched", m.pref_switched(lang, name)
        yield "cheapest_retry", m.cheapest_retry(lang, name)
    yield "cheapest_once", m.cheapest_once(lang)
    yield "prefs_summary", m.prefs_summary(lang, [(task, "Wan 2.6") for task in TaskType])
    yield "prefs_summary", m.prefs_summary(lang, [])
    yield "prefs_reset", m.prefs_reset(lang)


def _notes(lang: Lang) -> Iterator[tuple[str, str]]:
    for limit in (1, 3):
        yield "too_many_jobs", m.too_many_jobs(lang, limit)
    yield "prompt_too_long", m.prompt_too_long(lang, max_chars=1500, model_name="Wan 2.6")
    yield "message_too_long", m.message_too_long(lang, 4000)
    simple: tuple[Callable[[Lang], str], ...] = (
        m.still_working, m.need_prompt, m.nothing_to_retry, m.ok_no_retry,
        m.internal_error, m.job_busy, m.delivery_fallback,
    )  # fmt: skip
    for function in simple:
        yield function.__name__, function(lang)
    for prompt in (PROMPTS[lang], "x" * 200):
        yield "uncertain_order", m.uncertain_order(lang, prompt)
        yield "late_delivery_note", m.late_delivery_note(lang, prompt)


def _platform(lang: Lang) -> Iterator[tuple[str, str]]:
    yield "attachment_not_image", m.attachment_not_image(lang)
    yield "attachment_too_large", m.attachment_too_large(lang, 20)
    yield "unsupported_message", m.unsupported_message(lang)
    yield "not_allowed", m.not_allowed(lang)
    yield "picture_not_found", m.picture_not_found(lang, "~/Pictures/cat.png")
    yield "offline_video_note", m.offline_video_note(lang)
    for offline in (True, False):
        yield "terminal_welcome", m.terminal_welcome(lang, m.help_text(lang), offline=offline)
    yield "image_received", m.image_received(lang)
    for problem in ("not_https", "private", "unreachable", "local_path"):
        yield "image_link_refused", m.image_link_refused(lang, problem)
    for unit in CreditUnit:
        yield (
            "model_option_label",
            m.model_option_label(
                lang, name="Kling O1", credits_min=48, credits_max=120, unit=unit, eta_max_s=360
            ),
        )


def _providers(lang: Lang) -> Iterator[tuple[str, str]]:
    names = ("ima", "mediaio", "aivideomaker", "aims", "mythiq", "sandbox")
    for name in names:
        yield "provider_label", m.provider_label(lang, name)
        yield "provider_lacks_model", m.provider_lacks_model(lang, name, "Kling 2.6")
        yield "provider_needs_image_links", m.provider_needs_image_links(lang, name)
    for unit in CreditUnit:
        yield (
            "failover_note",
            m.failover_note(
                lang, model_name="Wan 2.6", from_provider="ima", to_provider="mediaio", credits=40, unit=unit
            ),
        )
        yield (
            "balances_text",
            m.balances_text(lang, [(name, 1200, unit) for name in names] + [("ima", None, unit)]),
        )
    yield "balances_text", m.balances_text(lang, [])
    yield "balances_text", m.balances_text(lang, [], all_free=True)


RENDERERS = (_format, _protocol, _errors_and_progress, _chat, _notes, _platform, _providers)
RENDERED = [(lang, name, text) for lang in LANGS for render in RENDERERS for name, text in render(lang)]


def assert_never_says(rendered: list[tuple[Lang, str, str]], lang: Lang) -> None:
    """Every text of ``lang`` in ``rendered`` (lang, function name, text) says something, and nothing
    the seed forbids."""
    for text_lang, name, text in rendered:
        if text_lang != lang:
            continue
        assert text.strip(), name
        for pattern in FORBIDDEN:
            found = pattern.search(text)
            assert found is None, f"{name} says {found.group()!r}: {text!r}"


def public_functions(module: ModuleType) -> set[str]:
    """The public functions a module defines itself (its texts)."""
    return {
        name
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if function.__module__ == module.__name__ and not name.startswith("_")
    }


def assert_languages(rendered: list[tuple[Lang, str, str]], language_free: set[str]) -> None:
    """English texts hold no Chinese; Chinese texts are Chinese (but names in ``language_free`` and
    amounts of money, which read the same in both)."""
    for lang, name, text in rendered:
        if lang == "en":
            assert not CJK.search(text), f"{name}: {text!r}"
        elif name not in language_free and not text.startswith("$"):
            assert CJK.search(text), f"{name}: {text!r}"


def test_every_public_text_function_is_rendered() -> None:
    public = {name for name in m.__all__ if inspect.isfunction(getattr(m, name))}
    assert public - {"progress_percent"} == {name for _, name, _ in RENDERED}


@pytest.mark.parametrize("lang", LANGS)
def test_never_say(lang: Lang) -> None:
    assert_never_says(RENDERED, lang)


def test_english_texts_hold_no_chinese_and_chinese_texts_are_chinese() -> None:
    assert_languages(RENDERED, {"credits_text", "credits_range_text", "minutes", "provider_label"})


def test_the_check_catches_what_it_should() -> None:
    leaks = [
        "API 密钥无效", "Error 6006", "HTTP 429", "UnexpectedResponseError", "Traceback (most recent call",
        "resource_status == 2", "text_to_video", "自动化脚本", "查询接口", "model is null", "{model}",
    ]  # fmt: skip
    for leak in leaks:
        assert any(pattern.search(leak) for pattern in FORBIDDEN), leak
    assert not any(pattern.search(URL) for pattern in FORBIDDEN)
