"""Words adapters need around the conversation: attachments, unsupported messages, option labels."""

from __future__ import annotations

from typing import Literal

from messages.format import credits_range_text, minutes
from messages.reply import Lang
from messages.text import Text
from providers.types import CreditUnit

NOT_AN_IMAGE = Text(
    "这个附件不是图片,请发 JPG、PNG 或 WEBP 格式的图片 🙏",
    "That attachment isn't a picture; please send a JPG, PNG or WEBP image 🙏",
)
TOO_LARGE = Text(
    "图片太大了(最大 {max_mb} MB),换一张小一点的图片吧",
    "That picture is too large (at most {max_mb} MB); please send a smaller one",
)
UNSUPPORTED = Text(
    "我能看懂文字和图片,这类消息还处理不了。告诉我你想生成什么视频吧 🎬",
    "I understand text and pictures, not this kind of message. Tell me what video you'd like 🎬",
)
IMAGE_RECEIVED = Text(
    "📷 收到图片啦!告诉我想让它怎么动,或者直接说「让它动起来」",
    '📷 Got your picture! Tell me how it should move, or just say "animate this"',
)
LINK_REFUSED = {
    "not_https": Text(
        "这个图片链接我用不了:只能用 https:// 开头的公开链接。也可以直接把图片发给我 📷",
        "I can only use picture links that start with https:// and are public. You can also send me the "
        "picture itself 📷",
    ),
    "private": Text(
        "这个图片链接指向内部网络地址,出于安全考虑我不能使用。请换一个公开的图片链接,或直接把图片发给我 📷",
        "That picture link points to a private network address, so for safety I can't use it. Please use a "
        "public link, or send the picture itself 📷",
    ),
    "local_path": Text(
        "我打不开文件路径里的图片:请直接把图片发给我,或发一个公开的 https:// 图片链接 📷",
        "I can't open a picture from a file path: please send the picture itself, or a public https:// "
        "link to it 📷",
    ),
    "unreachable": Text(
        "这个图片链接打不开(找不到这个网址)。检查一下,或直接把图片发给我 📷",
        "I couldn't open that picture link (the address doesn't exist). Please check it, or send the picture "
        "itself 📷",
    ),
}
PICTURE_NOT_FOUND = Text(
    "找不到图片 {path},检查一下路径再发一次吧 📷",
    "I can't find the picture {path}; please check the path and send it again 📷",
)
OFFLINE_DEMO = Text(
    "🧪 这是离线演示:视频在这台电脑上生成,免费,不连接任何视频服务。"
    "配置服务商的密钥后就会生成真正的 AI 视频。",
    "🧪 This is the offline demo: videos are made on this computer, free, without any video service. Set a "
    "provider's key to make real AI videos.",
)
HOW_TO_QUIT = Text(
    "按 Ctrl-D 退出(正在生成的视频会先做完),按 Ctrl-C 立即退出(下次启动时接着做)。",
    "Press Ctrl-D to quit (videos being made finish first), Ctrl-C to quit at once (they carry on at the "
    "next start).",
)
OFFLINE_VIDEO = Text(
    "🔗 这是离线演示视频,保存在运行机器人的电脑上,没有可以分享的网页链接",
    "🔗 This is an offline demo video, saved on the computer running the bot; there is no web link to share",
)
NOT_ALLOWED = Text(
    "抱歉,这里还没有为你开通视频生成。需要的话请联系管理这个机器人的同事 🙏",
    "Sorry, video making isn't switched on for you here. If you need it, please ask whoever runs this bot 🙏",
)
OPTION_LABEL = Text("{name} · {price} · 约 {minutes} 分钟", "{name} · {price} · ~{minutes} min")


def attachment_not_image(lang: Lang) -> str:
    return NOT_AN_IMAGE(lang)


def attachment_too_large(lang: Lang, max_mb: int) -> str:
    return TOO_LARGE(lang, max_mb=max_mb)


def image_link_refused(
    lang: Lang, problem: Literal["not_https", "private", "unreachable", "local_path"]
) -> str:
    """A pasted picture link we will not hand to a provider, and what to do instead."""
    return LINK_REFUSED[problem](lang)


def terminal_welcome(lang: Lang, help_text: str, *, offline: bool) -> str:
    """The terminal chat's greeting: what the bot does, that it is the offline demo when it is, and how
    to quit."""
    parts = [help_text, *([OFFLINE_DEMO(lang)] if offline else []), HOW_TO_QUIT(lang)]
    return "\n\n".join(parts)


def picture_not_found(lang: Lang, path: str) -> str:
    """A local picture path (the terminal chat) that names no readable file."""
    return PICTURE_NOT_FOUND(lang, path=path)


def not_allowed(lang: Lang) -> str:
    """Someone outside the access policy (told once a day, in a direct message)."""
    return NOT_ALLOWED(lang)


def unsupported_message(lang: Lang) -> str:
    return UNSUPPORTED(lang)


def image_received(lang: Lang) -> str:
    return IMAGE_RECEIVED(lang)


def model_option_label(
    lang: Lang, *, name: str, credits_min: int, credits_max: int, unit: CreditUnit, eta_max_s: int
) -> str:
    """A short one-line label for a model picker (Discord autocomplete allows 100 characters)."""
    price = credits_range_text(lang, credits_min, credits_max, unit)
    return OPTION_LABEL(lang, name=name, price=price, minutes=minutes(eta_max_s))[:100]


def offline_video_note(lang: Lang) -> str:
    """Step 3.2 for an offline sandbox video: a local file path means nothing in a chat."""
    return OFFLINE_VIDEO(lang)
