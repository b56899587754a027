"""``/admin …`` as typed in a chat (Discord's ``/admin`` subcommands build the same values).

    /admin usage user <id> | usage chat [<id>]
    /admin budget user <id> day|month|job <US$|none>   /admin budget chat [<id>] day|month <US$|none>
    /admin budget user <id> reset                      /admin budget chat [<id>] reset
    /admin block <user id> | unblock <user id>
    /admin pause [<chat id>] | resume [<chat id>]
    /admin allow user|chat|org|role <id> | disallow …
    /admin access [<platform>:]dms|groups open|allowlist|off
    /admin log

An id without a platform (``ou_x``) is on the admin's own platform; ``feishu:ou_x`` names one. A chat
left out is the chat the command is typed in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from handlers.access import Gate
from handlers.budgets import Period, Scope, usd_to_millicents


class Action(StrEnum):
    USAGE = "usage"
    BUDGET = "budget"
    BLOCK = "block"
    UNBLOCK = "unblock"
    PAUSE = "pause"
    RESUME = "resume"
    ALLOW = "allow"
    DISALLOW = "disallow"
    ACCESS = "access"
    LOG = "log"
    HELP = "help"


class Kind(StrEnum):
    """What an allow/disallow names (the access policy's lists)."""

    USER = "user"
    CHAT = "chat"
    ORG = "org"
    ROLE = "role"


@dataclass(frozen=True)
class AdminCommand:
    action: Action
    scope: Scope | None = None  # usage, budget
    target: str | None = None  # an id as typed (None: the chat it is typed in); access: a platform
    period: Period | None = None  # budget; None with reset
    millicents: int | None = None  # budget; None: no limit
    reset: bool = False
    kind: Kind | None = None  # allow, disallow
    gate: Gate | None = None  # access
    private: bool | None = None  # access: True for DMs, False for groups


class BadCommand(ValueError):
    """An ``/admin`` line that does not parse: the answer is the command list."""


_PREFIX = re.compile(r"^\s*/admin\b", re.IGNORECASE)
_ID = r"[\w:.\-@$]{1,120}"


def is_admin_command(text: str) -> bool:
    return _PREFIX.match(text) is not None


def parse_admin(text: str) -> AdminCommand:
    """One ``/admin`` line; :class:`BadCommand` when it is not one of the forms above."""
    words = _PREFIX.sub("", text).split()
    if not words:
        return AdminCommand(Action.HELP)
    try:
        action = Action(words[0].lower())
    except ValueError:
        raise BadCommand(words[0]) from None
    rest = words[1:]
    if any(not re.fullmatch(_ID, word) for word in rest):
        raise BadCommand(text)
    match action:
        case Action.USAGE:
            scope, target, _ = _scoped(rest, 0)
            return AdminCommand(action, scope=scope, target=target)
        case Action.BUDGET:
            return _budget(rest)
        case Action.BLOCK | Action.UNBLOCK if len(rest) == 1:
            return AdminCommand(action, target=rest[0])
        case Action.PAUSE | Action.RESUME if len(rest) <= 1:
            return AdminCommand(action, target=rest[0] if rest else None)
        case Action.ALLOW | Action.DISALLOW if len(rest) == 2 and rest[0].lower() in set(Kind):
            return AdminCommand(action, kind=Kind(rest[0].lower()), target=rest[1])
        case Action.ACCESS if len(rest) == 2 and rest[0].lower().rpartition(":")[2] in ("dms", "groups"):
            platform, _, where = rest[0].lower().rpartition(":")
            gate = _gate(rest[1])
            return AdminCommand(action, gate=gate, private=where == "dms", target=platform or None)
        case Action.LOG | Action.HELP if not rest:
            return AdminCommand(action)
    raise BadCommand(text)


def _scoped(words: list[str], extra: int) -> tuple[Scope, str | None, list[str]]:
    """``user <id> …`` or ``chat [<id>] …`` followed by ``extra`` more words."""
    if not words or words[0].lower() not in ("user", "chat"):
        raise BadCommand(" ".join(words))
    scope, rest = Scope(words[0].lower()), words[1:]
    if scope is Scope.USER:
        if len(rest) != 1 + extra:
            raise BadCommand(" ".join(words))
        return scope, rest[0], rest[1:]
    if len(rest) == extra:
        return scope, None, rest
    if len(rest) == 1 + extra:
        return scope, rest[0], rest[1:]
    raise BadCommand(" ".join(words))


def _budget(words: list[str]) -> AdminCommand:
    if words and words[-1].lower() == "reset":
        scope, target, _ = _scoped(words[:-1], 0)
        return AdminCommand(Action.BUDGET, scope=scope, target=target, reset=True)
    scope, target, (period_word, amount) = _scoped(words, 2)
    try:
        period = Period(period_word.lower())
    except ValueError:
        raise BadCommand(period_word) from None
    if period is Period.JOB and scope is Scope.CHAT:
        raise BadCommand("a chat has no per-job limit")
    return AdminCommand(Action.BUDGET, scope=scope, target=target, period=period, millicents=_money(amount))


def _money(word: str) -> int | None:
    if word.lower() in ("none", "unlimited", "off"):
        return None
    try:
        value = float(word.removeprefix("$"))
    except ValueError:
        raise BadCommand(word) from None
    if not 0 <= value <= 1_000_000:
        raise BadCommand(word)
    return usd_to_millicents(value)


def _gate(word: str) -> Gate:
    try:
        return Gate(word.lower())
    except ValueError:
        raise BadCommand(word) from None
