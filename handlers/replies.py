"""What the protocol says at each step of a job, as replies (the flow decides when to send them)."""

from __future__ import annotations

from collections.abc import Sequence

from handlers.jobs import Ask, Job
from handlers.suggesting import Suggestion
from messages import (
    Alternative,
    failover_note,
    failure,
    late_delivery_note,
    pre_notification,
    progress,
    progress_percent,
    retry_button_label,
    success_caption,
    uncertain_order,
    video_link,
)
from messages.control import CancelOutcome, cancel_label, cancel_outcome, follow_up_label, queued_notice
from messages.goahead import ask_cost, ask_words, cancelled, go_label, stop_label
from messages.protocol import job_bullets
from messages.reply import Button, Lang, Reply, ReplyKind
from providers.errors import ErrorKind
from providers.types import CreditUnit


def lang_of(job: Job) -> Lang:
    return job.chat.lang or "zh"


def notice(job: Job, cheaper: tuple[str, int] | None = None) -> Reply:
    """Step 1: model, estimated time, exact cost; ``cheaper`` (a name and its price for this request,
    :func:`handlers.cheaper.cheaper_option`) named beside an expensive automatic choice."""
    assert job.quote is not None
    quote = job.quote
    text = pre_notification(
        lang_of(job),
        model_name=job.model_name,
        eta_min_s=job.eta.min_s,
        eta_max_s=job.eta.max_s,
        credits=quote.credits,
        unit=quote.unit,
        selection=job.selection,
        trait=job.trait,
        cheaper=cheaper,
    )
    return Reply(kind=ReplyKind.NOTICE, text=text, job_id=job.id, buttons=cancel_buttons(job))


def queued(job: Job, position: int) -> Reply:
    """A request over its user's limit waits in line: its place, model, time and cost; a Cancel button."""
    quote = job.quote
    bullets = job_bullets(
        lang_of(job),
        model_name=job.model_name,
        eta=(job.eta.min_s, job.eta.max_s),
        cost=(quote.credits, quote.unit) if quote else None,
    )
    text = queued_notice(lang_of(job), position=position, bullets=bullets)
    return Reply(kind=ReplyKind.TEXT, text=text, job_id=job.id, buttons=cancel_buttons(job))


def cancel_buttons(job: Job) -> tuple[Button, ...]:
    """The Cancel button of a job's status message while it runs."""
    return (Button(label=cancel_label(lang_of(job)), action="cancel", job_id=job.id),)


def cancelled_job(job: Job, outcome: CancelOutcome) -> Reply:
    """The status message's last words when its user called the job off: what that means for the money."""
    quote = job.quote
    text = cancel_outcome(
        lang_of(job),
        outcome,
        prompt=job.request.prompt,
        model=job.model_name,
        credits=quote.credits if quote else 0,
        unit=quote.unit if quote else CreditUnit.CREDITS,  # no quote: nothing ordered, no cost said
    )
    return Reply(kind=ReplyKind.CANCELLED, text=text, job_id=job.id)


def question(job: Job, threshold: str, minutes: int) -> Reply:
    """Before step 1: shall we make it? (a dear video, or words that did not ask for one)."""
    assert job.quote is not None
    lang, quote, eta = lang_of(job), job.quote, (job.eta.min_s, job.eta.max_s)
    if job.ask is Ask.WORDS:
        text = ask_words(
            lang,
            prompt=job.request.prompt,
            model=job.model_name,
            credits=quote.credits,
            unit=quote.unit,
            eta=eta,
            minutes=minutes,
        )
    else:
        text = ask_cost(
            lang,
            model=job.model_name,
            credits=quote.credits,
            unit=quote.unit,
            threshold=threshold,
            eta=eta,
            minutes=minutes,
        )
    buttons = (
        Button(label=go_label(lang), action="go", job_id=job.id),
        Button(label=stop_label(lang), action="stop", job_id=job.id),
    )
    return Reply(kind=ReplyKind.QUESTION, text=text, job_id=job.id, buttons=buttons)


def called_off(job: Job, *, expired: bool) -> Reply:
    """The go-ahead never came (no, or too late): nothing was ordered or charged."""
    return Reply(kind=ReplyKind.TEXT, text=cancelled(lang_of(job), expired=expired), job_id=job.id)


