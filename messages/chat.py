"""Answers to chat commands: help, the model list, choosing a model and preferences."""

from __future__ import annotations

from collections.abc import Sequence

from messages.format import credits_range_text, minutes_range_text, task_label, trait_label
from messages.reply import Lang
from messages.text import Text
from providers.catalogue import CatalogueEntry
from providers.types import TaskType

HELP = Text(
    "👋 我可以帮你用 AI 生成视频,直接告诉我你想看什么就行:\n"
    "• 文字生成:「一只橘猫在雨夜的霓虹街头散步」\n"
    "• 图片变视频:发一张图片,再说「让它动起来」\n"
    "• 首尾帧:发两张图片(开头和结尾),我来补上中间的画面\n"
    "• 设置参数:在描述里加上「10秒 竖屏 1080p」\n"
    "• 指定模型:「用可灵」;说「以后都用 Kling O1」我会记住\n"
    "• 省积分:「用便宜的」;要画质:「用最好的」\n"
    "• 不满意:「换个模型」\n"
    "• 看模型和价格:「模型列表」\n"
    "• 偏好:「我的偏好」查看,「重置偏好」清除\n"
    "• 进度:「进度」;取消:「取消」;看做过的视频:「我的视频」\n\n"
    "每次生成前,我都会告诉你用哪个模型、预计多久、消耗多少积分。",
    "👋 I turn your messages into AI videos. Just tell me what you'd like to see:\n"
    '• From text: "an orange cat strolling down a neon street on a rainy night"\n'
    '• From a photo: send a picture, then say "animate this"\n'
    "• First and last frame: send two pictures (start and end), I'll fill in the middle\n"
    '• Settings: add "10s vertical 1080p" to your description\n'
    '• Pick a model: "use Kling"; say "always use Kling O1" and I\'ll remember it\n'
    '• Save credits: "cheapest"; best looks: "best quality"\n'
    '• Not happy with it: "try another model"\n'
    '• Models and prices: "models"\n'
    '• Preferences: "my preferences" to see them, "reset preferences" to clear them\n'
    '• How it\'s going: "status"; call it off: "cancel"; your past videos: "my videos"\n\n'
    "Before every video I tell you the model, how long it should take and what it costs.",
)
SLASH_HELP = Text(
    "👋 我可以帮你用 AI 生成视频。在这里用斜杠命令:\n"
    "• /video:写下描述生成视频,可附上图片让它动起来,也可选模型、时长和比例\n"
    "• /status 看进度,/cancel 取消正在生成的视频\n"
    "• /history 我最近的视频,/show 把其中一个再发到这里\n"
    "• /models 模型、价格和耗时,/prefs 我常用的模型,/usage 我的用量\n\n"
    "也可以私信我,直接说想要什么视频(可以发图片)。每次生成前,我都会告诉你用哪个模型、预计多久、消耗多少积分。",
    "👋 I turn your words into AI videos. Here, use the slash commands:\n"
    "• /video: describe it; add a picture to bring to life, or pick a model, length and shape\n"
    "• /status to see how it's going, /cancel to stop a video in progress\n"
    "• /history for your latest videos, /show to post one here again\n"
    "• /models for models, prices and times, /prefs for your usual model, /usage for your spending\n\n"
    "You can also message me directly and just say what you'd like (pictures welcome). Before every "
    "video I tell you the model, how long it should take and what it costs.",
)
LIST_HEADER = Text("🎬 {task}可用模型:", "🎬 Models for {task}:")
LIST_LINE = Text("• {name}{star} — {price} · {eta} · {trait}", "• {name}{star} — {price} · {eta} · {trait}")
PICK_HEADER = Text(
    "🎬 可用模型({tasks}):在下面的列表里选一个设为常用,选项里有价格和耗时。\n"
    "也可以用 /video 的 model 选项只用这一次。",
    "🎬 Models for {tasks}: pick one in a list below to make it your usual; each shows its price and "
    "time.\nOr name one in /video's model option for that video only.",
)
PICK_PLACEHOLDER = Text("{task}:选一个模型", "{task}: pick a model")
LIST_FOOTER_SLASH = Text(
    "⭐ 为推荐模型。用 /video 的 model 选项选这一次,或用 /prefs set 设为常用。",
    "⭐ marks the recommended model. Pick one with /video's model option, or make it your usual with "
    "/prefs set.",
)
LIST_FOOTER = Text(
    "⭐ 为推荐模型。说「用 模型名」即可切换。", '⭐ marks the recommended model. Say "use <model>" to switch.'
)
NO_MODEL = Text(
    "暂时没有可用的{task}模型,请稍后再试 🙏", "No {task} model is available right now, please try later 🙏"
)
CHOOSE_HEADER = Text(
    "想换哪个模型?回复编号或模型名:", "Which model would you like? Reply with a number or a name:"
)
CHOOSE_LINE = Text("{n}. {name}({trait},{price})", "{n}. {name} ({trait}, {price})")
NOT_FOUND = Text(
    "没找到「{name}」这个模型。可以选:{names}",
    'I couldn\'t find a model called "{name}". You can pick: {names}',
)
NOT_FOUND_NONE = Text("没找到「{name}」这个模型。", 'I couldn\'t find a model called "{name}".')
NAME_SEPARATOR = Text("、", ", ")
PREF_SAVED = Text(
    "✅ 已记住!以后视频生成默认用 {model}", "✅ Got it! From now on I'll use {model} for your videos"
)
PREF_SWITCHED = Text(
    "✅ 好的,已换成 {model},以后视频生成也默认用它",
    "✅ Switched to {model}, and I'll keep using it for your videos",
)
CHEAPEST_ONCE = Text(
    "💰 好的,下一个视频用能做它的最省钱的模型,开始前我会告诉你是哪个、消耗多少(这次不改你的默认模型)",
    "💰 OK, your next video uses the cheapest model that can make it; I'll name it and its cost before "
    "it starts (your default stays as it is)",
)
CHEAPEST_RETRY = Text(
    "💰 好的,用最省钱的 {model} 再试一次(这次不改你的默认模型)",
    "💰 OK, trying it again with the cheapest model, {model} (your default stays as it is)",
)
PREF_SAVED_EACH = Text("✅ 已记住!以后视频生成默认用:\n{lines}", "✅ Got it! From now on I'll use:\n{lines}")
PREFS_HEADER = Text("你的偏好:", "Your preferences:")
PREFS_LINE = Text("• {task}:{model}", "• {task}: {model}")
PREFS_EMPTY = Text("还没有偏好,会用推荐模型", "No preferences yet, I'll use the recommended models")
PREFS_RESET = Text(
    "✅ 偏好已清除,之后会用推荐模型", "✅ Preferences cleared, I'll use the recommended models from now on"
)


