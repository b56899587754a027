"""What admins read: answers to ``/admin`` commands and the audit list (ids are shown as typed)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from messages.reply import Lang
from messages.text import Text

ADMINS_ONLY = Text("这个命令只有管理员可以用 🙂", "Only admins can use this command 🙂")
HELP = Text(
    "管理员命令:\n",
    "Admin commands:\n",
)
COMMANDS = (
    "/admin usage user <id> | /admin usage chat [<id>]\n"
    "/admin budget user <id> day|month|job <US$|none>\n"
    "/admin budget chat [<id>] day|month <US$|none>\n"
    "/admin budget user <id> reset | /admin budget chat [<id>] reset\n"
    "/admin block <user id> | /admin unblock <user id>\n"
    "/admin pause [<chat id>] | /admin resume [<chat id>]\n"
    "/admin allow user|chat|org|role <id> | /admin disallow user|chat|org|role <id>\n"
    "/admin access [feishu:|discord:]dms|groups open|allowlist|off\n"
    "/admin log"
)
NOT_UNDERSTOOD = Text("没看懂这条管理员命令。", "I didn't understand that admin command.")
PERIODS = {
    "day": Text("每日", "daily"),
    "month": Text("每月", "monthly"),
    "job": Text("每个视频", "per-video"),
}
BUDGET_SET = Text(
    "✅ 已把 {target} 的{period}额度设为 {amount}。", "✅ {target}: {period} limit set to {amount}."
)
NO_LIMIT = Text("不限", "no limit")
BUDGET_RESET = Text("✅ {target} 的额度已恢复为默认值。", "✅ {target}: limits back to the defaults.")
BLOCKED = Text("✅ 已停用 {target}:不能再生成视频。", "✅ {target} is blocked: no more videos.")
UNBLOCKED = Text("✅ 已恢复 {target}。", "✅ {target} is unblocked.")
PAUSED = Text(
    "⏸️ 已在 {target} 暂停机器人(管理员命令仍可用)。",
    "⏸️ The bot is paused in {target} (admin commands still work).",
)
RESUMED = Text("▶️ 已在 {target} 恢复机器人。", "▶️ The bot is back in {target}.")
ALLOWED = Text("✅ 已允许 {kind} {target}。", "✅ {kind} {target} is allowed.")
DISALLOWED = Text("✅ 已取消允许 {kind} {target}。", "✅ {kind} {target} is no longer allowed.")
ACCESS_SET = Text("✅ {where}现在是 {gate}。", "✅ {where} are now {gate}.")
WHERE = {True: Text("私聊", "Direct messages"), False: Text("群聊", "Group chats")}
GATES = {
    "open": Text("所有人可用", "open to everyone"),
    "allowlist": Text("仅名单内可用", "for the allowlist only"),
    "off": Text("关闭", "off"),
}
LOG_HEAD = Text("📜 最近的管理员操作:", "📜 Recent admin actions:")
LOG_EMPTY = Text("还没有管理员操作。", "No admin actions yet.")
PAUSED_HERE = Text("管理员暂时在这里停用了视频生成 🙏", "An admin has paused video making here for now 🙏")
BLOCKED_YOU = Text(
    "你暂时不能在这里生成视频了,有疑问请联系管理员 🙏",
    "You can't make videos here for now; please ask an admin if you think this is a mistake 🙏",
)


def admins_only(lang: Lang) -> str:
    return ADMINS_ONLY(lang)


def admin_help(lang: Lang, *, not_understood: bool = False) -> str:
    head = NOT_UNDERSTOOD(lang) + "\n" if not_understood else ""
    return head + HELP(lang) + COMMANDS


def budget_set(lang: Lang, target: str, period: str, amount: str | None) -> str:
    return BUDGET_SET(lang, target=target, period=PERIODS[period](lang), amount=amount or NO_LIMIT(lang))


def budget_reset(lang: Lang, target: str) -> str:
    return BUDGET_RESET(lang, target=target)


def blocked(lang: Lang, target: str, *, on: bool) -> str:
    return (BLOCKED if on else UNBLOCKED)(lang, target=target)


def paused(lang: Lang, target: str, *, on: bool) -> str:
    return (PAUSED if on else RESUMED)(lang, target=target)


def allowed(lang: Lang, kind: str, target: str, *, on: bool) -> str:
    return (ALLOWED if on else DISALLOWED)(lang, kind=kind, target=target)


def access_set(lang: Lang, *, private: bool, gate: str) -> str:
    return ACCESS_SET(lang, where=WHERE[private](lang), gate=GATES[gate](lang))


def audit_list(lang: Lang, rows: Sequence[tuple[datetime, str, str, str, str]]) -> str:
    """(when, who, action, target, detail), newest first."""
    if not rows:
        return LOG_EMPTY(lang)
    lines = [LOG_HEAD(lang)]
    for at, actor, action, target, detail in rows:
        lines.append(f"• {at:%Y-%m-%d %H:%M} {actor}: {action} {target} {detail}".rstrip())
    return "\n".join(lines)


def paused_here(lang: Lang) -> str:
    return PAUSED_HERE(lang)


def blocked_you(lang: Lang) -> str:
    return BLOCKED_YOU(lang)
