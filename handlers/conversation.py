"""The conversation: one inbound message in, intents dispatched, replies out through the outbox."""

from __future__ import annotations

import logging

from handlers.channel import Outbox
from handlers.choosing import ModelChoice, choose_model, mention_name, resolve_mention, resolve_policy
from handlers.dialogue import FORGET_AFTER, DialogueMemory
from handlers.flow import GenerationFlow
from handlers.inbound import ChatRef, InboundMessage
from handlers.intent import (
    AnotherModel,
    Choice,
    Deny,
    Empty,
    Generate,
    Help,
    Intent,
    ListModels,
    Policy,
    ResetPrefs,
    SetModel,
    ShowPrefs,
    UnknownModel,
    detect_lang,
    parse,
)
from handlers.jobs import Job, JobState, JobStore
from handlers.timing import utc_now
from messages import (
    cheapest_once,
    error_reason,
    help_text,
    internal_error,
    model_not_for_task,
    model_not_found,
    models_list,
    no_model_available,
    nothing_to_retry,
    ok_no_retry,
    pref_saved,
    pref_switched,
    prefs_reset,
    prefs_summary,
    prompt_too_long,
    too_many_jobs,
)
from messages import (
    choose_model as choose_model_text,
)
from messages.reply import Lang, Reply, ReplyKind, Selection
from prefs import Preference, PreferenceStore, PreferenceStoreError, user_key
from providers.catalogue import Catalogue, CatalogueEntry
from providers.errors import ProviderError
from providers.types import GenerationRequest, TaskType

log = logging.getLogger(__name__)

# What the provider is asked when a photo arrives without words ("animate this").
DEFAULT_MOTION_PROMPT = "natural motion, gentle cinematic camera movement"


