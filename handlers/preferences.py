"""Preference commands of seed 001: switch, always use, cheapest once, best, choose another, show, reset."""

from __future__ import annotations

from handlers.choosing import mention_name, resolve_mention, resolve_policy
from handlers.dialogue import FORGET_AFTER
from handlers.inbound import ChatRef
from handlers.intent import Policy, SetModel
from handlers.jobs import Job
from handlers.services import Services, lang_of, prefs_user
from handlers.starting import Starter
from handlers.timing import utc_now
from messages import (
    cheapest_once,
    cheapest_retry,
    choose_model,
    help_text,
    model_not_found,
    model_option_label,
    models_list,
    models_pick,
    no_model_available,
    pref_saved,
    pref_saved_each,
    pref_switched,
    prefs_reset,
    prefs_summary,
)
from messages.reply import Button, Lang, Reply, ReplyKind
from providers.catalogue import CatalogueEntry
from providers.errors import ProviderError
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
            cheapest = await self._s.catalogue.cheapest(failed.request.task_type) if failed else None
            if failed and cheapest:  # an answer to the failure's "try another model?"
                await self._s.say(chat, cheapest_retry(lang, cheapest.name))
                await self._starter.retry(chat, failed.id, cheapest.key)
            else:  # the model depends on the next request: its pre-notification names it
                await self._s.say(chat, cheapest_once(lang))
                self._s.dialogue.use_cheapest_next(chat.user_key)
            return
        saved: CatalogueEntry | None = None
        each: dict[TaskType, str] = {}
        for task_type in TaskType:
            if intent.model is not None:
                entry = await resolve_mention(self._s.catalogue, intent.model, task_type)
            else:
                entry = await resolve_policy(self._s.catalogue, intent.policy or Policy.BEST, task_type)
            if entry is not None:
                await self._s.remember(chat, entry)
                each[task_type] = entry.name
                if saved is None or (failed and task_type is failed.request.task_type):
                    saved = entry
        if saved is None:
            name = mention_name(self._s.catalogue, intent.model) if intent.model else ""
            entries = await self._s.catalogue.entries(TaskType.TEXT_TO_VIDEO)
            await self._s.say(chat, model_not_found(lang, name, entries))
            return
        if len(set(each.values())) > 1:  # "best" differs per kind of video: every one saved is named
            await self._s.say(chat, pref_saved_each(lang, list(each.items())))
        else:
            await self._s.say(
                chat, pref_saved(lang, saved.name) if intent.remember else pref_switched(lang, saved.name)
            )
        if failed and saved.task_type is failed.request.task_type:
            await self._starter.retry(chat, failed.id, saved.key)

    async def pick(self, index: int, chat: ChatRef) -> None:
        """A number answering "换个模型": save the chosen model and make the video the list was about
        (the last one, failed or made) again with it."""
        state = self._s.dialogue.get(chat.user_key)
        if not 1 <= index <= len(state.choices):
            await self._s.say(chat, help_text(lang_of(chat)))
            return
        about = await self._s.jobs.get(state.about, photos=False) if state.about else None
        await self.set_key(chat, state.choices[index - 1], None, rerun=about)

    async def set_key(
        self, chat: ChatRef, model_key: str, task_type: TaskType | None, *, rerun: Job | None = None
    ) -> None:
        """Save ``model_key`` for ``task_type`` (every task type it does when ``None``); then make
        ``rerun`` (else a recent failure) again with it."""
        lang = lang_of(chat)
        again = rerun or await self._starter.retry_target(chat)
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
        if again and await self._s.catalogue.entry(model_key, again.request.task_type):
            await self._starter.retry(chat, again.id, model_key)

    async def offer_models(self, chat: ChatRef, *, about: Job | None = None) -> None:
        """换个模型: the other models for the last video (or ``about``), with their prices, numbered; a
        number then makes that video again with the pick."""
        latest = about or await self._s.jobs.latest(chat.user_key)
        recent = (
            latest if latest is not None and latest.finished and (about or self._recent(latest)) else None
        )
        task_type = latest.request.task_type if latest else TaskType.TEXT_TO_VIDEO
        current = latest.model_key if latest else None
        entries = [e for e in await self._s.catalogue.entries(task_type) if e.key != current]
        self._s.dialogue.offer(
            chat.user_key, tuple(e.key for e in entries), about=recent.id if recent else None
        )
        await self._s.say(chat, choose_model(lang_of(chat), entries))

    @staticmethod
    def _recent(job: Job) -> bool:
        return job.finished_at is not None and utc_now() - job.finished_at < FORGET_AFTER

    async def list_models(
        self, chat: ChatRef, task_types: tuple[TaskType, ...] | None = None, *, slash: bool = False
    ) -> None:
        lang = lang_of(chat)
        texts: list[str] = []
        picks: list[Button] = []
        listed: list[TaskType] = []
        for task_type in task_types or (TaskType.TEXT_TO_VIDEO, TaskType.IMAGE_TO_VIDEO):
            entries = await self._s.catalogue.entries(task_type)
            default = await self._s.catalogue.default(task_type)
            if not (entries and default):
                continue
            if slash:  # a menu per kind of video: a choice makes it the user's usual
                listed.append(task_type)
                picks.extend(_pick(lang, entry, task_type, default.key) for entry in entries[:MENU_SIZE])
            else:
                texts.append(models_list(lang, task_type=task_type, entries=entries, default_key=default.key))
        text = models_pick(lang, listed) if slash and listed else "\n\n".join(texts)
        reply = Reply(kind=ReplyKind.TEXT, text=text or no_model_available(lang, TaskType.TEXT_TO_VIDEO))
        await self._s.show(chat, reply.model_copy(update={"buttons": tuple(picks)}))

    async def options(self, task_type: TaskType, lang: Lang, query: str = "") -> list[tuple[str, str]]:
        """``(model key, label with price and time)`` for a model picker, filtered by ``query``; none
        when no list can be had now (a picker must answer at once)."""
        try:
            entries = await self._s.catalogue.entries(task_type)
        except ProviderError:
            return []
        needle = query.strip().lower()
        return [
            (e.key, option_label(lang, e))
            for e in entries
            if not needle or needle in e.name.lower() or needle in e.key
        ]

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


MENU_SIZE = 25  # Discord's most options in one menu


def _pick(lang: Lang, entry: CatalogueEntry, task_type: TaskType, default_key: str) -> Button:
    """One model as a menu choice: its name, price and time (⭐ the recommended one)."""
    label = option_label(lang, entry, star=entry.key == default_key)
    return Button(label=label, action="use", model_key=entry.key, task=task_type.value)


def option_label(lang: Lang, entry: CatalogueEntry, *, star: bool = False) -> str:
    """A model as one line of a picker: name, price and time."""
    return model_option_label(
        lang,
        name=entry.name + (" ⭐" if star else ""),
        credits_min=entry.credits_min,
        credits_max=entry.credits_max,
        unit=entry.unit,
        eta_max_s=entry.eta.max_s,
    )
