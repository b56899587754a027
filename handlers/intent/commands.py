"""Whole-message commands and answers: help, lists, preferences, yes/no, a pick from a list.

A message is a command only when it is nothing but the command (after trailing punctuation and
courtesy words like "谢谢"/"please" are dropped), so "help me make a video" stays a video request.
Any unknown "/word" is Help.
"""

from __future__ import annotations

import re

from handlers.intent.types import (
    Affirm,
    AnotherModel,
    AskStatus,
    CancelJob,
    Choice,
    Deny,
    FollowUp,
    Help,
    Intent,
    ListModels,
    ResetPrefs,
    ShowCredits,
    ShowHistory,
    ShowPrefs,
    ShowUsage,
)

_WORDS: dict[Intent, tuple[str, ...]] = {
    Help(): (
        "help", "/help", "/start", "帮助", "怎么用", "如何使用", "使用说明", "说明", "用法", "你能做什么",
        "你会什么", "能做什么", "how to use", "how does this work", "what can you do", "?", "？",
        "你好", "您好", "哈喽", "嗨", "在吗", "在么", "在不在",
        "hi", "hello", "hey", "hi there", "hello there",
        "谢谢", "多谢", "谢啦", "感谢", "thanks", "thank you", "thx", "ty",
    ),
    ListModels(): (
        "models", "/models", "model list", "list models", "list the models", "show models", "which models",
        "what models", "available models", "what models do you have", "which models are available",
        "模型列表", "有哪些模型", "有什么模型", "哪些模型", "都有什么模型", "都有哪些模型", "支持哪些模型",
        "支持什么模型", "可用模型", "模型",
    ),
    ShowPrefs(): (
        "my preferences", "my prefs", "preferences", "prefs", "/prefs", "/preferences",
        "settings", "/settings", "my settings", "show my settings",
        "current model", "my model", "which model am i using", "what model am i using", "show my preferences",
        "我的偏好", "偏好", "当前偏好", "当前模型", "现在用的什么模型", "现在用什么模型",
        "我的设置", "默认模型",
        "现在是什么模型", "当前用的什么模型",
    ),
    ResetPrefs(): (
        "reset", "/reset", "reset preferences", "reset my preferences", "reset prefs", "clear preferences",
        "forget my preferences", "restore defaults", "reset to default", "重置偏好", "重置", "恢复默认",
        "恢复默认设置", "恢复默认模型", "清除偏好", "清空偏好", "忘掉我的偏好",
    ),
    ShowCredits(): (
        "credits", "/credits", "balance", "/balance", "my credits", "credit balance", "credits left",
        "how many credits", "how many credits are left", "余额", "积分", "积分余额", "查余额", "查积分",
        "还有多少积分", "还剩多少积分", "剩余积分", "账户余额",
    ),
    ShowUsage(): (
        "usage", "/usage", "my usage", "show my usage", "spending", "my spending", "my budget", "budget",
        "allowance", "my allowance", "how much have i spent", "how much is left",
        "用量", "我的用量", "查用量", "额度", "我的额度", "剩余额度", "还剩多少额度", "花了多少",
    ),
    FollowUp("again"): (
        "again", "do it again", "make it again", "one more", "once more", "one more time", "same again",
        "再来一个", "再来一次", "再做一个", "再生成一个", "再做一次", "再来一条", "再生成一次",
    ),
    FollowUp("vertical"): (
        "vertical", "make it vertical", "vertical version", "portrait", "竖屏", "竖版", "竖屏版",
        "做成竖屏", "来个竖屏的", "竖屏的", "换成竖屏",
    ),
    FollowUp("landscape"): (
        "landscape", "horizontal", "make it landscape", "make it horizontal", "landscape version",
        "横屏", "横版", "横屏版", "做成横屏", "来个横屏的", "横屏的", "换成横屏",
    ),
    ShowHistory(): (
        "history", "my history", "/history", "my videos", "my jobs", "recent videos", "my recent videos",
        "show my videos", "past videos", "我的视频", "历史", "历史记录", "我的历史", "生成记录", "最近的视频",
        "看看我的视频", "我做过的视频", "视频记录",
    ),
    AskStatus(): (
        "status", "/status", "progress", "my status", "job status", "is it done", "is it ready", "done yet",
        "how long", "queue", "进度", "状态", "好了吗", "好了没", "做好了吗", "还要多久", "生成好了吗",
        "进度如何", "现在进度", "视频好了吗",
    ),
    AnotherModel(): (
        "换个模型", "换一个模型", "换模型", "换个", "换一个", "换别的", "换别的模型", "其他模型", "别的模型",
        "用别的模型", "用其他模型", "有别的模型吗", "还有别的模型吗", "试试别的模型", "换个模型试试",
        "try another model", "another model", "other models", "different model", "a different model",
        "try a different model", "use another model", "use a different model", "switch model", "change model",
        "try another one", "another one", "a different one", "something else", "use something else",
        "try something else", "用别的", "用其他的", "别的", "其他的", "换一个别的",
        "use another", "use another one", "用其它模型", "其它模型", "换其他模型", "换成别的模型",
        "换成其他模型",
    ),
    Affirm(): (
        "好", "好的", "好啊", "好吧", "好滴", "可以", "可以的", "是", "是的", "对", "对的",
        "嗯", "嗯嗯", "行",
        "确定", "确认", "没问题", "继续", "重试", "再试一次", "再试试", "就这个", "用这个", "就用这个",
        "ok", "okay", "k", "yes", "y", "yep", "yeah", "yup", "sure", "retry", "try again", "go", "go ahead",
        "do it", "confirm", "continue", "sounds good", "use this", "this one", "👍",
    ),
    Deny(): (
        "不用", "不用了", "不了", "算了", "不要", "不要了", "不", "否", "别", "不行", "不需要",
        "no", "n", "nope", "nah", "never mind", "nevermind", "no thanks", "no thank you",
    ),
    CancelJob(): (
        "取消", "停", "停止", "停下", "取消生成", "取消任务", "取消视频", "取消这个视频", "停止生成",
        "别做了", "不做了", "不要做了", "/cancel", "/stop", "cancel", "stop", "abort", "cancel it", "stop it",
        "cancel that", "cancel the video", "cancel my video", "stop the video", "cancel job",
        "cancel the job", "stop generating", "stop making it",
    ),
}  # fmt: skip
_TABLE: dict[str, Intent] = {word: intent for intent, words in _WORDS.items() for word in words}

