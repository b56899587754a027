"""Short-lived per-user context: numbered model choices, a one-off "cheapest", a photo awaiting words."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from handlers.intent import Policy
from handlers.timing import utc_now
from providers.types import ImageInput

FORGET_AFTER = timedelta(hours=1)


@dataclass
class DialogueState:
    choices: tuple[str, ...] = ()  # what a number picks, in the order shown: model keys, or job ids
    menu: str = "models"  # which list the choices are: "models", or "cancel" (handlers.jobcontrol)
    next_policy: Policy | None = None  # "用便宜的" alone: the next request only
    pending_images: tuple[ImageInput, ...] = ()  # a photo sent alone, waiting for its words
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

    def offer(self, user: str, choices: tuple[str, ...], *, menu: str = "models") -> None:
        state = self.get(user)
        state.choices = choices
        state.menu = menu
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
        """Forget the user's context, held photos of every chat included."""
        self._states.pop(user, None)

    def use_cheapest_next(self, user: str) -> None:
        state = self.get(user)
        state.next_policy = Policy.CHEAPEST
        state.at = utc_now()
