"""Short notes of the conversation: limits, missing inputs, retries and our own trouble."""

from __future__ import annotations

from messages.format import task_label
from messages.reply import Lang
from messages.text import Text
from providers.types import TaskType

TOO_MANY_JOBS = Text(
    "你已经有 {limit} 个视频在生成中了,等其中一个完成后再发新的吧 🙏",
    "You already have {limit} videos in progress; please wait for one to finish before starting another 🙏",
)
TOO_MANY_JOBS_ONE = Text(
    "你已经有一个视频在生成中了,等它完成后再发新的吧 🙏",
    "You already have a video in progress; please wait for it to finish before starting another 🙏",
)
PROMPT_TOO_LONG = Text(
    "描述有点长了,{model} 最多支持 {max_chars} 个字,精简一下再发给我吧",
    "That description is a bit long: {model} takes up to {max_chars} characters. "
    "Please shorten it and send it again",
)
STILL_WORKING = Text(
    "视频还在生成中,完成后我会第一时间发给你 🙏",
    "Your video is still being made; I'll send it as soon as it's ready 🙏",
)
NEED_PROMPT = Text(
    "想生成什么样的视频?描述一下画面吧,比如「小狗在海边奔跑」🎬",
    'What should the video show? Describe the scene, e.g. "a puppy running on a beach" 🎬',
)
MODEL_NOT_FOR_TASK = Text(
    "{model} 不支持{task},这次先用推荐模型帮你生成",
    "{model} doesn't do {task}, so I'll use the recommended model this time",
)
NOTHING_TO_RETRY = Text(
    "现在没有可以重试的视频,直接告诉我你想生成什么吧",
    "There's nothing to retry right now; just tell me what video you'd like",
)
NOTHING_RUNNING = Text(
    "现在没有正在生成的视频。想要什么视频,直接告诉我吧,比如「做一个小狗在海边奔跑的视频」。",
    "No video is being made for you right now. Tell me what you'd like, e.g. \"make a video of a puppy "
    'running on a beach".',
)
OK_NO_RETRY = Text("好的,有需要随时叫我 🙂", "OK, just let me know whenever you want another video 🙂")
INTERNAL_ERROR = Text(
    "抱歉,我这边出了点问题,请稍后再试 🙏",
    "Sorry, something went wrong on my side, please try again in a moment 🙏",
)
JOB_BUSY = Text(
    "这个视频正在处理中,请稍等几秒再试一次 🙏",
    "That video is busy right now; please try again in a few seconds 🙏",
)
MESSAGE_TOO_LONG = Text(
    "这条消息太长了,我最多能读 {max_chars} 个字。精简一下再发给我吧 🙏",
    "That message is too long for me: I read up to {max_chars} characters. Please shorten it and send it "
    "again 🙏",
)
DELIVERY_FALLBACK = Text(
    "视频没法在这里直接播放,请用下面的链接观看",
    "The video can't be played here, please use the link below to watch it",
)


def nothing_running(lang: Lang) -> str:
    """ "Status?" with no video in progress."""
    return NOTHING_RUNNING(lang)


def too_many_jobs(lang: Lang, limit: int) -> str:
    """The user already has ``limit`` videos in progress."""
    return (TOO_MANY_JOBS_ONE if limit == 1 else TOO_MANY_JOBS)(lang, limit=limit)


def prompt_too_long(lang: Lang, *, max_chars: int, model_name: str) -> str:
    """The description is longer than the model accepts."""
    return PROMPT_TOO_LONG(lang, model=model_name, max_chars=max_chars)


def message_too_long(lang: Lang, max_chars: int) -> str:
    """A message longer than we read at all (checked before any parsing)."""
    return MESSAGE_TOO_LONG(lang, max_chars=max_chars)


def still_working(lang: Lang) -> str:
    """A video is still being made (the user asked again or wrote meanwhile)."""
    return STILL_WORKING(lang)


def need_prompt(lang: Lang) -> str:
    """A request that never says what to show ("做一个视频", "10秒")."""
    return NEED_PROMPT(lang)


def model_not_for_task(lang: Lang, model_name: str, task_type: TaskType) -> str:
    """The named model cannot do this task; the recommended one is used instead."""
    return MODEL_NOT_FOR_TASK(lang, model=model_name, task=task_label(lang, task_type))


def nothing_to_retry(lang: Lang) -> str:
    """A retry was asked for but there is no failed or finished video to redo."""
    return NOTHING_TO_RETRY(lang)


def ok_no_retry(lang: Lang) -> str:
    """The user declined a retry."""
    return OK_NO_RETRY(lang)


def internal_error(lang: Lang) -> str:
    """Our own bug: friendly, without any detail."""
    return INTERNAL_ERROR(lang)


def job_busy(lang: Lang) -> str:
    """A click on a video that another of our processes is working on just now."""
    return JOB_BUSY(lang)


def delivery_fallback(lang: Lang) -> str:
    """The video could not be shown inline; the link follows."""
    return DELIVERY_FALLBACK(lang)
