"""Preference commands of seed 001: switch, always use, cheapest once, best, choose another, show, reset."""

from __future__ import annotations

from handlers.choosing import mention_name, resolve_mention, resolve_policy
from handlers.inbound import ChatRef
from handlers.intent import Policy, SetModel
from handlers.services import Services, lang_of, prefs_user
from handlers.starting import Starter
from messages import (
    cheapest_once,
    choose_model,
    help_text,
    model_not_found,
    models_list,
    no_model_available,
    pref_saved,
    pref_switched,
    prefs_reset,
    prefs_summary,
)
from providers.catalogue import CatalogueEntry
from providers.types import TaskType


class PreferenceDesk:
    def __init__(self, services: Services, starter: Starter) -> None:
        self._s = services
        self._starter = starter

    async def set_model(self, intent: SetModel, chat: ChatRef) -> None:
        """用XXX / 以后都用XXX / 用最好的 save; 用便宜的 alone applies to the next request only.

        Right after a failure the same words also retry the failed request on that model.
        """
        lang = lang_of(chat)
        failed = await self._starter.retry_target(chat)
        if intent.model is None and intent.policy is Policy.CHEAPEST and not intent.remember:
            task_type = failed.request.task_type if failed else await self.last_task_type(chat)
            cheapest = await self._s.catalogue.cheapest(task_type)
            await self._s.say(chat, cheapest_once(lang, cheapest.name if cheapest else ""))
            if failed and cheapest:
                await self._starter.retry(chat, failed.id, cheapest.key)
            else:
                self._s.dialogue.use_cheapest_next(chat.user_key)
            return
        saved: CatalogueEntry | None = None
        for task_type in TaskType:
            if intent.model is not None:
                entry = await resolve_mention(self._s.catalogue, intent.model, task_type)
            else:
                entry = await resolve_policy(self._s.catalogue, intent.policy or Policy.BEST, task_type)
            if entry is not None:
                await self._s.remember(chat, entry)
                if saved is None or (failed and task_type is failed.request.task_type):
                    saved = entry
        if saved is None:
            name = mention_name(self._s.catalogue, intent.model) if intent.model else ""
            entries = await self._s.catalogue.entries(TaskType.TEXT_TO_VIDEO)
            await self._s.say(chat, model_not_found(lang, name, entries))
            return
        await self._s.say(
            chat, pref_saved(lang, saved.name) if intent.remember else pref_switched(lang, saved.name)
        )
        if failed and saved.task_type is failed.request.task_type:
            await self._starter.retry(chat, failed.id, saved.key)

    async def pick(self, index: int, chat: ChatRef) -> None:
        """A number answering "换个模型": save the chosen model (and retry a failed request with it)."""
        choices = self._s.dialogue.get(chat.user_key).choices
        if not 1 <= index <= len(choices):
            await self._s.say(chat, help_text(lang_of(chat)))
            return
        await self.set_key(chat, choices[index - 1], None)

    async def set_key(self, chat: ChatRef, model_key: str, task_type: TaskType | None) -> None:
        """Save ``model_key`` for ``task_type`` (every task type it does when ``None``)."""
        lang = lang_of(chat)
        failed = await self._starter.retry_target(chat)
        saved: CatalogueEntry | None = None
        for task in [task_type] if task_type else list(TaskType):
            entry = await self._s.catalogue.entry(model_key, task)
            if entry is not None:
                await self._s.remember(chat, entry)
                saved = saved or entry
        if saved is None:
            entries = await self._s.catalogue.entries(task_type or TaskType.TEXT_TO_VIDEO)
            spec = self._s.catalogue.spec(model_key)
            await self._s.say(chat, model_not_found(lang, spec.name if spec else model_key, entries))
            return
        await self._s.say(chat, pref_saved(lang, saved.name))
        if failed and await self._s.catalogue.entry(model_key, failed.request.task_type):
            await self._starter.retry(chat, failed.id, model_key)

    async def offer_models(self, chat: ChatRef) -> None:
        """换个模型: the models with their prices, numbered."""
        entries = await self._s.catalogue.entries(await self.last_task_type(chat))
        self._s.dialogue.offer(chat.user_key, tuple(e.key for e in entries))
        await self._s.say(chat, choose_model(lang_of(chat), entries))

    async def list_models(self, chat: ChatRef, task_types: tuple[TaskType, ...] | None = None) -> None:
        lang = lang_of(chat)
        texts = []
        for task_type in task_types or (TaskType.TEXT_TO_VIDEO, TaskType.IMAGE_TO_VIDEO):
            entries = await self._s.catalogue.entries(task_type)
            default = await self._s.catalogue.default(task_type)
            if entries and default:
                texts.append(models_list(lang, task_type=task_type, entries=entries, default_key=default.key))
        await self._s.say(chat, "\n\n".join(texts) or no_model_available(lang, TaskType.TEXT_TO_VIDEO))

    async def show(self, chat: ChatRef) -> None:
        saved = await self._s.prefs.all_for(prefs_user(chat))
        items = [(task, pref.model_name) for task, pref in sorted(saved.items())]
        await self._s.say(chat, prefs_summary(lang_of(chat), items))

    async def reset(self, chat: ChatRef, task_type: TaskType | None = None) -> None:
        await self._s.prefs.reset(prefs_user(chat), task_type)
        await self._s.say(chat, prefs_reset(lang_of(chat)))

    async def last_task_type(self, chat: ChatRef) -> TaskType:
        latest = await self._s.jobs.latest(chat.user_key)
        return latest.request.task_type if latest else TaskType.TEXT_TO_VIDEO
