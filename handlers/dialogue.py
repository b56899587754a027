"""Short-lived per-user context: numbered choices, a one-off "cheapest", a photo awaiting words, and the
language of the conversation (what a message without words, a number or a click is answered in)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from handlers.intent import Lang, Policy
from handlers.timing import utc_now
from providers.types import ImageInput

FORGET_AFTER = timedelta(hours=1)


@dataclass
class DialogueState:
    choices: tuple[str, ...] = ()  # what a number picks, in the order shown: model keys, or job ids
    menu: str = "models"  # which list the choices are: "models", "cancel", "history"
    about: str | None = None  # the job a list of models is about: a pick makes it again
    next_policy: Policy | None = None  # "用便宜的" alone: the next request only
    pending_images: tuple[ImageInput, ...] = ()  # a photo sent alone, waiting for its words
    lang: Lang | None = None  # the language of the user's last words
    declined: str | None = None  # a failed job whose retry the user said no to
    at: datetime = field(default_factory=utc_now)


class DialogueMemory:
    """Short-lived per-user state, in memory; a restart forgets it (harmless: users ask again)."""

    def __init__(self) -> None:
        self._states: dict[str, dict[str, DialogueState]] = {}  # user -> "user" or "user/chat" -> state

    def get(self, user: str) -> DialogueState:
        """The state of ``user`` (or of ``user/chat``: a photo held in one chat)."""
        states = self._states.setdefault(user.split("/", 1)[0], {})
        state = states.get(user)
        if state is None or utc_now() - state.at > FORGET_AFTER:
            state = states[user] = DialogueState()
        return state

    def offer(
        self, user: str, choices: tuple[str, ...], *, menu: str = "models", about: str | None = None
    ) -> None:
        state = self.get(user)
        state.choices = choices
        state.menu = menu
        state.about = about
        state.at = utc_now()

    def hold_images(self, user: str, images: tuple[ImageInput, ...]) -> None:
        state = self.get(user)
        state.pending_images = images
        state.at = utc_now()

    def take_images(self, user: str) -> tuple[ImageInput, ...]:
        state = self.get(user)
        images, state.pending_images = state.pending_images, ()
        return images

    def clear(self, user: str) -> None:
        """Forget the user's context, held photos of every chat included (their language stays)."""
        lang = self.get(user).lang
        self._states.pop(user, None)
        if lang is not None:
            self.get(user).lang = lang

    def decline(self, user: str, job_id: str) -> None:
        """The user said no to retrying ``job_id``: a later "ok" does not retry it."""
        state = self.get(user)
        state.declined = job_id
        state.at = utc_now()

    def lang(self, user: str) -> Lang | None:
        """The language the user last wrote in, if they wrote any words lately."""
        return self.get(user).lang

    def set_lang(self, user: str, lang: Lang) -> None:
        state = self.get(user)
        state.lang = lang
        state.at = utc_now()

    def use_cheapest_next(self, user: str) -> None:
        state = self.get(user)
        state.next_policy = Policy.CHEAPEST
        state.at = utc_now()
