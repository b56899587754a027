"""Who may use the bot, and so spend the team's credits: an access policy per chat platform.

Direct messages and group chats each have a gate: ``open`` (anyone), ``allowlist`` (only who or where
the lists name) or ``off``. Under ``allowlist`` any one match lets a message in: the chat, the user,
the organisation (a Feishu tenant, a Discord server) or, on Discord, one of the user's roles.

Someone left outside hears about it once a day in a direct message (never a flood) and nothing in a
group: adapters ask :meth:`AccessPolicy.allows`, then :meth:`Refusals.first_today` before answering.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from handlers.controls import Control, ControlKey

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


class AccessControl:
    """Each platform's policy from its settings, with the changes admins made at run time (kept in the
    ledger as controls): gates, ids allowed or disallowed, blocked users and paused chats. Admins
    always pass, so they can undo what they did. Adapters ask :meth:`allows`."""

    def __init__(self, admins: Iterable[str] = ()) -> None:
        self.admins = frozenset(admins)  # user keys: feishu:ou_x, discord:123
        self._base: dict[str, AccessPolicy] = {}
        self._controls: Mapping[ControlKey, str] = {}
        self._policies: dict[str, AccessPolicy] = {}

    def register(self, platform: str, policy: AccessPolicy) -> None:
        """A platform's policy from its settings (an adapter calls this as it starts)."""
        self._base[platform] = policy
        self._policies.pop(platform, None)

    def load(self, controls: Mapping[ControlKey, str]) -> None:
        """The ledger's controls now (at start, after an admin's change, and every little while)."""
        self._controls = dict(controls)
        self._policies.clear()

    def is_admin(self, user_key: str) -> bool:
        return user_key in self.admins

    def allows(self, platform: str, who: Who) -> bool:
        user_key = f"{platform}:{who.user_id}"
        if self.is_admin(user_key):
            return True
        if (Control.BLOCKED, user_key) in self._controls:
            return False
        places = () if who.private else (who.chat_id, who.org_id)  # a Feishu group, a Discord server
        if any((Control.PAUSED, f"{platform}:{place}") in self._controls for place in places if place):
            return False
        return self.policy(platform).allows(who)

    def policy(self, platform: str) -> AccessPolicy:
        """The platform's policy with the run-time changes applied."""
        if platform not in self._policies:
            self._policies[platform] = self._apply(platform, self._base.get(platform, AccessPolicy()))
        return self._policies[platform]

    def _apply(self, platform: str, base: AccessPolicy) -> AccessPolicy:
        def gate(name: str, default: Gate) -> Gate:
            found = self._controls.get((Control.GATE, f"{platform}:{name}"))
            return Gate(found) if found is not None else default

        def ids(kind: str, listed: frozenset[str]) -> frozenset[str]:
            prefix = f"{platform}:{kind}:"
            for (control, key), value in self._controls.items():
                if control is Control.ALLOWED and key.startswith(prefix):
                    bare = key[len(prefix) :]
                    listed = listed | {bare} if value == "yes" else listed - {bare}
            return listed

        return AccessPolicy(
            dms=gate("dms", base.dms),
            groups=gate("groups", base.groups),
            chats=ids("chat", base.chats),
            users=ids("user", base.users),
            orgs=ids("org", base.orgs),
            roles=ids("role", base.roles),
        )


def id_set(values: Iterable[str] | str | None) -> frozenset[str]:
    """A comma-separated list (or any strings) as a set of ids, blanks dropped."""
    if values is None:
        return frozenset()
    items = values.split(",") if isinstance(values, str) else values
    return frozenset(item.strip() for item in items if item.strip())