def help_text(lang: Lang, *, slash: bool = False) -> str:
    """What the bot does, with examples in the user's language; ``slash``: for people who talk to it by
    slash commands (a Discord server), where chat phrases do nothing."""
    return (SLASH_HELP if slash else HELP)(lang)


def _unique_names(entries: Sequence[CatalogueEntry]) -> list[str]:
    return list(dict.fromkeys(entry.name for entry in entries))


def models_list(
    lang: Lang,
    *,
    task_type: TaskType,
    entries: Sequence[CatalogueEntry],
    default_key: str,
    slash: bool = False,
) -> str:
    """One line per model offered for ``task_type``: price, time, trait; ⭐ on the default."""
    if not entries:
        return no_model_available(lang, task_type)
    lines = [
        LIST_LINE(
            lang,
            name=entry.name,
            star=" ⭐" if entry.key == default_key else "",
            price=credits_range_text(lang, entry.credits_min, entry.credits_max, entry.unit),
            eta=minutes_range_text(lang, entry.eta.min_s, entry.eta.max_s),
            trait=trait_label(lang, entry.spec.trait),
        )
        for entry in entries
    ]
    header = LIST_HEADER(lang, task=task_label(lang, task_type))
    return "\n".join([header, *lines]) + "\n\n" + (LIST_FOOTER_SLASH if slash else LIST_FOOTER)(lang)


def models_pick(lang: Lang, task_types: Sequence[TaskType]) -> str:
    """A short header above menus of models (a platform with menus: Discord's ``/models``)."""
    return PICK_HEADER(
        lang,
        tasks="、".join(task_label(lang, t) for t in task_types)
        if lang == "zh"
        else ", ".join(task_label(lang, t) for t in task_types),
    )


def pick_placeholder(lang: Lang, task_type: TaskType) -> str:
    """The prompt inside one menu of models."""
    return PICK_PLACEHOLDER(lang, task=task_label(lang, task_type))


def choose_model(lang: Lang, entries: Sequence[CatalogueEntry]) -> str:
    """A numbered list to pick another model from, with prices."""
    lines = [
        CHOOSE_LINE(
            lang,
            n=number,
            name=entry.name,
            trait=trait_label(lang, entry.spec.trait),
            price=credits_range_text(lang, entry.credits_min, entry.credits_max, entry.unit),
        )
        for number, entry in enumerate(entries, start=1)
    ]
    return "\n".join([CHOOSE_HEADER(lang), *lines])


def model_not_found(lang: Lang, name: str, entries: Sequence[CatalogueEntry]) -> str:
    """The named model is unknown; list the names that are offered."""
    names = _unique_names(entries)
    if not names:
        return NOT_FOUND_NONE(lang, name=name)
    return NOT_FOUND(lang, name=name, names=NAME_SEPARATOR(lang).join(names))


def no_model_available(lang: Lang, task_type: TaskType) -> str:
    """No provider offers any model for this task right now."""
    return NO_MODEL(lang, task=task_label(lang, task_type))


def pref_saved(lang: Lang, model_name: str) -> str:
    """``✅ 已记住!以后视频生成默认用 X`` (以后都用 X / always use X)."""
    return PREF_SAVED(lang, model=model_name)


def pref_switched(lang: Lang, model_name: str) -> str:
    """用 X / 换成 X: switched now and kept as the preference."""
    return PREF_SWITCHED(lang, model=model_name)


def prefs_summary(lang: Lang, items: Sequence[tuple[TaskType, str]]) -> str:
    """The remembered model per task type."""
    if not items:
        return PREFS_EMPTY(lang)
    lines = [PREFS_LINE(lang, task=task_label(lang, task), model=model) for task, model in items]
    return "\n".join([PREFS_HEADER(lang), *lines])


def prefs_reset(lang: Lang) -> str:
    """Preferences were cleared."""
    return PREFS_RESET(lang)


def cheapest_once(lang: Lang) -> str:
    """ "用便宜的" alone: the next request only, not saved (seed 001); the model depends on the request,
    so the pre-notification names it."""
    return CHEAPEST_ONCE(lang)


def cheapest_retry(lang: Lang, model_name: str) -> str:
    """ "用便宜的" right after a failure: that request again on the cheapest model, not saved."""
    return CHEAPEST_RETRY(lang, model=model_name)


def pref_saved_each(lang: Lang, items: Sequence[tuple[TaskType, str]]) -> str:
    """Several models remembered at once (用最好的 / best quality): one per kind of video, each named."""
    lines = "\n".join(PREFS_LINE(lang, task=task_label(lang, task), model=name) for task, name in items)
    return PREF_SAVED_EACH(lang, lines=lines)
