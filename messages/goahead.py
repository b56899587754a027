"""Words of a go-ahead: the question before a dear video or a message that did not ask for one, its
buttons, and what the user hears when they say no or do not answer in time."""

from __future__ import annotations

from messages.format import credits_text, eta_text, shown_prompt
from messages.reply import Lang
from messages.text import Text
from providers.types import CreditUnit

ASK_COST = Text(
    "这个视频需要 {cost},超过了这里 {threshold} 的确认线,确定要生成吗?\n• 模型:{model}\n• 预计:{eta}",
    "This video costs {cost}, above the {threshold} that needs a confirmation here. Shall I make it?\n"
    "• Model: {model}\n• Time: {eta}",
)
ASK_WORDS = Text(
    "要我把这段话做成视频吗?\n「{prompt}」\n• 模型:{model}\n• 预计:{eta}\n• 消耗:{cost}",
    'Shall I make a video of this?\n"{prompt}"\n• Model: {model}\n• Time: {eta}\n• Cost: {cost}',
)
HOW_TO_ANSWER = Text(
    "点下面的按钮,或回复「好」开始、「不用了」取消({minutes} 分钟内有效)。",
    'Tap a button below, or reply "yes" to start or "no" to cancel (valid for {minutes} min).',
)
GO = Text("生成视频", "Make it")
STOP = Text("取消", "Cancel")
CANCELLED = Text("好的,已取消,没有扣费。", "OK, cancelled. Nothing was charged.")
EXPIRED = Text(
    "这个视频没有等到确认,已经取消了,没有扣费。想要的话再发一次就好。",
    "No go-ahead came for this video, so it was cancelled and nothing was charged. Just ask again any time.",
)
NOT_WAITING = Text(
    "这个问题已经过期或处理过了,直接告诉我你想生成什么吧。",
    "That question has expired or was already answered; just tell me what video you'd like.",
)
PROMPT_SHOWN_CHARS = 200


def ask_cost(
    lang: Lang,
    *,
    model: str,
    credits: int,
    unit: CreditUnit,
    threshold: str,
    eta: tuple[int, int],
    minutes: int,
) -> str:
    """A video above the chat's confirmation threshold: its cost, model and time, and how to answer."""
    text = ASK_COST(
        lang,
        cost=credits_text(lang, credits, unit),
        threshold=threshold,
        model=model,
        eta=eta_text(lang, *eta),
    )
    return text + "\n\n" + HOW_TO_ANSWER(lang, minutes=minutes)


def ask_words(
    lang: Lang, *, prompt: str, model: str, credits: int, unit: CreditUnit, eta: tuple[int, int], minutes: int
) -> str:
    """Words that did not ask for a video: would they like one, with what it would cost."""
    shown = shown_prompt(prompt, PROMPT_SHOWN_CHARS)
    text = ASK_WORDS(
        lang, prompt=shown, model=model, eta=eta_text(lang, *eta), cost=credits_text(lang, credits, unit)
    )
    return text + "\n\n" + HOW_TO_ANSWER(lang, minutes=minutes)


def go_label(lang: Lang) -> str:
    return GO(lang)


def stop_label(lang: Lang) -> str:
    return STOP(lang)


def cancelled(lang: Lang, *, expired: bool) -> str:
    return (EXPIRED if expired else CANCELLED)(lang)


def not_waiting(lang: Lang) -> str:
    return NOT_WAITING(lang)
