"""Words about providers: their names, a failover, a pinned provider lacking a model, balances."""

from __future__ import annotations

from collections.abc import Sequence

from messages.format import credits_words
from messages.reply import Lang
from messages.text import Text
from providers.types import CreditUnit

NAMES: dict[str, Text] = {
    "ima": Text("IMA Studio", "IMA Studio"),
    "mediaio": Text("Media.io", "Media.io"),
    "aivideomaker": Text("AIVideoMaker", "AIVideoMaker"),
    "aims": Text("AI Media Studio", "AI Media Studio"),
    "mythiq": Text("MythIQ", "MythIQ"),
    "sandbox": Text("离线演示", "offline demo"),
}
FAILOVER = Text(
    "⚡ {old} 暂时忙不过来,已改用 {new} 的 {model}({cost})",
    "⚡ {old} is busy right now, so {model} runs on {new} instead ({cost})",
)
NOT_OFFERED = Text(
    "{provider} 现在不提供 {model},换个模型或者不指定平台试试",
    "{provider} doesn't offer {model} right now; try another model, or don't name a provider",
)
NO_PHOTOS = Text(
    "{provider} 只接受网络图片链接,收不了聊天里发的图片。发一个 https 图片链接,或者不指定平台试试",
    "{provider} only takes pictures as web links, not photos sent in chat. Send an https image link, "
    "or don't name a provider",
)
BALANCES_HEADER = Text("💰 各平台余额:", "💰 Credits left:")
BALANCE_LINE = Text("• {provider}:{amount}", "• {provider}: {amount}")
BALANCE_UNKNOWN = Text("• {provider}:暂时查不到", "• {provider}: not available")
NO_BALANCES = Text("现在查不到余额,请稍后再试", "I can't see any balance right now, please try later")
ALL_FREE = Text(
    "这里是离线演示模式:视频都是免费的,没有余额需要查。",
    "This is the offline demo: videos are free, so there is no balance to check.",
)


def provider_label(lang: Lang, provider: str) -> str:
    text = NAMES.get(provider)
    return text(lang) if text else provider


def failover_note(
    lang: Lang, *, model_name: str, from_provider: str, to_provider: str, credits: int, unit: CreditUnit
) -> str:
    """One short line: the model now runs elsewhere, at this cost (nothing was spent on the first)."""
    return FAILOVER(
        lang,
        old=provider_label(lang, from_provider),
        new=provider_label(lang, to_provider),
        model=model_name,
        cost=credits_words(lang, credits, unit),
    )


def provider_lacks_model(lang: Lang, provider: str, model_name: str) -> str:
    return NOT_OFFERED(lang, provider=provider_label(lang, provider), model=model_name)


def provider_needs_image_links(lang: Lang, provider: str) -> str:
    """A pinned provider that takes only public image URLs, asked with a chat photo (no image host)."""
    return NO_PHOTOS(lang, provider=provider_label(lang, provider))


def balances_text(
    lang: Lang, items: Sequence[tuple[str, int | None, CreditUnit]], *, all_free: bool = False
) -> str:
    """Each configured provider's balance where its service tells it; ``all_free``: only free providers
    are configured (the offline demo), so there is nothing to tell."""
    if not items and all_free:
        return ALL_FREE(lang)
    if not items:
        return NO_BALANCES(lang)
    lines = [BALANCES_HEADER(lang)]
    for provider, amount, unit in items:
        name = provider_label(lang, provider)
        if amount is None:
            lines.append(BALANCE_UNKNOWN(lang, provider=name))
        else:
            lines.append(BALANCE_LINE(lang, provider=name, amount=credits_words(lang, amount, unit)))
    return "\n".join(lines)