_TRAILING_PUNCT = " \t\r\n!！.。~～…,，?？"
_COURTESY = re.compile(
    r"(?:谢谢|谢啦|多谢|thanks|thank\s+you|thx|please|pls|吧|啦|呀|哈|呢|哦|啊|试试|试一下|重试)$"
)
_ZH_ORDINAL = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
}
_EN_ORDINAL = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5, "6th": 6, "7th": 7, "8th": 8,
    "9th": 9, "10th": 10,
}  # fmt: skip
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"
_PICK = r"(?:我选|选择|选|我要|要|就用|就要|就|用)?\s*"
_CHOICE = re.compile(
    "|".join(
        (
            rf"{_PICK}(?:#|no\.?\s*)?(?P<digits>\d{{1,2}})\s*(?:号|个)?",
            rf"{_PICK}第\s*(?P<nth>\d{{1,2}}|[一二两三四五六七八九十])\s*(?:个|号|项|种)?",
            rf"{_PICK}(?P<zh>[一二三四五六七八九十])号",
            rf"{_PICK}(?P<circled>[{_CIRCLED}])",
            r"(?:(?:i'?ll\s+)?(?:take|choose|pick|use|go\s+with)\s+)?(?:the\s+)?(?:(?P<en>"
            + "|".join(_EN_ORDINAL)
            + r")(?:\s+(?:one|option|model))?|(?:option|number|model)\s*#?(?P<option>\d{1,2}))",
        )
    ),
    re.IGNORECASE,
)


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().lower())


def _choice(key: str) -> Choice | None:
    match = _CHOICE.fullmatch(key)
    if match is None:
        return None
    if (
        number := match["digits"]
        or match["option"]
        or (match["nth"] if match["nth"] and match["nth"].isdigit() else "")
    ):
        index = int(number)
    elif word := match["nth"] or match["zh"]:
        index = _ZH_ORDINAL[word]
    elif match["circled"]:
        index = _CIRCLED.index(match["circled"]) + 1
    else:
        index = _EN_ORDINAL[match["en"].lower()]
    return Choice(index=index) if index >= 1 else None


def match_command(text: str) -> Intent | None:
    """The command ``text`` is, if it is one and nothing else."""
    key = _key(text)
    if re.fullmatch(r"[?？]+", key):
        return Help()
    key = key.rstrip(_TRAILING_PUNCT) or key
    for candidate in (key, _COURTESY.sub("", key).rstrip(_TRAILING_PUNCT)):
        if not candidate:
            continue
        if found := _TABLE.get(candidate) or _choice(candidate):
            return found
    if re.fullmatch(r"/[a-z_]+", key):
        return Help()
    return None
