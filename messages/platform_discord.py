"""Words only Discord shows: slash command and option descriptions, and a few button and upload notes.

Descriptions are synced to Discord once (English by default, Chinese as the ``zh-CN``/``zh-TW``
localisation); Discord allows at most 100 characters each.
"""

from __future__ import annotations

from messages.reply import Lang
from messages.text import Text

COMMANDS: dict[str, Text] = {
    "video": Text("生成一段视频:写下描述,可附上图片", "Make a video: describe it, optionally add a picture"),
    "cancel": Text("取消我正在生成的视频", "Cancel my video in progress"),
    "status": Text("我的视频进度", "How my videos in progress are doing"),
    "history": Text("我最近的视频和链接", "My latest videos and their links"),
    "show": Text("把我的一个视频再发到这里", "Show one of my videos here again"),
    "models": Text("可用的模型、价格和预计耗时", "The models, their prices and how long they take"),
    "prefs": Text("我常用的模型", "My usual models"),
    "prefs show": Text("查看我常用的模型", "Show my usual models"),
    "prefs set": Text("设置我常用的模型", "Choose my usual model"),
    "prefs reset": Text("恢复推荐模型", "Go back to the recommended models"),
    "help": Text("我能做什么、怎么用", "What I can do and how to ask"),
    "usage": Text(
        "我今天和本月的用量、剩余额度和最近的视频", "What I spent today and this month, and what is left"
    ),
    "admin": Text(
        "管理员:额度、停用、暂停、访问权限、操作记录", "Admins: budgets, blocks, pauses, access, the log"
    ),
}
OPTIONS: dict[str, Text] = {
    "video prompt": Text(
        "想要的画面,例如:小狗在海边奔跑", "What should happen, e.g. a puppy running on a beach"
    ),
    "video image": Text("让这张图片动起来(开头画面)", "A picture to bring to life (the opening frame)"),
    "video last_frame": Text(
        "结尾画面(需要同时附上开头图片)", "The closing frame (add an opening picture too)"
    ),
    "video model": Text(
        "用哪个模型(默认用推荐或常用模型)", "Which model (default: your usual or the recommended one)"
    ),
    "video duration": Text("视频时长(秒)", "Length in seconds"),
    "video aspect_ratio": Text("画面比例", "Picture shape"),
    "models task": Text("哪类视频", "Which kind of video"),
    "show number": Text(
        "第几个(1 是最新的,编号见 /history)", "Which one (1 is the latest; /history numbers them)"
    ),
    "prefs set model": Text("以后都用这个模型", "The model to use from now on"),
    "prefs set task": Text("只用于这类视频(默认全部)", "Only for this kind of video (default: all kinds)"),
    "admin command": Text(
        "例如:usage user <id>、budget user <id> day 5、block <id>、pause、log",
        "e.g. usage user <id>, budget user <id> day 5, block <id>, pause, log",
    ),
    "prefs reset task": Text("只恢复这类视频(默认全部)", "Only for this kind of video (default: all kinds)"),
}
STATUS_WORKING = Text("🎬 视频生成中", "🎬 Making your video")
STATUS_CANCELLED = Text("⏹ 视频已取消", "⏹ Video cancelled")
NOT_YOUR_BUTTON = Text(
    "这个按钮是给发起这个视频的人用的;想要同样的视频,用 /video 发一个吧",
    "This button belongs to whoever asked for that video; use /video to make your own",
)
LAST_FRAME_NEEDS_IMAGE = Text(
    "给了结尾画面,也请附上开头的图片,我才能把两张图连成视频",
    "Please add the opening picture as well: I join the opening and closing pictures into one video",
)
ATTACHMENT_UNREADABLE = Text(
    "这张图片我没能打开,请再发一次 🙏",
    "I couldn't open that picture; please send it again 🙏",
)


def command_description(lang: Lang, command: str) -> str:
    """A slash command's description: ``video``, ``models``, ``prefs``, ``prefs set``, ``help``..."""
    return COMMANDS[command](lang)


def option_description(lang: Lang, command: str, option: str) -> str:
    """A slash command option's description, e.g. ``("video", "prompt")``."""
    return OPTIONS[f"{command} {option}"](lang)


def not_your_button(lang: Lang) -> str:
    """Someone clicked a "retry with" button under another person's video."""
    return NOT_YOUR_BUTTON(lang)


def last_frame_needs_image(lang: Lang) -> str:
    """``/video`` got a closing frame without an opening picture."""
    return LAST_FRAME_NEEDS_IMAGE(lang)


def attachment_unreadable(lang: Lang) -> str:
    """A picture could not be downloaded (its link expired or the download failed)."""
    return ATTACHMENT_UNREADABLE(lang)


def status_title(lang: Lang, *, cancelled: bool = False) -> str:
    """The title of a video's status message while it runs, or once it was cancelled."""
    return (STATUS_CANCELLED if cancelled else STATUS_WORKING)(lang)
