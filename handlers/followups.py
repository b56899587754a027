"""Follow-ups of a finished video: make it again, in another model, or vertical / landscape.

A button names its video (and only its own user may press it); words ("again", "竖屏") mean the user's
last request. Each follow-up is a new request with its own intent key (the click, or the
message), so it goes through the spending guard like any other: limits, queue, budgets, go-ahead.
"""

from __future__ import annotations

import logging

from handlers.inbound import ChatRef
from handlers.jobs import Job, JobState
from handlers.preferences import PreferenceDesk
from handlers.services import Services, lang_of
from handlers.starting import Starter
from messages import no_model_available
from messages.control import nothing_to_follow

log = logging.getLogger(__name__)

SHAPES = {"vertical": "9:16", "landscape": "16:9"}


class FollowUpDesk:
    def __init__(self, services: Services, starter: Starter, prefs: PreferenceDesk) -> None:
        self._s = services
        self._starter = starter
        self._prefs = prefs

    async def words(self, chat: ChatRef, action: str, inbound_key: str) -> None:
        """ "again" / "竖屏" / "横屏": the user's last finished video, again or reshaped."""
        latest = await self._s.jobs.latest(chat.user_key)
        if latest is None or latest.state is JobState.AWAITING:  # nothing yet, or a question to answer
            await self._s.say(chat, nothing_to_follow(lang_of(chat)))
            return
        if action == "again" and latest.state is JobState.FAILED:
            await self._starter.affirm(chat)  # "again" after a failure: its first suggestion
            return
        await self.run(chat, latest.id, action, inbound_key)

    async def run(self, chat: ChatRef, job_id: str, action: str, inbound_key: str) -> None:
        """One follow-up of ``job_id`` for its own user; ``inbound_key`` names this intent."""
        job = await self._s.jobs.get(job_id)
        if job is None or job.user_key != chat.user_key:
            log.info("%s followed up a video that is not theirs (%s)", chat.user_key, job_id)
            await self._s.say(chat, nothing_to_follow(lang_of(chat)))
            return
        if action == "another":
            await self._prefs.offer_models(chat, about=job)  # a pick makes this video again with it
            return
        await self._again(chat, job, inbound_key, aspect_ratio=SHAPES.get(action))

    async def _again(self, chat: ChatRef, job: Job, inbound_key: str, *, aspect_ratio: str | None) -> None:
        request = job.request
        if aspect_ratio is not None:
            params = request.params.model_copy(update={"aspect_ratio": aspect_ratio})
            request = request.model_copy(update={"params": params})
        entry = await self._s.catalogue.entry(job.model_key, request.task_type)
        if entry is None:
            await self._s.say(chat, no_model_available(lang_of(chat), request.task_type))
            return
        await self._starter.again(chat, job, inbound_key, request, entry, remember=False)
