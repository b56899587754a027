"""What the conversation's parts share: the stores, the catalogue, the flow and a way to answer."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from handlers.access import AccessControl
from handlers.budgets import Budget, Confirmation
from handlers.channel import Outbox
from handlers.dialogue import DialogueMemory
from handlers.flow import GenerationFlow
from handlers.image_links import Resolver, system_resolver
from handlers.inbound import ChatRef
from handlers.jobs import JobStore
from handlers.remembering import prefs_user, remember_model
from handlers.timing import TimeScale
from messages.reply import Lang, Reply, ReplyKind
from prefs.base import Preferences
from providers.catalogue import Catalogue, CatalogueEntry
from providers.links import Probe

log = logging.getLogger(__name__)


@dataclass
class Services:
    catalogue: Catalogue
    flow: GenerationFlow
    jobs: JobStore
    prefs: Preferences
    outbox: Outbox
    max_jobs_per_user: int = 2
    max_queued_per_user: int = 0  # requests over the limit wait in line, up to this many (handlers.queueing)
    timescale: TimeScale = field(default_factory=TimeScale)
    dialogue: DialogueMemory = field(default_factory=DialogueMemory)
    resolve: Resolver = system_resolver  # host names of pasted image links (handlers.image_links)
    probe: Probe | None = None  # where a pasted image link redirects (providers.links)
    budget: Budget = field(default_factory=Budget)  # default limits (admins' overrides are in the ledger)
    confirm: Confirmation = field(default_factory=Confirmation)  # which jobs ask before spending
    access: AccessControl = field(default_factory=AccessControl)  # policies, admins, run-time changes

    async def remember(self, chat: ChatRef, entry: CatalogueEntry) -> None:
        """Save ``entry`` as the user's model for its task type."""
        await remember_model(
            self.prefs,
            chat,
            entry.task_type,
            model_id=entry.ref.model_id,
            model_name=entry.name,
            credit=entry.credits_min,
            model_key=entry.key,
            provider=entry.provider,
            now=self.timescale.now(),
        )

    async def say(self, chat: ChatRef, text: str) -> None:
        """A plain answer; a delivery problem is logged, never raised at the user."""
        await self.show(chat, Reply(kind=ReplyKind.TEXT, text=text))

    async def show(self, chat: ChatRef, reply: Reply) -> None:
        """An answer with buttons; a delivery problem is logged, never raised at the user."""
        try:
            await self.outbox.send(chat, reply)
        except Exception:
            log.exception("could not answer in %s", chat.platform)


def lang_of(chat: ChatRef) -> Lang:
    return chat.lang or "zh"


__all__ = ["Services", "lang_of", "prefs_user"]