class ConversationHandler:
    """Turns each inbound message into replies and jobs. Never raises for a user's input."""

    def __init__(
        self,
        *,
        catalogue: Catalogue,
        flow: GenerationFlow,
        jobs: JobStore,
        prefs: PreferenceStore,
        outbox: Outbox,
        default_lang: Lang = "zh",
        max_jobs_per_user: int = 2,
    ) -> None:
        self._catalogue = catalogue
        self._flow = flow
        self._jobs = jobs
        self._prefs = prefs
        self._outbox = outbox
        self._default_lang = default_lang
        self._max_jobs = max_jobs_per_user
        self._dialogue = DialogueMemory()

    async def handle(self, message: InboundMessage) -> None:
        """Answer one message. Bugs end in a friendly apology, never in silence or a traceback."""
        lang = message.chat.lang or detect_lang(message.text) or self._default_lang
        chat = message.chat.model_copy(update={"lang": lang, "reply_to": message.message_id})
        try:
            if await self._jobs.by_inbound(message.inbound_key) is not None:
                log.info("redelivered message %s dropped", message.inbound_key)
                return
            await self._dispatch(parse(message.text, message.images), chat, message.inbound_key)
        except ProviderError as exc:  # e.g. no provider could list its models
            log.warning("message %s: provider unavailable: %s", message.inbound_key, exc.kind.value)
            await self._say(chat, error_reason(lang, exc.kind))
        except Exception:
            log.exception("could not handle message %s", message.inbound_key)
            await self._say(chat, internal_error(lang))

    async def retry(self, chat: ChatRef, job_id: str, model_key: str, inbound_key: str) -> None:
        """Run a failed job's request again on ``model_key`` (a "retry with" button or a "yes")."""
        lang = _lang(chat)
        try:
            failed = await self._jobs.get(job_id)
            if failed is None:
                await self._say(chat, nothing_to_retry(lang))
                return
            entry = await self._catalogue.entry(model_key, failed.request.task_type)
            if entry is None:
                await self._say(chat, no_model_available(lang, failed.request.task_type))
                return
            choice = ModelChoice(entry, Selection.EXPLICIT, remember=True)
            await self._start(chat, inbound_key, failed.request, choice)
        except ProviderError as exc:
            await self._say(chat, error_reason(lang, exc.kind))
        except Exception:
            log.exception("could not retry job %s", job_id)
            await self._say(chat, internal_error(lang))

    async def _dispatch(self, intent: Intent, chat: ChatRef, inbound_key: str) -> None:
        lang = _lang(chat)
        user = user_key(chat.platform, chat.user_id)
        match intent:
            case Generate():
                await self._generate(intent, chat, inbound_key)
            case SetModel():
                await self._set_model(intent, chat, inbound_key)
            case Choice(index=index):
                await self._pick(index, chat, inbound_key)
            case AnotherModel():
                await self._offer_models(chat)
            case UnknownModel(name=name):
                entries = await self._catalogue.entries(TaskType.TEXT_TO_VIDEO)
                await self._say(chat, model_not_found(lang, name, entries))
            case ListModels():
                await self._list_models(chat)
            case ShowPrefs():
                saved = await self._prefs.all_for(user)
                items = [(task, pref.model_name) for task, pref in sorted(saved.items())]
                await self._say(chat, prefs_summary(lang, items))
            case ResetPrefs():
                await self._prefs.reset(user)
                await self._say(chat, prefs_reset(lang))
            case Deny():
                self._dialogue.clear(chat.user_key)
                await self._say(chat, ok_no_retry(lang))
            case Empty() | Help():
                await self._say(chat, help_text(lang))
            case _:  # Affirm
                await self._affirm(chat, inbound_key)

    # -- generation ---------------------------------------------------------------------------------

    async def _generate(self, intent: Generate, chat: ChatRef, inbound_key: str) -> None:
        lang = _lang(chat)
        user = user_key(chat.platform, chat.user_id)
        state = self._dialogue.get(chat.user_key)
        policy = intent.policy or state.next_policy
        state.next_policy = None
        task_type = intent.task_type
        choice = await choose_model(
            self._catalogue,
            self._prefs,
            user,
            task_type,
            mention=intent.model,
            policy=policy,
            remember=intent.remember,
        )
        if choice is None:
            await self._say(chat, no_model_available(lang, task_type))
            return
        if choice.unavailable:
            await self._say(chat, model_not_for_task(lang, choice.unavailable, task_type))
        if intent.remember and choice.selection is not Selection.DEFAULT:
            await self._save_preference(user, choice.entry)
        prompt = intent.prompt or (DEFAULT_MOTION_PROMPT if intent.images else "")
        request = GenerationRequest(
            task_type=task_type, prompt=prompt, images=intent.images, params=intent.params
        )
        await self._start(chat, inbound_key, request, choice)

    async def _start(
        self, chat: ChatRef, inbound_key: str, request: GenerationRequest, choice: ModelChoice
    ) -> None:
        lang = _lang(chat)
        spec = choice.entry.spec
        if len(request.prompt) > spec.max_prompt_chars:
            await self._say(
                chat, prompt_too_long(lang, max_chars=spec.max_prompt_chars, model_name=spec.name)
            )
            return
        active = await self._jobs.active(chat.user_key)
        if len(active) >= self._max_jobs:
            await self._say(chat, too_many_jobs(lang, self._max_jobs))
            return
        self._dialogue.clear(chat.user_key)
        job = Job(
            inbound_key=inbound_key,
            chat=chat,
            request=request,
            provider=choice.entry.provider,
            offer=choice.entry.offer,
            family=spec.family,
            trait=spec.trait,
            selection=choice.selection,
            remember=choice.remember,
            eta=choice.entry.eta,
            poll_every_s=spec.poll_every_s,
            progress_every_s=spec.progress_every_s,
            # A live estimate longer than the model's timeout must not doom every job: keep 2 min of slack.
            timeout_s=max(spec.timeout_s, choice.entry.eta.max_s + 120),
        )
        await self._flow.launch(job)

    # -- preferences and choices ------------------------------------------------------------------

    async def _set_model(self, intent: SetModel, chat: ChatRef, inbound_key: str) -> None:
        lang = _lang(chat)
        user = user_key(chat.platform, chat.user_id)
        state = self._dialogue.get(chat.user_key)
        retry_job_id = await self._retry_target(chat)
        if intent.model is None and intent.policy is Policy.CHEAPEST and not intent.remember:
            entry = await self._catalogue.cheapest(await self._last_task_type(chat))
            await self._say(chat, cheapest_once(lang, entry.name if entry else ""))
            if retry_job_id and entry:
                await self.retry(chat, retry_job_id, entry.key, inbound_key)
            else:
                state.next_policy = Policy.CHEAPEST
            return
        saved: CatalogueEntry | None = None
        for task_type in TaskType:
            if intent.model is not None:
                entry = await resolve_mention(self._catalogue, intent.model, task_type)
            elif intent.policy is not None:
                entry = await resolve_policy(self._catalogue, intent.policy, task_type)
            else:
                entry = None
            if entry is not None:
                await self._save_preference(user, entry)
                saved = saved or entry
        if saved is None:
            name = mention_name(self._catalogue, intent.model) if intent.model else ""
            await self._say(
                chat, model_not_found(lang, name, await self._catalogue.entries(TaskType.TEXT_TO_VIDEO))
            )
            return
        await self._say(
            chat, pref_saved(lang, saved.name) if intent.remember else pref_switched(lang, saved.name)
        )
        if retry_job_id:
            await self._retry_with(chat, retry_job_id, intent, inbound_key)

    async def _retry_with(self, chat: ChatRef, job_id: str, intent: SetModel, inbound_key: str) -> None:
        failed = await self._jobs.get(job_id)
        if failed is None:
            return
        task_type = failed.request.task_type
        entry = (
            await resolve_mention(self._catalogue, intent.model, task_type)
            if intent.model
            else await resolve_policy(self._catalogue, intent.policy or Policy.BEST, task_type)
        )
        if entry is not None:
            await self.retry(chat, job_id, entry.key, inbound_key)

    async def _pick(self, index: int, chat: ChatRef, inbound_key: str) -> None:
        lang = _lang(chat)
        state = self._dialogue.get(chat.user_key)
        if not 1 <= index <= len(state.choices):
            await self._say(chat, help_text(lang))
            return
        key = state.choices[index - 1]
        retry_job_id = await self._retry_target(chat)
        entry = None
        for task_type in TaskType:
            found = await self._catalogue.entry(key, task_type)
            if found is not None:
                await self._save_preference(user_key(chat.platform, chat.user_id), found)
                entry = entry or found
        if entry is None:
            await self._say(chat, no_model_available(lang, TaskType.TEXT_TO_VIDEO))
            return
        await self._say(chat, pref_saved(lang, entry.name))
        if retry_job_id:
            await self.retry(chat, retry_job_id, key, inbound_key)

    async def _affirm(self, chat: ChatRef, inbound_key: str) -> None:
        """ "Yes" after a failure: retry on the first alternative that failure named."""
        job_id = await self._retry_target(chat)
        failed = await self._jobs.get(job_id) if job_id else None
        if failed is None or failed.error_kind is None:
            await self._say(chat, nothing_to_retry(_lang(chat)))
            return
        task_type = failed.request.task_type
        alternatives = await self._catalogue.alternatives(
            failed.model_key, task_type, failed.error_kind.value
        )
        if not alternatives:
            await self._say(chat, no_model_available(_lang(chat), task_type))
            return
        await self.retry(chat, failed.id, alternatives[0].key, inbound_key)

    async def _retry_target(self, chat: ChatRef) -> str | None:
        """The user's newest job, if it failed recently: what "yes" or a model name would retry."""
        latest = await self._jobs.latest(chat.user_key)
        if latest is None or latest.state is not JobState.FAILED or latest.finished_at is None:
            return None
        return latest.id if utc_now() - latest.finished_at < FORGET_AFTER else None

    async def _offer_models(self, chat: ChatRef) -> None:
        task_type = await self._last_task_type(chat)
        entries = await self._catalogue.entries(task_type)
        self._dialogue.offer(chat.user_key, tuple(e.key for e in entries))
        await self._say(chat, choose_model_text(_lang(chat), entries))

    async def _list_models(self, chat: ChatRef) -> None:
        lang = _lang(chat)
        texts = []
        for task_type in (TaskType.TEXT_TO_VIDEO, TaskType.IMAGE_TO_VIDEO):
            entries = await self._catalogue.entries(task_type)
            default = await self._catalogue.default(task_type)
            if entries and default:
                texts.append(models_list(lang, task_type=task_type, entries=entries, default_key=default.key))
        await self._say(chat, "\n\n".join(texts) or no_model_available(lang, TaskType.TEXT_TO_VIDEO))

    async def _last_task_type(self, chat: ChatRef) -> TaskType:
        latest = await self._jobs.latest(chat.user_key)
        return latest.request.task_type if latest else TaskType.TEXT_TO_VIDEO

    async def _save_preference(self, user: str, entry: CatalogueEntry) -> None:
        preference = Preference(
            model_id=entry.ref.model_id,
            model_name=entry.name,
            credit=entry.credits_min,
            last_used=utc_now(),
            model_key=entry.key,
            provider=entry.provider,
        )
        try:
            await self._prefs.set(user, entry.task_type, preference)
        except PreferenceStoreError:
            log.exception("could not save a preference")

    async def _say(self, chat: ChatRef, text: str) -> None:
        try:
            await self._outbox.send(chat, Reply(kind=ReplyKind.TEXT, text=text))
        except Exception:
            log.exception("could not answer in %s", chat.platform)


def _lang(chat: ChatRef) -> Lang:
    return chat.lang or "zh"
