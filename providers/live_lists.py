"""Each provider's live model list, asked with a deadline so that one slow provider delays no one.

A provider that does not answer within :data:`LIST_DEADLINE_S` is left to finish in the background
(the request is never cancelled: its answer fills the client's own cache); meanwhile its last good list
stands in (stale), or, with none, it counts as unavailable. For :data:`RETRY_AFTER_S` after a miss,
nobody waits for it at all: each ask only starts a fresh background attempt when none is running.
A list that came in is served as it is for :data:`FRESH_S` without asking the client again (the
clients cache theirs for longer), so the catalogue built from it can be reused as long (the same list
object comes back).
"""

from __future__ import annotations

import asyncio
import logging
import time

from providers.base import VideoProvider
from providers.errors import ProviderError, UnavailableError
from providers.types import LiveModel, TaskType

log = logging.getLogger(__name__)

LIST_DEADLINE_S = 3.0
RETRY_AFTER_S = 60.0
FRESH_S = 30.0

Key = tuple[str, TaskType]
Answer = list[LiveModel] | ProviderError
Asking = tuple[asyncio.Task[list[LiveModel]], float]  # a list being asked for, and since when (monotonic)


class LiveLists:
    """The providers' model lists as the catalogue asks for them: never longer than a deadline."""

    def __init__(
        self,
        *,
        deadline_s: float = LIST_DEADLINE_S,
        retry_after_s: float = RETRY_AFTER_S,
        fresh_s: float = FRESH_S,
    ) -> None:
        self._deadline_s = deadline_s
        self._retry_after_s = retry_after_s
        self._fresh_s = fresh_s
        self._fresh_until: dict[Key, float] = {}
        self._asking: dict[Key, Asking] = {}
        self._last_good: dict[Key, list[LiveModel]] = {}
        self._quiet_until: dict[Key, float] = {}

    def begin(self, provider: VideoProvider, task_type: TaskType) -> None:
        """Start asking for ``provider``'s list now unless it is fresh or already asked for (at start)."""
        key = (provider.name, task_type)
        if time.monotonic() >= self._fresh_until.get(key, 0.0) and key not in self._asking:
            self._ask(provider, task_type)

    async def get(self, provider: VideoProvider, task_type: TaskType) -> Answer:
        """``provider``'s list for ``task_type``, its last good one, or why there is none.

        The deadline counts from when the list was first asked for, so nobody waits longer than that
        for an ask already under way (e.g. the one :meth:`begin` made at start).
        """
        key = (provider.name, task_type)
        if time.monotonic() < self._fresh_until.get(key, 0.0):
            return self._last_good[key]
        task, began = self._asking.get(key) or self._ask(provider, task_type)
        if time.monotonic() < self._quiet_until.get(key, 0.0) and not task.done():
            return self._stand_in(key, "still not answering")
        try:
            left_s = max(0.0, began + self._deadline_s - time.monotonic())
            models = await asyncio.wait_for(asyncio.shield(task), left_s)
        except TimeoutError:
            self._quiet_until[key] = time.monotonic() + self._retry_after_s
            log.warning("model list of %s: no answer within %.0f s", provider.name, self._deadline_s)
            return self._stand_in(key, "no answer in time")
        except ProviderError as exc:
            log.warning("model list of %s unavailable: %s", provider.name, exc.kind.value)
            return self._last_good.get(key, exc)
        return models

    def _ask(self, provider: VideoProvider, task_type: TaskType) -> Asking:
        key = (provider.name, task_type)
        task = asyncio.create_task(provider.list_models(task_type), name=f"models:{provider.name}")
        self._asking[key] = (task, time.monotonic())
        task.add_done_callback(lambda done: self._settle(key, done))
        return self._asking[key]

    async def aclose(self) -> None:
        """Stop the lists still being asked for (at shutdown, before the clients close)."""
        tasks = [task for task, _ in self._asking.values()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def _stand_in(self, key: Key, why: str) -> Answer:
        stale = self._last_good.get(key)
        return stale if stale is not None else UnavailableError(f"model list of {key[0]}: {why}")

    def _settle(self, key: Key, task: asyncio.Task[list[LiveModel]]) -> None:
        if self._asking.get(key, (None, 0.0))[0] is task:
            del self._asking[key]
        if task.cancelled():
            return
        if task.exception() is None:  # also marks a failure as seen (no "never retrieved" warning)
            self._last_good[key] = task.result()
            self._fresh_until[key] = time.monotonic() + self._fresh_s
            self._quiet_until.pop(key, None)
