"""Words only Feishu shows: the status card's titles, a click's toast, notes about late or odd messages."""

from __future__ import annotations

from messages.reply import Lang
from messages.text import Text

TITLE_WORKING = Text("🎬 视频生成中", "🎬 Making your video")
TITLE_DONE = Text("✅ 视频已完成", "✅ Your video is ready")
TITLE_FAILED = Text("❌ 视频未完成", "❌ The video wasn't made")
TITLE_VIDEO = Text("🎬 你的视频", "🎬 Your video")
TITLE_CANCELLED = Text("⏹ 视频已取消", "⏹ Video cancelled")
RETRYING = Text("🔄 好的,马上重试", "🔄 On it, trying again")
TITLE_QUESTION = Text("🤔 要生成这个视频吗?", "🤔 Shall I make this video?")
GOING = Text("🎬 好的,开始生成", "🎬 OK, starting it")
STOPPING = Text("👌 好的,已取消", "👌 OK, cancelled")
NOT_YOURS = Text("这个按钮是给发起请求的人用的 🙂", "This button is for the person who asked 🙂")
NOT_PLAYABLE = Text(
    "视频已经做好了,但没能在这里播放 🙏", "Your video is ready, but it couldn't be played here 🙏"
)
STALE_REQUEST = Text(
    "这条消息送到我这里时已经过去一阵子了,为了不重复生成我先没处理。还需要的话请再发一次 🙏",
    "This message reached me a good while after you sent it, so I left it alone to avoid making "
    "a video twice. Please send it again if you still want it 🙏",
)
IMAGE_UNAVAILABLE = Text(
    "这张图片我没能拿到,请重新发送一次 🙏", "I couldn't fetch that picture; please send it again 🙏"
)


def card_title_working(lang: Lang) -> str:
    """The status card's title while the video is being made."""
    return TITLE_WORKING(lang)


def card_title_cancelled(lang: Lang) -> str:
    """The status card's title once its user called the job off."""
    return TITLE_CANCELLED(lang)


def card_title_question(lang: Lang) -> str:
    return TITLE_QUESTION(lang)


def going_toast(lang: Lang) -> str:
    """What a tap on "make it" says at once."""
    return GOING(lang)


def stopping_toast(lang: Lang) -> str:
    """What a tap on "cancel" says at once."""
    return STOPPING(lang)


def not_your_card_button(lang: Lang) -> str:
    return NOT_YOURS(lang)


def card_title_done(lang: Lang) -> str:
    return TITLE_DONE(lang)


def card_title_failed(lang: Lang) -> str:
    return TITLE_FAILED(lang)


def card_title_video(lang: Lang) -> str:
    """The title of the card that stands in for a video that could not play inline."""
    return TITLE_VIDEO(lang)


def retrying_toast(lang: Lang) -> str:
    """The short toast a "retry with" click shows at once."""
    return RETRYING(lang)


def video_not_playable(lang: Lang) -> str:
    """The fallback card's words when no web link can open the video either."""
    return NOT_PLAYABLE(lang)


def stale_request(lang: Lang) -> str:
    """A message delivered long after it was sent (a redelivery hours later) starts nothing."""
    return STALE_REQUEST(lang)


def image_unavailable(lang: Lang) -> str:
    """The picture of a message could not be downloaded."""
    return IMAGE_UNAVAILABLE(lang)
