"""A person steering their own videos: cancel by words, by a pick among several, or by a button.

"取消" / "cancel" answers a go-ahead question with no when one waits; else it cancels the user's one
video in progress, or lists them when there are several (numbered, each with its Cancel button). A
button names its job; only the job's own user may cancel it. What the cancel did is shown on the job's
status message (:mod:`handlers.cancelling`); a structured request (a slash command) is answered too.
"""

from __future__ import annotations

import logging

from handlers.inbound import ChatRef
from handlers.jobs import Job, JobState
from handlers.replies import cancelled_job
from handlers.services import Services, lang_of
from handlers.starting import Starter
from messages import ok_no_retry
from messages.control import CancelOutcome, cancel_label, nothing_to_cancel, which_to_cancel
from messages.reply import Button, Reply, ReplyKind

log = logging.getLogger(__name__)

MENU = "cancel"  # the dialogue's menu of jobs to cancel (numbers answer it)
# A video being delivered can no longer be cancelled; a late check can (it only waits for the video).
CANCELLABLE = (
    frozenset(JobState)
    - {JobState.SUCCEEDED, JobState.DELIVERED, JobState.FAILED}
    - {
        JobState.UNCERTAIN,
        JobState.UNREACHABLE,
        JobState.CANCELLED,
    }
)


class JobControlDesk:
    def __init__(self, services: Services, starter: Starter) -> None:
        self._s = services
        self._starter = starter

    async def cancel_words(self, chat: ChatRef, *, answer: bool = False) -> None:
        """取消 / cancel: no to a waiting question, else the one video in progress, else a pick."""
        if (waiting := await self._starter.waiting(chat)) is not None:
            await self._starter.go_ahead(chat, waiting.id, yes=False)
            return
        jobs = await self.cancellable(chat)
        if len(jobs) == 1:
            await self.cancel(chat, jobs[0].id, answer=answer)
        elif jobs:
            await self._offer(chat, jobs)
        elif (failed := await self._starter.retry_target(chat)) is not None:
            self._s.dialogue.decline(chat.user_key, failed.id)  # "no thanks" to a failure's suggestions
            await self._s.say(chat, ok_no_retry(lang_of(chat)))
        else:
            await self._s.say(chat, nothing_to_cancel(lang_of(chat)))

    async def pick(self, index: int, chat: ChatRef) -> bool:
        """A number answering the list of videos to cancel; False when that list is not the one open."""
        state = self._s.dialogue.get(chat.user_key)
        if state.menu != MENU:
            return False
        if not 1 <= index <= len(state.choices):
            await self.cancel_words(chat)  # the list again, as it is now
            return True
        job_id = state.choices[index - 1]
        self._s.dialogue.offer(chat.user_key, ())  # one answer per list
        await self.cancel(chat, job_id, answer=True)
        return True

    async def cancel(self, chat: ChatRef, job_id: str, *, answer: bool = False) -> None:
        """Cancel ``job_id`` for its own user; the job's status message shows what that did, and with
        ``answer`` this chat hears it too (a slash command waits for its answer)."""
        job = await self._s.jobs.get(job_id, photos=False)
        if job is None or job.user_key != chat.user_key:
            log.info("%s asked to cancel a job that is not theirs (%s)", chat.user_key, job_id)
            await self._s.say(chat, nothing_to_cancel(lang_of(chat)))
            return
        outcome, ended = await self._s.flow.cancel(job_id)
        if ended is None:
            await self._s.say(chat, nothing_to_cancel(lang_of(chat)))
        elif answer or outcome is CancelOutcome.TOO_LATE:
            reply = cancelled_job(ended, outcome).model_copy(update={"kind": ReplyKind.TEXT})
            await self._s.show(chat, reply)

    async def cancellable(self, chat: ChatRef) -> list[Job]:
        """The user's videos that a cancel can still stop, oldest first."""
        return [job for job in await self._s.jobs.active(chat.user_key) if job.state in CANCELLABLE]

    async def _offer(self, chat: ChatRef, jobs: list[Job]) -> None:
        lang = lang_of(chat)
        self._s.dialogue.offer(chat.user_key, tuple(job.id for job in jobs), menu=MENU)
        buttons = tuple(
            Button(label=cancel_label(lang, index), action="cancel", job_id=job.id)
            for index, job in enumerate(jobs, 1)
        )
        text = which_to_cancel(lang, [(job.request.prompt, job.model_name) for job in jobs])
        await self._s.show(chat, Reply(kind=ReplyKind.TEXT, text=text, buttons=buttons))
