"""Words of the web chat and the operator console: the page's own labels, the greeting, and the line
printed at start. The page receives every label from here (nothing is written in its JavaScript)."""

from __future__ import annotations

from messages.platform import OFFLINE_DEMO, attachment_too_large
from messages.reply import Lang
from messages.text import Text

PAGE: dict[str, Text] = {
    "title": Text("videobot · AI 视频", "videobot · AI video"),
    "placeholder": Text(
        "说说你想要的视频,比如:做一个小狗在海边奔跑的视频",
        "Describe a video, e.g. a puppy running on a beach",
    ),
    "send": Text("发送", "Send"),
    "attach": Text("添加图片", "Add a photo"),
    "remove": Text("移除", "Remove"),
    "drop": Text("松开即可添加图片", "Drop the photo to add it"),
    "you": Text("你", "You"),
    "bot": Text("videobot", "videobot"),
    "photo": Text("图片", "Photo"),
    "connecting": Text("正在连接…", "Connecting…"),
    "offline": Text("连接断开了,正在重新连接…", "Connection lost, reconnecting…"),
    "not_image": Text("只能添加图片文件。", "Only pictures can be added."),
    "open": Text("打开视频", "Open the video"),
}
CONSOLE: dict[str, Text] = {
    "title": Text("videobot 运维台", "videobot console"),
    "jobs": Text("任务", "Jobs"),
    "job": Text("任务详情", "Job"),
    "usage": Text("用量与预算", "Usage and budgets"),
    "balances": Text("服务商余额", "Provider balances"),
    "figures": Text("实时数据", "Live figures"),
    "state": Text("状态", "State"),
    "user": Text("用户", "User"),
    "chat": Text("会话", "Chat"),
    "provider": Text("服务商", "Provider"),
    "model": Text("模型", "Model"),
    "cost": Text("费用", "Cost"),
    "created": Text("创建时间", "Created"),
    "filter": Text("筛选", "Filter"),
    "any": Text("全部", "Any"),
    "cancel": Text("取消任务", "Cancel job"),
    "history": Text("经过", "History"),
    "command": Text("管理命令(与 /admin 相同)", "Admin command (as /admin)"),
    "run": Text("执行", "Run"),
    "key": Text("用户或会话", "User or chat"),
    "refresh": Text("刷新", "Refresh"),
    "none": Text("没有任务。", "No jobs."),
    "loop_lag": Text("事件循环延迟", "Event loop lag"),
}

WELCOME = Text(
    "你好!直接说你想要什么视频,也可以添加一张图片让它动起来。",
    "Hi! Just say what video you would like, or add a photo to bring it to life.",
)
STARTED = Text("网页聊天已就绪:{url}", "The web chat is ready: {url}")
CONSOLE_AT = Text("运维台:{url}", "Operator console: {url}")
CONSOLE_OFF = Text(
    "运维台未开启:设置 VIDEOBOT_CONSOLE_TOKEN 即可使用。",
    "The operator console is off: set VIDEOBOT_CONSOLE_TOKEN to open it.",
)
NEEDS_LINK = Text(
    "这个聊天需要访问链接,请向管理员索取。", "This chat needs its access link: ask whoever runs it."
)
CONSOLE_LOCKED = Text("运维台需要访问令牌。", "The console needs its access token.")
CANCELLED_BY_OPERATOR = Text("已由管理员取消。", "Cancelled by an operator.")


def page_strings(lang: Lang, *, max_photo_mb: int) -> dict[str, str]:
    """The web chat page's labels in ``lang`` (with the answer to a photo over ``max_photo_mb``)."""
    return {name: text(lang) for name, text in PAGE.items()} | {
        "too_large": attachment_too_large(lang, max_photo_mb)
    }


def console_strings(lang: Lang) -> dict[str, str]:
    return {name: text(lang) for name, text in CONSOLE.items()}


def web_welcome(lang: Lang, help_text: str, *, offline: bool) -> str:
    """The web chat's first message to a new browser: what to do, and that it is the offline demo."""
    return "\n\n".join([WELCOME(lang), help_text, *([OFFLINE_DEMO(lang)] if offline else [])])


def web_started(lang: Lang, url: str) -> str:
    return STARTED(lang, url=url)


def console_at(lang: Lang, url: str | None) -> str:
    return CONSOLE_AT(lang, url=url) if url else CONSOLE_OFF(lang)


def needs_link(lang: Lang) -> str:
    return NEEDS_LINK(lang)


def not_a_picture(lang: Lang) -> str:
    """A file sent as a photo that is not a picture we take (the page checks first; this is the rest)."""
    return PAGE["not_image"](lang)


def console_locked(lang: Lang) -> str:
    return CONSOLE_LOCKED(lang)
