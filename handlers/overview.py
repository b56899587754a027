"""A person's overview of their videos: how each one in progress is doing (进度 / status), the last ones
(我的视频 / history, numbered), and one finished video shown again (a number, or Discord's ``/show``)."""

from __future__ import annotations

from handlers import replies
from handlers.inbound import ChatRef
from handlers.jobcontrol import CANCELLABLE
from handlers.jobs import Job, JobState
from handlers.services import Services, lang_of
from messages.control import cancel_label
from messages.notes import nothing_running
from messages.overview import (
    Outcome,
    Past,
    Phase,
    Running,
    history_text,
    no_such_video,
    not_showable,
    shown_again,
    status_text,
)
from messages.progress import progress_percent
from messages.reply import Button, Reply, ReplyKind
from providers.types import CreditUnit

MENU = "history"  # the dialogue's menu of past videos (numbers show one again)
HISTORY_SIZE = 10
ORDERING = frozenset({JobState.RECEIVED, JobState.QUOTED, JobState.NOTIFIED, JobState.SUBMITTING})
OUTCOMES = {
    JobState.DELIVERED: Outcome.MADE,
    JobState.FAILED: Outcome.NOT_MADE,
    JobState.UNREACHABLE: Outcome.NOT_MADE,
    JobState.CANCELLED: Outcome.CANCELLED,
    JobState.UNCERTAIN: Outcome.UNSURE,
}


class OverviewDesk:
    def __init__(self, services: Services) -> None:
        self._s = services

    async def status(self, chat: ChatRef) -> None:
        """Each video in progress: waiting for a go-ahead, being ordered, its progress, late, or being
        sent; a Cancel button under each one that can still be cancelled."""
        lang = lang_of(chat)
        jobs = [job for job in await self._s.jobs.active(chat.user_key) if not job.finished]
        if not jobs:
            await self._s.say(chat, nothing_running(lang))
            return
        buttons = tuple(
            Button(label=cancel_label(lang, index if len(jobs) > 1 else None), action="cancel", job_id=job.id)
            for index, job in enumerate(jobs, 1)
            if job.state in CANCELLABLE
        )
        queued = [job.id for job in jobs if job.state is JobState.QUEUED]  # oldest first: the line
        running = [
            Running(job.request.prompt, job.model_name, Phase.QUEUED, position=queued.index(job.id) + 1)
            if job.id in queued
            else self._running(job)
            for job in jobs
        ]
        text = status_text(lang, running)
        await self._s.show(chat, Reply(kind=ReplyKind.TEXT, text=text, buttons=buttons))

    async def history(self, chat: ChatRef) -> None:
        """The last videos, newest first and numbered; a number then shows that one again."""
        jobs = await self._s.jobs.recent(user_key=chat.user_key, limit=HISTORY_SIZE)
        self._s.dialogue.offer(chat.user_key, tuple(job.id for job in jobs), menu=MENU)
        await self._s.say(chat, history_text(lang_of(chat), [self._past(job) for job in jobs]))

    async def pick(self, index: int, chat: ChatRef) -> bool:
        """A number answering the history; False when the history is not the list open."""
        state = self._s.dialogue.get(chat.user_key)
        if state.menu != MENU:
            return False
        if not 1 <= index <= len(state.choices):
            await self._s.say(chat, no_such_video(lang_of(chat), index))
            return True
        job = await self._s.jobs.get(state.choices[index - 1], photos=False)
        await self._show(chat, job)
        return True

    async def show(self, chat: ChatRef, index: int) -> None:
        """The ``index``-th newest video (1 = the latest) shown again: ``/show``."""
        jobs = await self._s.jobs.recent(user_key=chat.user_key, limit=HISTORY_SIZE)
        if not 1 <= index <= len(jobs):
            await self._s.say(chat, no_such_video(lang_of(chat), index))
            return
        await self._show(chat, jobs[index - 1])

    async def _show(self, chat: ChatRef, job: Job | None) -> None:
        lang = lang_of(chat)
        if job is None or job.state is not JobState.DELIVERED or not job.video_url:
            await self._s.say(chat, not_showable(lang))
            return
        caption = shown_again(lang, prompt=job.request.prompt, model=job.model_name)
        video = Reply(
            kind=ReplyKind.VIDEO,
            text=caption,
            video_url=job.video_url,
            cover_url=job.cover_url,
            duration_s=job.duration_s,
        )
        await self._s.show(chat, video)
        shown = job.model_copy(update={"chat": job.chat.model_copy(update={"lang": lang})})
        await self._s.show(chat, replies.link(shown).model_copy(update={"job_id": None}))

    def _running(self, job: Job) -> Running:
        prompt, model = job.request.prompt, job.model_name
        if job.state is JobState.RUNNING and job.started_at is not None:
            elapsed = self._s.timescale.elapsed(job.started_at)
            percent = progress_percent(elapsed, job.eta.max_s)
            return Running(prompt, model, Phase.MAKING, percent, int(elapsed), job.eta.max_s)
        if job.state is JobState.AWAITING or (job.state is JobState.QUOTED and job.ask is not None):
            return Running(prompt, model, Phase.ASKING)
        if job.state in ORDERING:
            return Running(prompt, model, Phase.ORDERING)
        return Running(prompt, model, Phase.LATE if job.state is JobState.LATE else Phase.SENDING)

    def _past(self, job: Job) -> Past:
        quote = job.quote
        link = job.video_url if job.video_url and job.video_url.startswith(("https://", "http://")) else None
        return Past(
            prompt=job.request.prompt,
            model=job.model_name,
            outcome=OUTCOMES.get(job.state, Outcome.WORKING),
            credits=quote.credits if quote else 0,
            unit=quote.unit if quote else CreditUnit.CREDITS,
            when=job.created_at.astimezone(self._s.budget.calendar.tz).strftime("%m-%d %H:%M"),
            link=link if job.state is JobState.DELIVERED else None,
        )
