"""The cheaper choice a pre-notification names beside an expensive automatic one (seed 001 Step 1:
"使用 Wan 2.6(25 积分)。若需更高质量可选 …"), priced for this very request: the user's duration,
resolution and pictures, quoted by the provider that would make it (the cost we show is the cost we
would send)."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from handlers.jobs import Job
from messages.reply import Selection
from providers.base import VideoProvider
from providers.catalogue import Catalogue
from providers.errors import ProviderError
from providers.specs import EXPENSIVE_CREDITS

log = logging.getLogger(__name__)


async def cheaper_option(
    job: Job, catalogue: Catalogue, providers: Mapping[str, VideoProvider]
) -> tuple[str, int] | None:
    """``(model name, credits for this request)`` of a cheaper model, or None when there is none to
    name: the model was chosen by the user, is not expensive, or no cheaper model can make this request
    for less in the same unit."""
    quote = job.quote
    if quote is None or job.selection not in (Selection.DEFAULT, Selection.PREFERENCE):
        return None
    if quote.credits <= EXPENSIVE_CREDITS:
        return None
    try:
        alt = await catalogue.cheaper_than(
            quote.credits, job.request.task_type, job.model_key, provider=quote.provider
        )
    except ProviderError:
        return None
    if alt is None or alt.unit is not quote.unit:  # a price in another unit would mislead
        return None
    provider = providers.get(alt.offers[0].provider)
    if provider is None:
        return None
    try:
        priced = await provider.quote(job.request, alt.offer)
    except ProviderError as exc:  # it cannot make this request as asked: nothing to suggest
        log.info("job %s: %s cannot quote %s (%s)", job.id, alt.name, job.request.task_type, exc.kind)
        return None
    if priced.unit is not quote.unit or priced.credits >= quote.credits:
        return None
    return alt.name, priced.credits
