"""Runs admin commands: checks the admin, changes the ledger (with its audit row), answers in words.

The same desk serves ``/admin …`` typed in a chat, Discord's ``/admin`` subcommands and the CLI
(``videobot usage …``, ``videobot budget …``, ``videobot audit``), whose actor is ``cli:<login>``.
"""

from __future__ import annotations

import logging

from handlers.admin.commands import Action, AdminCommand, BadCommand, parse_admin
from handlers.budgets import Period, Scope, scope_key
from handlers.controls import AuditEntry, Control
from handlers.inbound import ChatRef
from handlers.money import Display
from handlers.services import Services, lang_of
from handlers.usage import UsageDesk
from messages import admin as words
from messages.spending import amount_text

log = logging.getLogger(__name__)

KNOWN_PLATFORMS = ("feishu", "discord", "cli", "web")


class AdminDesk:
    def __init__(self, services: Services, usage: UsageDesk) -> None:
        self._s = services
        self._usage = usage

    async def typed(self, chat: ChatRef, text: str, *, operator: bool = False) -> str:
        """Run one ``/admin`` line from ``chat`` and return the answer. ``operator``: the CLI, always
        trusted. Someone who is not an admin gets one short line and nothing changes."""
        lang = lang_of(chat)
        if not operator and not self._s.access.is_admin(chat.user_key):
            log.info("%s tried an admin command", chat.user_key)
            return words.admins_only(lang)
        try:
            command = parse_admin(text)
        except BadCommand:
            return words.admin_help(lang, not_understood=True)
        return await self.run(chat, command)

    async def run(self, chat: ChatRef, command: AdminCommand) -> str:
        """Carry out a command already known to come from an admin."""
        lang = lang_of(chat)
        match command.action:
            case Action.USAGE:
                scope = command.scope or Scope.USER
                key = self._key(chat, scope, command.target)
                return await self._usage.summary(scope, key, chat, title=key)
            case Action.BUDGET:
                return await self._budget(chat, command)
            case Action.BLOCK | Action.UNBLOCK:
                on = command.action is Action.BLOCK
                key = self._key(chat, Scope.USER, command.target)
                await self._control(chat, Control.BLOCKED, key, "yes" if on else None, command.action)
                return words.blocked(lang, key, on=on)
            case Action.PAUSE | Action.RESUME:
                on = command.action is Action.PAUSE
                key = self._key(chat, Scope.CHAT, command.target)
                await self._control(chat, Control.PAUSED, key, "yes" if on else None, command.action)
                return words.paused(lang, key, on=on)
            case Action.ALLOW | Action.DISALLOW:
                assert command.kind is not None and command.target is not None
                on = command.action is Action.ALLOW
                platform, bare = self._split(chat, command.target)
                key = f"{platform}:{command.kind.value}:{bare}"
                await self._control(chat, Control.ALLOWED, key, "yes" if on else "no", command.action)
                return words.allowed(lang, command.kind.value, f"{platform}:{bare}", on=on)
            case Action.ACCESS:
                assert command.gate is not None and command.private is not None
                key = f"{command.target or chat.platform}:{'dms' if command.private else 'groups'}"
                await self._control(chat, Control.GATE, key, command.gate.value, command.action)
                return words.access_set(lang, private=command.private, gate=command.gate.value)
            case Action.LOG:
                entries = await self._s.jobs.audit_log(limit=20)
                rows = [(e.at, e.actor, e.action, e.target, e.detail) for e in entries]
                return words.audit_list(lang, rows)
        return words.admin_help(lang)

    async def _budget(self, chat: ChatRef, command: AdminCommand) -> str:
        lang = lang_of(chat)
        scope = command.scope or Scope.USER
        key = self._key(chat, scope, command.target)
        if command.reset:
            entry = self._entry(chat, "budget reset", scope_key(scope, key))
            await self._s.jobs.set_limit(scope, key, None, None, entry)
            return words.budget_reset(lang, key)
        period, limit = command.period or Period.DAY, command.millicents
        display = Display.first_paid(self._s.catalogue.providers)
        amount = None if limit is None else amount_text(lang, display.amount(limit))
        dollars = "none" if limit is None else amount_text("en", Display().amount(limit))
        entry = self._entry(chat, "budget", scope_key(scope, key), f"{period.value} {dollars}")
        await self._s.jobs.set_limit(scope, key, period, limit, entry)
        return words.budget_set(lang, key, period.value, amount)

    async def _control(
        self, chat: ChatRef, kind: Control, key: str, value: str | None, action: Action
    ) -> None:
        entry = AuditEntry(
            at=self._s.timescale.now(),
            actor=chat.user_key,
            action=action.value,
            target=key,
            detail=value or "",
        )
        await self._s.jobs.set_control(kind, key, value, entry)
        self._s.access.load(await self._s.jobs.controls())

    def _entry(self, chat: ChatRef, action: str, target: str, detail: str = "") -> AuditEntry:
        now = self._s.timescale.now()
        return AuditEntry(at=now, actor=chat.user_key, action=action, target=target, detail=detail)

    def _key(self, chat: ChatRef, scope: Scope, target: str | None) -> str:
        """A budget's key: ``platform:id``; the chat the command came from when no id is given."""
        if target is None:
            if scope is Scope.USER:
                return chat.user_key
            return chat.space_key or f"{chat.platform}:{chat.chat_id}"
        platform, bare = self._split(chat, target)
        return f"{platform}:{bare}"

    @staticmethod
    def _split(chat: ChatRef, target: str) -> tuple[str, str]:
        head, sep, tail = target.partition(":")
        if sep and head in KNOWN_PLATFORMS and tail:
            return head, tail
        return chat.platform, target