def failover(job: Job, from_provider: str) -> Reply:
    """One short line: the model runs on another provider now, at this cost."""
    assert job.quote is not None
    text = failover_note(
        lang_of(job),
        model_name=job.model_name,
        from_provider=from_provider,
        to_provider=job.provider,
        credits=job.quote.credits,
        unit=job.quote.unit,
    )
    return Reply(kind=ReplyKind.TEXT, text=text, job_id=job.id)


def progress_update(job: Job, elapsed_s: float) -> Reply:
    """Step 2: ``P = min(95, floor(elapsed / max * 100))``, frozen at 95 % past the estimate."""
    shown_s = int(elapsed_s)  # the seconds the user reads: every rule judges those
    percent = progress_percent(shown_s, job.eta.max_s)
    text = progress(
        lang_of(job),
        percent=percent,
        elapsed_s=shown_s,
        max_s=job.eta.max_s,
        overdue=shown_s > job.eta.max_s,  # seed: "If elapsed > estimated_max", never at elapsed == max
    )
    return Reply(
        kind=ReplyKind.PROGRESS, text=text, job_id=job.id, buttons=cancel_buttons(job), percent=percent
    )


def video(job: Job, actual_s: float) -> Reply:
    """Step 3.1: the playable video with model, estimated vs actual time and credits."""
    assert job.quote is not None and job.video_url is not None
    caption = success_caption(
        lang_of(job),
        model_name=job.model_name,
        eta_min_s=job.eta.min_s,
        eta_max_s=job.eta.max_s,
        actual_s=round(actual_s),
        credits=job.quote.credits,
        unit=job.quote.unit,
        prompt=job.request.prompt,
    )
    return Reply(
        kind=ReplyKind.VIDEO,
        text=caption,
        job_id=job.id,
        video_url=job.video_url,
        cover_url=job.cover_url,
        duration_s=job.duration_s,
        buttons=follow_up_buttons(job),
    )


def follow_up_buttons(job: Job) -> tuple[Button, ...]:
    """Under a finished video: again, another model, and the other shape (vertical or landscape)."""
    shape = "landscape" if job.request.params.aspect_ratio == "9:16" else "vertical"
    return tuple(
        Button(label=follow_up_label(lang_of(job), action), action=action, job_id=job.id)
        for action in ("again", "another", shape)
    )


def link(job: Job) -> Reply:
    """Step 3.2: the link as text, to copy and share."""
    assert job.video_url is not None
    return Reply(kind=ReplyKind.LINK, text=video_link(lang_of(job), job.video_url), job_id=job.id)


def failure_notice(
    job: Job, kind: ErrorKind, suggestions: Sequence[Suggestion], *, about: bool = False
) -> Reply:
    """Step 4: the translated reason, the suggestions (:func:`handlers.suggesting.suggest`, priced for
    this request) with retry buttons; ``about`` names the video (a failure long after its notice, e.g.
    after a restart, may not sit under it)."""
    lang = lang_of(job)
    alternatives = [
        Alternative(s.entry.name, s.entry.spec.trait, s.quote.credits, s.quote.credits, s.quote.unit)
        if s.quote
        else Alternative.of(s.entry)
        for s in suggestions
    ]
    buttons = tuple(
        Button(
            label=retry_button_label(lang, s.entry.name), action="retry", job_id=job.id, model_key=s.entry.key
        )
        for s in suggestions
    )
    text = failure(
        lang,
        kind=kind,
        model_family=job.family,
        alternatives=alternatives,
        prompt=job.request.prompt if about else None,
    )
    return Reply(kind=ReplyKind.FAILURE, text=text, job_id=job.id, buttons=buttons)


def uncertain(job: Job) -> Reply:
    """The create may have happened (and been charged) but could not be checked: said plainly, no buttons."""
    return Reply(
        kind=ReplyKind.FAILURE, text=uncertain_order(lang_of(job), job.request.prompt), job_id=job.id
    )


def late_note(job: Job) -> Reply:
    """A video that timed out turned up during the late check: one line before it."""
    return Reply(
        kind=ReplyKind.TEXT, text=late_delivery_note(lang_of(job), job.request.prompt), job_id=job.id
    )
