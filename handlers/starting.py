"""Starting jobs: a request becomes a job on a chosen model; retries run a failed request again."""

from __future__ import annotations

import logging

from handlers.budgets import credits_millicents
from handlers.choosing import ModelChoice, choose_model
from handlers.controls import Control
from handlers.dialogue import FORGET_AFTER
from handlers.image_links import first_problem, stray_link
from handlers.inbound import ChatRef
from handlers.intent import Generate, Policy
from handlers.jobs import Ask, DuplicateJob, Job, JobState
from handlers.money import Display, refusal
from handlers.services import Services, lang_of, prefs_user
from handlers.suggesting import suggest
from handlers.timing import utc_now
from messages import (
    image_link_refused,
    model_not_for_task,
    need_prompt,
    no_model_available,
    nothing_to_retry,
    prompt_too_long,
    provider_lacks_model,
    provider_needs_image_links,
    still_working,
    too_many_jobs,
)
from messages.admin import blocked_you, paused_here
from messages.control import queue_full
from messages.goahead import not_waiting
from messages.reply import Selection
from providers.catalogue import CatalogueEntry
from providers.types import GenerationRequest

log = logging.getLogger(__name__)

# What the provider is asked when a photo arrives without words ("animate this").
DEFAULT_MOTION_PROMPT = "natural motion, gentle cinematic camera movement"
# A live estimate longer than a model's timeout must not doom every job: keep this much slack.
TIMEOUT_SLACK_S = 120


