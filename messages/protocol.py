"""Steps 1, 3 and 4 of the seed 001 protocol: before, on success and on failure of a generation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from messages.errors import error_reason
from messages.format import (
    credits_range_text,
    credits_text,
    credits_words,
    eta_text,
    shown_prompt,
    trait_label,
)
from messages.reply import Lang, Selection
from messages.text import Text
from providers.catalogue import CatalogueEntry
from providers.errors import ErrorKind
from providers.specs import EXPENSIVE_CREDITS
from providers.types import CreditUnit

PROMPT_IN_CAPTION_CHARS = 200

# Step 1: pre-notification
START = Text(
    "🎬 开始生成视频,请稍候…",
    "🎬 Starting video generation, this may take {lo}~{hi} seconds. I'll update you on progress…",
)
START_PREFERRED = Text(
    "🎬 根据你的使用习惯,将用 {model} 帮你生成视频…",
    "🎬 Based on your usual choice, I'll use {model} for your video. "
    "This may take {lo}~{hi} seconds. I'll update you on progress…",
)
MODEL = Text("• 模型:{model}", "• Model: {model}")
MODEL_PREFERRED = Text("• 模型:{model}(你的常用模型)", "• Model: {model} (your usual model)")
ETA = Text("• 预计耗时:{eta}", "• Estimated time: {eta}")
COST = Text("• 消耗积分:{cost}", "• Credits: {cost}")
MONEY = Text("• 费用:{cost}", "• Cost: {cost}")  # a price in money (MythIQ) is no credits
CLOSING = Text("视频生成需要一定时间,我会每隔一段时间汇报进度 🙏", "")
COST_DEMO = Text("离线演示模式,不消耗积分", "Offline demo mode, no credits are used")
COST_PREMIUM = Text(
    "使用高端模型 {model}({cost}),质量最佳", "Using premium model {model} ({cost}), best quality"
)
COST_CHEAPEST = Text("使用 {model}({cost},最省钱选项)", "Using {model} ({cost}, the cheapest option)")
COST_CHEAPER = Text(
    "使用 {model}({cost})。若想省一些,可改用 {other}({other_cost})",
    "Using {model} ({cost}). To save credits, you can switch to {other} ({other_cost})",
)
COST_TRAIT = Text("使用 {model}({cost},{trait})", "Using {model} ({cost}, {trait})")

# Step 3: success
SUCCESS = Text(
    "✅ 视频生成成功!\n• 模型:{model}\n• 耗时:预计 {lo}~{hi}s,实际 {actual}s\n{cost}",
    "✅ Your video is ready!\n• Model: {model}\n• Time: estimated {lo}~{hi}s, actual {actual}s\n{cost}",
)
VIDEO_LINK = Text("🔗 视频链接(方便复制分享):\n{url}", "🔗 Video link (easy to copy and share):\n{url}")
OPEN_VIDEO = Text("打开视频", "Open video")

# Step 4: failure
FAILED = Text("❌ 视频生成失败\n• 原因:{reason}", "❌ Video generation failed\n• Reason: {reason}")
SUGGEST = Text("• 建议改用:", "• Try instead:")
WHICH_VIDEO = Text("• 视频:「{prompt}」", '• Video: "{prompt}"')
ALTERNATIVE = Text("  - {name}({trait},{price})", "  - {name} ({trait}, {price})")
ASK_RETRY = Text("需要我帮你用其他模型重试吗?", "Want me to retry with another model?")
TRY_LATER = Text("请稍后再试 🙏", "Please try again later 🙏")
RETRY_WITH = Text("用 {model} 重试", "Retry with {model}")


@dataclass(frozen=True)
class Alternative:
    """A model to suggest after a failure, with its trait key and price range."""

    name: str
    trait: str
    credits_min: int
    credits_max: int
    unit: CreditUnit

    @classmethod
    def of(cls, entry: CatalogueEntry) -> Alternative:
        """The suggestion for one offered model."""
        return cls(entry.name, entry.spec.trait, entry.credits_min, entry.credits_max, entry.unit)


def _cost_line(
    lang: Lang,
    *,
    model: str,
    credits: int,
    unit: CreditUnit,
    selection: Selection,
    trait: str,
    cheaper: tuple[str, int] | None,
) -> str:
    if unit is CreditUnit.FREE:
        return COST_DEMO(lang)
    cost = credits_words(lang, credits, unit)
    expensive = credits > EXPENSIVE_CREDITS
    if expensive and selection in (Selection.EXPLICIT, Selection.BEST):
        return COST_PREMIUM(lang, model=model, cost=cost)
    if selection is Selection.CHEAPEST:
        return COST_CHEAPEST(lang, model=model, cost=cost)
    if expensive and cheaper is not None:
        other, other_credits = cheaper
        other_cost = credits_words(lang, other_credits, unit)
        return COST_CHEAPER(lang, model=model, cost=cost, other=other, other_cost=other_cost)
    return COST_TRAIT(lang, model=model, cost=cost, trait=trait_label(lang, trait))


def pre_notification(
    lang: Lang,
    *,
    model_name: str,
    eta_min_s: int,
    eta_max_s: int,
    credits: int,
    unit: CreditUnit,
    selection: Selection,
    trait: str,
    cheaper: tuple[str, int] | None,
) -> str:
    """Step 1: model, estimated time, credits and one cost-transparency line."""
    preferred = selection is Selection.PREFERENCE
    header = (START_PREFERRED if preferred else START)(lang, model=model_name, lo=eta_min_s, hi=eta_max_s)
    bullets = job_bullets(
        lang, model_name=model_name, eta=(eta_min_s, eta_max_s), cost=(credits, unit), preferred=preferred
    )
    cost_line = _cost_line(
        lang, model=model_name, credits=credits, unit=unit, selection=selection, trait=trait, cheaper=cheaper
    )
    closing = [line for line in (cost_line, CLOSING(lang)) if line]
    return "\n".join([header, *bullets]) + "\n\n" + "\n".join(closing)


def job_bullets(
    lang: Lang,
    *,
    model_name: str,
    eta: tuple[int, int],
    cost: tuple[int, CreditUnit] | None,
    preferred: bool = False,
) -> list[str]:
    """The pre-notification's bullets: model, estimated time and (when quoted) the cost."""
    bullets = [
        (MODEL_PREFERRED if preferred else MODEL)(lang, model=model_name),
        ETA(lang, eta=eta_text(lang, *eta)),
    ]
    return bullets + ([cost_bullet(lang, *cost)] if cost else [])


