"""What the database commands print (``videobot db``, ``migrate-sqlite``, ``prefs``), zh and en."""

from __future__ import annotations

from messages.reply import Lang
from messages.text import Text

NO_DATABASE = Text(
    "未设置 VIDEOBOT_DATABASE_URL:任务账本是 SQLite 文件 {ledger},偏好是 JSON 文件 {prefs}。",
    "VIDEOBOT_DATABASE_URL is not set: the ledger is the SQLite file {ledger}, the preferences the JSON "
    "file {prefs}.",
)
STATUS = Text(
    "数据库 {where}:结构版本 {version},本程序最新为 {latest}。{verdict}",
    "Database {where}: schema version {version}; this videobot knows {latest}. {verdict}",
)
UP_TO_DATE = Text("已是最新。", "Up to date.")
PENDING = Text(
    "待执行的迁移:{numbers}(运行 videobot db upgrade,或直接启动)。",
    "Migrations pending: {numbers} (run videobot db upgrade, or just start the bot).",
)
TOO_NEW = Text(
    "它由更新版本的 videobot 升级过:请升级本程序。", "A newer videobot upgraded it: upgrade this one."
)
UPGRADED = Text(
    "已执行迁移 {numbers};现为版本 {latest}。", "Applied migrations {numbers}; now at version {latest}."
)
COPIED = Text(
    "已从 {source} 复制:{jobs} 个任务({events} 条历史)、{inbound} 条消息记录、{spend} 条花费、"
    "{photos} 张图片、{limits} 条额度、{controls} 条管控、{audit} 条审计。",
    "Copied from {source}: {jobs} jobs ({events} history lines), {inbound} inbound claims, {spend} spend "
    "rows, {photos} photos, {limits} limits, {controls} controls, {audit} audit lines.",
)
NO_LEDGER = Text("没有找到 SQLite 账本:{source}", "No SQLite ledger at {source}")
EXPORTED = Text("已把 {users} 位用户的偏好写入 {path}", "Wrote {users} users' preferences to {path}")
IMPORTED = Text("已从 {path} 读入 {users} 位用户的偏好", "Read {users} users' preferences from {path}")


def no_database(lang: Lang, *, ledger: object, prefs: object) -> str:
    return NO_DATABASE(lang, ledger=ledger, prefs=prefs)


def schema_status(lang: Lang, *, where: str, version: int, latest: int, pending: list[int]) -> str:
    if version > latest:
        verdict = TOO_NEW(lang)
    elif pending:
        verdict = PENDING(lang, numbers=", ".join(map(str, pending)))
    else:
        verdict = UP_TO_DATE(lang)
    return STATUS(lang, where=where, version=version, latest=latest, verdict=verdict)


def upgraded(lang: Lang, *, applied: list[int], latest: int) -> str:
    if not applied:
        return UP_TO_DATE(lang)
    return UPGRADED(lang, numbers=", ".join(map(str, applied)), latest=latest)


def copied(lang: Lang, *, source: object, **counts: int) -> str:
    return COPIED(lang, source=source, **counts)


def no_ledger(lang: Lang, *, source: object) -> str:
    return NO_LEDGER(lang, source=source)


def exported(lang: Lang, *, users: int, path: object) -> str:
    return EXPORTED(lang, users=users, path=path)


def imported(lang: Lang, *, users: int, path: object) -> str:
    return IMPORTED(lang, users=users, path=path)