class Starter:
    def __init__(self, services: Services) -> None:
        self._s = services

    async def generate(self, intent: Generate, chat: ChatRef, inbound_key: str) -> None:
        """A parsed request: choose the model (named > policy > preference > default) and start."""
        if not intent.prompt and not intent.images:
            await self._s.say(chat, need_prompt(lang_of(chat)))
            return
        problem = stray_link(intent.prompt) or await first_problem(
            intent.images, self._s.resolve, self._s.probe
        )
        if problem is not None:  # never hand a provider a link into a private network
            await self._s.say(chat, image_link_refused(lang_of(chat), problem.value))
            return
        state = self._s.dialogue.get(chat.user_key)
        policy: Policy | None = intent.policy or state.next_policy
        state.next_policy = None
        choice = await choose_model(
            self._s.catalogue,
            self._s.prefs,
            prefs_user(chat),
            intent.task_type,
            mention=intent.model,
            policy=policy,
            remember=intent.remember,
        )
        if choice is None:
            await self._s.say(chat, no_model_available(lang_of(chat), intent.task_type))
            return
        if choice.unavailable:
            await self._s.say(chat, model_not_for_task(lang_of(chat), choice.unavailable, intent.task_type))
        if intent.remember and choice.selection is not Selection.DEFAULT:
            await self._s.remember(chat, choice.entry)  # "以后都用 X": saved now, not only after a success
        prompt = intent.prompt or (DEFAULT_MOTION_PROMPT if intent.images else "")
        request = GenerationRequest(
            task_type=intent.task_type, prompt=prompt, images=intent.images, params=intent.params
        )
        ask = None if intent.asked else Ask.WORDS  # no request cue: ask before anything is spent
        await self.start(chat, inbound_key, request, choice, pin=intent.provider, ask=ask)

    async def start(
        self,
        chat: ChatRef,
        inbound_key: str,
        request: GenerationRequest,
        choice: ModelChoice,
        *,
        pin: str | None = None,
        ask: Ask | None = None,
    ) -> None:
        """Route the request to the model's offers (a named provider, else the preference's, else the
        strategy's order), check the limits, record the job and launch it. ``ask``: wait for a go-ahead
        first (a job dearer than the chat's confirmation threshold always does)."""
        lang = lang_of(chat)
        request = request.model_copy(update={"language": lang})  # APIs that take one answer in it
        entry = await self._route(choice, request, pin)
        if entry is None:
            if pin and await self._s.catalogue.entry(choice.entry.key, request.task_type, pin=pin):
                # the provider has the model but cannot take the photo as we hold it
                await self._s.say(chat, provider_needs_image_links(lang, pin))
            elif pin:
                await self._s.say(chat, provider_lacks_model(lang, pin, choice.entry.name))
            else:
                await self._s.say(chat, no_model_available(lang, request.task_type))
            return
        spec = entry.spec
        if len(request.prompt) > spec.max_prompt_chars:
            await self._s.say(
                chat, prompt_too_long(lang, max_chars=spec.max_prompt_chars, model_name=spec.name)
            )
            return
        job = Job(
            inbound_key=inbound_key,
            chat=chat,
            request=request,
            provider=entry.provider,
            offer=entry.offer,
            alternates=entry.offers[1:],
            family=spec.family,
            trait=spec.trait,
            selection=choice.selection,
            remember=choice.remember,
            eta=entry.eta,
            poll_every_s=spec.poll_every_s,
            progress_every_s=spec.progress_every_s,
            timeout_s=max(spec.timeout_s, entry.eta.max_s + TIMEOUT_SLACK_S),
            # held until the quote replaces it: the dearest the entry may cost
            cost=credits_millicents(
                entry.provider, entry.unit, entry.credits_max, unpriced=self._s.budget.unpriced
            ),
            ask=ask,
            confirm_above=self._s.confirm.threshold(chat),
        )
        try:
            admission = await self._s.flow.admit(
                job, max_working=self._s.max_jobs_per_user, max_queued=self._s.max_queued_per_user
            )
        except DuplicateJob:  # a second click of one retry button, a redelivery: one job per intent
            log.info("%s already made a job; not starting another", inbound_key)
            earlier = await self._s.jobs.by_inbound(inbound_key)
            if earlier is not None and not earlier.finished:
                await self._s.say(chat, still_working(lang))
            return
        if admission.barred is not None:
            log.info("%s: %s by an admin; nothing created", chat.user_key, admission.barred.value)
            blocked = admission.barred is Control.BLOCKED
            await self._s.say(chat, blocked_you(lang) if blocked else paused_here(lang))
            return
        if (over := admission.over_budget) is not None:
            log.info("%s: over the %s %s budget; nothing created", chat.user_key, over.scope, over.period)
            await self._s.say(chat, refusal(lang, over, Display.of_job(job), self._s.budget))
            return
        if admission.busy and self._s.max_queued_per_user:
            queued = self._s.max_queued_per_user
            await self._s.say(chat, queue_full(lang, working=self._s.max_jobs_per_user, queued=queued))
            return
        if admission.busy:
            await self._s.say(chat, too_many_jobs(lang, self._s.max_jobs_per_user))
            return
        self._s.dialogue.clear(chat.user_key)

    async def _route(
        self, choice: ModelChoice, request: GenerationRequest, pin: str | None
    ) -> CatalogueEntry | None:
        catalogue = self._s.catalogue
        if pin:
            return await catalogue.route(choice.entry.key, request, pin=pin)
        if choice.provider:  # the provider the user's preference recorded, while it still offers the model
            entry = await catalogue.route(choice.entry.key, request, pin=choice.provider)
            if entry is not None:
                return entry
        return await catalogue.route(choice.entry.key, request)

    async def retry(self, chat: ChatRef, job_id: str, model_key: str) -> None:
        """Run a job's request again on ``model_key`` (a "retry with" button, "yes", a model name).

        Once per job and model: the new job's inbound key is ``retry:<job>:<model>``, so a second click
        (a new callback token, a new interaction) or a "yes" after the click starts nothing.
        """
        job = await self._s.jobs.get(job_id)
        if job is None:
            await self._s.say(chat, nothing_to_retry(lang_of(chat)))
            return
        entry = await self._s.catalogue.entry(model_key, job.request.task_type)
        if entry is None:
            await self._s.say(chat, no_model_available(lang_of(chat), job.request.task_type))
            return
        await self.again(chat, job, f"retry:{job.id}:{entry.key}", job.request, entry, remember=True)

    async def again(
        self,
        chat: ChatRef,
        job: Job,
        intent_key: str,
        request: GenerationRequest,
        entry: CatalogueEntry,
        *,
        remember: bool,
    ) -> None:
        """Start ``request`` (``job``'s, as it was or changed) on ``entry`` as a new job named
        ``intent_key``: a retry, a follow-up. It spends from the job's shared chat."""
        if chat.chat_id == job.chat.chat_id:  # a click says not where it came from: the job does
            chat = chat.model_copy(update={"space": job.chat.space})
        await self.start(chat, intent_key, request, ModelChoice(entry, Selection.EXPLICIT, remember=remember))

    async def retry_target(self, chat: ChatRef) -> Job | None:
        """The user's newest job if it failed recently: what "yes" or a model name would retry."""
        latest = await self._s.jobs.latest(chat.user_key)
        if latest is None or latest.state is not JobState.FAILED or latest.finished_at is None:
            return None
        if self._s.dialogue.get(chat.user_key).declined == latest.id:
            return None  # they said no to retrying it
        return latest if utc_now() - latest.finished_at < FORGET_AFTER else None

    async def waiting(self, chat: ChatRef) -> Job | None:
        """The user's newest job if it waits for their go-ahead: what "yes" or "no" answers first."""
        latest = await self._s.jobs.latest(chat.user_key)
        if latest is None or latest.ask is None:
            return None
        # QUOTED: the question is on its way (an answer waits for the job's lock, then finds it asked)
        return latest if latest.state in (JobState.QUOTED, JobState.AWAITING) else None

    async def go_ahead(self, chat: ChatRef, job_id: str, *, yes: bool) -> None:
        """A "make it" / "cancel" button, or "yes"/"no" to a question: only the asker's answer counts."""
        job = await self._s.jobs.get(job_id)
        if job is None or job.user_key != chat.user_key:
            log.info("%s answered a question that is not theirs (%s)", chat.user_key, job_id)
            return
        if not await self._s.flow.go_ahead(job_id, yes=yes):
            await self._s.say(chat, not_waiting(lang_of(chat)))

    async def affirm(self, chat: ChatRef) -> None:
        """ "Yes": a go-ahead to the question asked, else a retry of a failure on its first alternative."""
        if (waiting := await self.waiting(chat)) is not None:
            await self.go_ahead(chat, waiting.id, yes=True)
            return
        failed = await self.retry_target(chat)
        if failed is None or failed.error_kind is None:
            await self._s.say(chat, nothing_to_retry(lang_of(chat)))
            return
        task_type = failed.request.task_type
        providers = {provider.name: provider for provider in self._s.catalogue.providers}
        alternatives = await suggest(failed, failed.error_kind, self._s.catalogue, providers)
        if not alternatives:
            await self._s.say(chat, no_model_available(lang_of(chat), task_type))
            return
        await self.retry(chat, failed.id, alternatives[0].entry.key)  # the first suggestion shown
