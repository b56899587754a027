"""Who may use the bot, and so spend the team's credits: an access policy per chat platform.

Direct messages and group chats each have a gate: ``open`` (anyone), ``allowlist`` (only who or where
the lists name) or ``off``. Under ``allowlist`` any one match lets a message in: the chat, the user,
the organisation (a Feishu tenant, a Discord server) or, on Discord, one of the user's roles.

Someone left outside hears about it once a day in a direct message (never a flood) and nothing in a
group: adapters ask :meth:`AccessPolicy.allows`, then :meth:`Refusals.first_today` before answering.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

REFUSAL_EVERY = timedelta(days=1)


class Gate(StrEnum):
    OPEN = "open"
    ALLOWLIST = "allowlist"
    OFF = "off"


@dataclass(frozen=True)
class Who:
    """A message's sender and place, as an access policy sees them."""

    private: bool  # a direct message
    chat_id: str
    user_id: str
    org_id: str | None = None  # Feishu tenant key, Discord server id
    roles: frozenset[str] = frozenset()  # Discord role ids


@dataclass(frozen=True)
class AccessPolicy:
    """One platform's gates and lists (ids as the platform writes them)."""

    dms: Gate = Gate.OPEN
    groups: Gate = Gate.OPEN
    chats: frozenset[str] = frozenset()
    users: frozenset[str] = frozenset()
    orgs: frozenset[str] = frozenset()
    roles: frozenset[str] = frozenset()

    def allows(self, who: Who) -> bool:
        gate = self.dms if who.private else self.groups
        if gate is Gate.OPEN:
            return True
        if gate is Gate.OFF:
            return False
        return (
            who.chat_id in self.chats
            or who.user_id in self.users
            or (who.org_id is not None and who.org_id in self.orgs)
            or bool(who.roles & self.roles)
        )


@dataclass
class Refusals:
    """Whom we told they are outside the policy, so each hears it at most once a day."""

    _told: dict[str, datetime] = field(default_factory=dict)

    def first_today(self, user_key: str, now: datetime) -> bool:
        last = self._told.get(user_key)
        if last is not None and now - last < REFUSAL_EVERY:
            return False
        self._told = {key: at for key, at in self._told.items() if now - at < REFUSAL_EVERY}
        self._told[user_key] = now
        return True


def id_set(values: Iterable[str] | str | None) -> frozenset[str]:
    """A comma-separated list (or any strings) as a set of ids, blanks dropped."""
    if values is None:
        return frozenset()
    items = values.split(",") if isinstance(values, str) else values
    return frozenset(item.strip() for item in items if item.strip())