def _caption_prompt(prompt: str) -> str:
    return shown_prompt(prompt, PROMPT_IN_CAPTION_CHARS) if prompt.strip() else ""


def cost_bullet(lang: Lang, credits: int, unit: CreditUnit) -> str:
    """``• 消耗积分:25 pts``; a price in money is a cost: ``• 费用:$0.20``."""
    return (MONEY if unit is CreditUnit.USD_CENTS else COST)(lang, cost=credits_text(lang, credits, unit))


def success_caption(
    lang: Lang,
    *,
    model_name: str,
    eta_min_s: int,
    eta_max_s: int,
    actual_s: int,
    credits: int,
    unit: CreditUnit,
    prompt: str,
) -> str:
    """Step 3.1: the caption under the video; the prompt follows, shortened, when there is one."""
    caption = SUCCESS(
        lang,
        model=model_name,
        lo=eta_min_s,
        hi=eta_max_s,
        actual=actual_s,
        cost=cost_bullet(lang, credits, unit),
    )
    shown = _caption_prompt(prompt)
    return f"{caption}\n\n{shown}" if shown else caption


def video_link(lang: Lang, url: str) -> str:
    """Step 3.2: the link as text, for copying and sharing."""
    return VIDEO_LINK(lang, url=url)


def open_video_label(lang: Lang) -> str:
    """The label of the button that opens the video."""
    return OPEN_VIDEO(lang)


def failure(
    lang: Lang,
    *,
    kind: ErrorKind,
    model_family: str | None,
    alternatives: Sequence[Alternative],
    prompt: str | None = None,
) -> str:
    """Step 4: the reason in plain words, then alternatives and an offer to retry (or "try later");
    ``prompt`` names the video when the failure may not sit under its notice."""
    head = FAILED(lang, reason=error_reason(lang, kind, model_family=model_family))
    if prompt:
        head += "\n" + WHICH_VIDEO(lang, prompt=shown_prompt(prompt))
    if not alternatives:
        return f"{head}\n\n{TRY_LATER(lang)}"
    lines = [
        ALTERNATIVE(
            lang,
            name=alt.name,
            trait=trait_label(lang, alt.trait),
            price=credits_range_text(lang, alt.credits_min, alt.credits_max, alt.unit),
        )
        for alt in alternatives
    ]
    return "\n".join([head, SUGGEST(lang), *lines]) + "\n\n" + ASK_RETRY(lang)


def retry_button_label(lang: Lang, model_name: str) -> str:
    """``用 Kling O1 重试`` / ``Retry with Kling O1``."""
    return RETRY_WITH(lang, model=model_name)
