"""What a user was last offered: numbered model choices, and a one-off "cheapest" for the next request."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from handlers.intent import Policy
from handlers.timing import utc_now

FORGET_AFTER = timedelta(hours=1)


@dataclass
class DialogueState:
    choices: tuple[str, ...] = ()  # model keys, in the order shown
    next_policy: Policy | None = None  # "用便宜的" alone: the next request only
    at: datetime = field(default_factory=utc_now)


class DialogueMemory:
    """Short-lived per-user state, in memory; a restart forgets it (harmless: users ask again)."""

    def __init__(self) -> None:
        self._states: dict[str, DialogueState] = {}

    def get(self, user: str) -> DialogueState:
        state = self._states.get(user)
        if state is None or utc_now() - state.at > FORGET_AFTER:
            state = self._states[user] = DialogueState()
        return state

    def offer(self, user: str, choices: tuple[str, ...]) -> None:
        self._states[user] = DialogueState(choices=choices)

    def clear(self, user: str) -> None:
        self._states.pop(user, None)
