"""The conversation: messages and commands in, intents dispatched, replies out through the outbox.

Adapters call :meth:`ConversationHandler.handle` for chat messages and the structured methods
(``request_video``, ``set_model``, ``show_models``, ...) for slash commands and buttons. Nothing here
raises at a user: provider trouble becomes its translated reason, our own bugs a friendly apology.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from dataclasses import dataclass

from handlers import metering
from handlers.admin.commands import is_admin_command
from handlers.admin.desk import AdminDesk
from handlers.choosing import ModelChoice, choose_model
from handlers.followups import FollowUpDesk
from handlers.inbound import ChatRef, InboundMessage
from handlers.intent import (
    Affirm,
    AnotherModel,
    AskStatus,
    CancelJob,
    Choice,
    Deny,
    Empty,
    FollowUp,
    Generate,
    Help,
    Intent,
    ListModels,
    ResetPrefs,
    SetModel,
    ShowCredits,
    ShowHistory,
    ShowPrefs,
    ShowUsage,
    UnknownModel,
    detect_lang,
    parse,
)
from handlers.jobcontrol import JobControlDesk
from handlers.jobs import JobLeased
from handlers.overview import OverviewDesk
from handlers.preferences import PreferenceDesk
from handlers.services import Services, lang_of, prefs_user
from handlers.starting import DEFAULT_MOTION_PROMPT, Starter
from handlers.usage import UsageDesk
from messages import (
    error_reason,
    help_text,
    image_received,
    internal_error,
    job_busy,
    message_too_long,
    model_not_found,
    no_model_available,
    ok_no_retry,
    still_working,
)
from messages.reply import Lang, Selection
from providers.errors import ProviderError
from providers.types import GenerationRequest, ImageInput, TaskType, VideoParams

log = logging.getLogger(__name__)

# Longer messages are not read at all (a friendly note instead): every prompt a model takes is far
# shorter, and parsing stays well under 50 ms of the event loop (about 9 ms per 1,000 characters here).
MAX_MESSAGE_CHARS = 4000


@dataclass(frozen=True)
class ImageOnly:
    """A photo without words: held until the user says what to do with it."""


Understood = Intent | ImageOnly


class ConversationHandler:
    """Turns each inbound message into replies and jobs."""

    def __init__(self, services: Services, *, default_lang: Lang = "zh") -> None:
        self._s = services
        self._default_lang = default_lang
        self._starter = Starter(services)
        self._prefs = PreferenceDesk(services, self._starter)
        self._usage = UsageDesk(services)
        self._control = JobControlDesk(services, self._starter)
        self._overview = OverviewDesk(services)
        self._followups = FollowUpDesk(services, self._starter, self._prefs)
        self._admin = AdminDesk(services, self._usage)

    # -- chat messages -------------------------------------------------------------------------------

    async def handle(self, message: InboundMessage) -> None:
        """Answer one message. A redelivered message (same platform message id) is dropped; one over
        :data:`MAX_MESSAGE_CHARS` gets a short note and is never parsed."""
        too_long = len(message.text) > MAX_MESSAGE_CHARS
        head = message.text[:MAX_MESSAGE_CHARS]
        lang = self.lang_for(message.chat, head)
        chat = message.chat.model_copy(update={"lang": lang, "reply_to": message.message_id})
        if await self._redelivered(chat, message.inbound_key):
            return
        metering.heard(chat.platform)
        if too_long:
            await self._s.say(chat, message_too_long(lang, MAX_MESSAGE_CHARS))
            return
        if is_admin_command(head) and not message.images:
            await self._guard(chat, self._admin_typed(chat, head))
            return
        await self._guard(chat, self._dispatch(self._understand(message), chat, message.inbound_key))

    async def _admin_typed(self, chat: ChatRef, text: str) -> None:
        await self._s.say(chat, await self._admin.typed(chat, text))

    async def _redelivered(self, chat: ChatRef, inbound_key: str) -> bool:
        """Claim this platform message; a redelivery is dropped, or answered once with "still working".

        The claim comes first, so concurrent deliveries of one message never make two jobs (the
        ledger's unique inbound key is the second guard, at the money boundary).
        """
        now = self._s.timescale.now()
        if await self._s.jobs.claim_inbound(inbound_key, now):
            return False
        job = await self._s.jobs.by_inbound(inbound_key)
        if (
            job is not None
            and not job.finished
            and await self._s.jobs.claim_inbound(f"{inbound_key}#busy", now)
        ):
            await self._s.say(chat, still_working(lang_of(chat)))
        log.info("redelivered message %s dropped", inbound_key)
        return True

    def _understand(self, message: InboundMessage) -> Understood:
        """Parse a message; a photo sent alone waits for the words that come next (DM: photo, then text)."""
        holder = f"{message.chat.user_key}/{message.chat.chat_id}"
        if message.images and not message.text.strip():
            self._s.dialogue.hold_images(holder, message.images)
            return ImageOnly()
        intent = parse(message.text, message.images)
        if isinstance(intent, Generate) and not intent.images:
            pending = self._s.dialogue.take_images(holder)
            if pending:
                intent = parse(message.text, pending)
        return intent

    async def _dispatch(self, intent: Understood, chat: ChatRef, inbound_key: str) -> None:
        lang = lang_of(chat)
        match intent:
            case Generate():
                await self._starter.generate(intent, chat, inbound_key)
            case SetModel():
                await self._prefs.set_model(intent, chat)
            case Choice(index=index):
                if not (await self._control.pick(index, chat) or await self._overview.pick(index, chat)):
                    await self._prefs.pick(index, chat)
            case Affirm():
                await self._starter.affirm(chat)
            case Deny():
                failed = await self._starter.retry_target(chat)
                self._s.dialogue.clear(chat.user_key)
                if (waiting := await self._starter.waiting(chat)) is not None:
                    await self._starter.go_ahead(chat, waiting.id, yes=False)
                else:
                    if failed is not None:  # "no" to the failure's "retry with another model?"
                        self._s.dialogue.decline(chat.user_key, failed.id)
                    await self._s.say(chat, ok_no_retry(lang))
            case CancelJob():
                await self._control.cancel_words(chat)
            case FollowUp(action=action):
                await self._followups.words(chat, action, inbound_key)
            case AnotherModel():
                await self._prefs.offer_models(chat)
            case UnknownModel(name=name):
                entries = await self._s.catalogue.entries(TaskType.TEXT_TO_VIDEO)
                await self._s.say(chat, model_not_found(lang, name, entries))
            case ListModels():
                await self._prefs.list_models(chat)
            case ShowPrefs():
                await self._prefs.show(chat)
            case ResetPrefs():
                await self._prefs.reset(chat)
            case ShowCredits():
                await self.show_credits(chat)
            case ShowUsage():
                await self._usage.show(chat)
            case AskStatus():
                await self._overview.status(chat)
            case ShowHistory():
                await self._overview.history(chat)
            case ImageOnly():
                await self._s.say(chat, image_received(lang))
            case Empty() | Help():
                await self._s.say(chat, help_text(lang))

    # -- structured commands (slash commands, buttons) ------------------------------------------------

    async def request_video(
        self,
        chat: ChatRef,
        inbound_key: str,
        *,
        prompt: str,
        images: tuple[ImageInput, ...] = (),
        params: VideoParams | None = None,
        model_key: str | None = None,
    ) -> None:
        """A request with separate fields (e.g. ``/video``): 0 images t2v, 1 i2v, 2 first + last frame."""
        chat = self._with_lang(chat, prompt[:MAX_MESSAGE_CHARS])
        if len(prompt) > MAX_MESSAGE_CHARS:
            await self._s.say(chat, message_too_long(lang_of(chat), MAX_MESSAGE_CHARS))
            return
        task_type = _task_for(images)
        await self._guard(
            chat, self._request(chat, inbound_key, prompt, images, params, model_key, task_type)
        )

    async def _request(
        self,
        chat: ChatRef,
        inbound_key: str,
        prompt: str,
        images: tuple[ImageInput, ...],
        params: VideoParams | None,
        model_key: str | None,
        task_type: TaskType,
    ) -> None:
        if await self._redelivered(chat, inbound_key):
            return
        request = GenerationRequest(
            task_type=task_type,
            prompt=prompt.strip() or (DEFAULT_MOTION_PROMPT if images else ""),
            images=images,
            params=params or VideoParams(),
        )
        choice: ModelChoice | None = None
        if model_key:
            entry = await self._s.catalogue.entry(model_key, task_type)
            if entry is None:  # never run (and charge) a model the user did not pick
                spec = self._s.catalogue.spec(model_key)
                entries = await self._s.catalogue.entries(task_type)
                await self._s.say(
                    chat, model_not_found(lang_of(chat), spec.name if spec else model_key, entries)
                )
                return
            choice = ModelChoice(entry, Selection.EXPLICIT, remember=True)
        if choice is None:
            choice = await choose_model(
                self._s.catalogue,
                self._s.prefs,
                prefs_user(chat),
                task_type,
                mention=None,
                policy=None,
                remember=True,
            )
        if choice is None:
            await self._s.say(chat, no_model_available(lang_of(chat), task_type))
            return
        await self._starter.start(chat, inbound_key, request, choice)

    async def retry(self, chat: ChatRef, job_id: str, model_key: str, inbound_key: str) -> None:
        """Run a failed job's request again on ``model_key`` (a "retry with" button), once per click."""
        chat = self._with_lang(chat, "")
        if await self._redelivered(chat, inbound_key):
            return
        await self._guard(chat, self._starter.retry(chat, job_id, model_key))

    async def go_ahead(self, chat: ChatRef, job_id: str, *, yes: bool, inbound_key: str) -> None:
        """A "make it" / "cancel" button under a question, once per click."""
        chat = self._with_lang(chat, "")
        if await self._redelivered(chat, inbound_key):
            return
        await self._guard(chat, self._starter.go_ahead(chat, job_id, yes=yes))

    async def cancel(self, chat: ChatRef, job_id: str | None, *, inbound_key: str) -> None:
        """A Cancel button (``job_id``), or a cancel command (``None``: the latest, or a pick), once each."""
        chat = self._with_lang(chat, "")
        if await self._redelivered(chat, inbound_key):
            return
        if job_id is None:
            await self._guard(chat, self._control.cancel_words(chat, answer=True))
        else:
            await self._guard(chat, self._control.cancel(chat, job_id))

    async def follow_up(self, chat: ChatRef, job_id: str, action: str, *, inbound_key: str) -> None:
        """A finished video's follow-up button (again, another model, vertical, landscape), once per click."""
        chat = self._with_lang(chat, "")
        if await self._redelivered(chat, inbound_key):
            return
        await self._guard(chat, self._followups.run(chat, job_id, action, inbound_key))

    async def show_history(self, chat: ChatRef) -> None:
        chat = self._with_lang(chat, "")
        await self._guard(chat, self._overview.history(chat))

    async def show_status(self, chat: ChatRef) -> None:
        chat = self._with_lang(chat, "")
        await self._guard(chat, self._overview.status(chat))

    async def show_again(self, chat: ChatRef, index: int) -> None:
        """The ``index``-th newest video shown again (Discord's ``/show``)."""
        chat = self._with_lang(chat, "")
        await self._guard(chat, self._overview.show(chat, index))

    async def show_usage(self, chat: ChatRef) -> None:
        chat = self._with_lang(chat, "")
        await self._guard(chat, self._usage.show(chat))

    async def operate(self, chat: ChatRef, line: str) -> str:
        """An admin line from the operator's shell (always trusted): the answer as text."""
        return await self._admin.typed(chat, line, operator=True)

    async def admin(self, chat: ChatRef, line: str) -> None:
        """An admin command from a platform's own form (Discord's ``/admin``), answered to the admin only."""
        chat = self._with_lang(chat, line)
        await self._guard(chat, self._admin_typed(chat, line if is_admin_command(line) else f"/admin {line}"))

    async def set_model(self, chat: ChatRef, model_key: str, task_type: TaskType | None) -> None:
        """Remember ``model_key`` for ``task_type`` (all the task types it does when ``None``)."""
        chat = self._with_lang(chat, "")
        await self._guard(chat, self._prefs.set_key(chat, model_key, task_type))

    async def show_prefs(self, chat: ChatRef) -> None:
        chat = self._with_lang(chat, "")
        await self._guard(chat, self._prefs.show(chat))

    async def reset_prefs(self, chat: ChatRef, task_type: TaskType | None = None) -> None:
        chat = self._with_lang(chat, "")
        await self._guard(chat, self._prefs.reset(chat, task_type))

    async def show_models(
        self, chat: ChatRef, task_type: TaskType | None = None, *, slash: bool = False
    ) -> None:
        """The models with prices and times; ``slash``: told how to pick one with slash commands."""
        chat = self._with_lang(chat, "")
        task_types = (task_type,) if task_type else None
        await self._guard(chat, self._prefs.list_models(chat, task_types, slash=slash))

    async def show_credits(self, chat: ChatRef) -> None:
        """余额 / credits: each configured provider's balance where its service tells it."""
        chat = self._with_lang(chat, "")
        await self._guard(chat, self._usage.credits(chat))

    async def show_help(self, chat: ChatRef, *, slash: bool = False) -> None:
        """What the bot does; ``slash``: written for people who use it by slash commands."""
        chat = self._with_lang(chat, "")
        await self._s.say(chat, help_text(lang_of(chat), slash=slash))

    async def model_options(self, task_type: TaskType, lang: Lang, query: str = "") -> list[tuple[str, str]]:
        """``(model key, label with price and time)`` for a model picker, filtered by ``query``."""
        return await self._prefs.options(task_type, lang, query)

    # -- plumbing ----------------------------------------------------------------------------------------

    def lang_for(self, chat: ChatRef, text: str) -> Lang:
        """The language to answer ``text`` in: the chat's own, else the language of its words (then
        remembered), else the one the user last wrote in, else the default. A number, a photo alone or
        a click thus gets the conversation's language."""
        if chat.lang:
            return chat.lang
        if detected := detect_lang(text):
            self._s.dialogue.set_lang(chat.user_key, detected)
            return detected
        return self._s.dialogue.lang(chat.user_key) or self._default_lang

    def _with_lang(self, chat: ChatRef, text: str) -> ChatRef:
        return chat.model_copy(update={"lang": self.lang_for(chat, text)})

    async def _guard(self, chat: ChatRef, work: Awaitable[None]) -> None:
        """Run ``work``; provider trouble becomes its translated reason, our own bugs an apology."""
        lang = lang_of(chat)
        try:
            await work
        except ProviderError as exc:  # e.g. no provider could list its models
            log.warning("provider unavailable for %s: %s", chat.user_key, exc.kind.value)
            await self._s.say(chat, error_reason(lang, exc.kind))
        except JobLeased as exc:  # another instance works that job just now: nothing was changed
            log.info("%s: %s", chat.user_key, exc)
            await self._s.say(chat, job_busy(lang))
        except Exception:
            log.exception("could not answer %s", chat.user_key)
            await self._s.say(chat, internal_error(lang))


def _task_for(images: tuple[ImageInput, ...]) -> TaskType:
    if len(images) >= 2:
        return TaskType.FIRST_LAST_FRAME_TO_VIDEO
    return TaskType.IMAGE_TO_VIDEO if images else TaskType.TEXT_TO_VIDEO
