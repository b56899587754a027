"""What a failure suggests instead (seed 001 Step 4: "建议改用: [Alt Model]([特点],[N pts])"), chosen
for the kind of failure and priced for this very request.

- Every suggestion is quoted for the request as the user asked it: a model that cannot take it
  (a duration or resolution it does not make) is never suggested, and the price shown is the price
  that would be sent.
- Out of credits or a refused key: only models that another provider (another account) offers.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from handlers.jobs import Job
from providers.base import VideoProvider
from providers.catalogue import Catalogue, CatalogueEntry
from providers.errors import ErrorKind, ProviderError
from providers.types import Quote

log = logging.getLogger(__name__)

SHOWN = 2
CANDIDATES = 8  # looked at, in the seed's order, to find SHOWN that fit
ACCOUNT_KINDS = frozenset({ErrorKind.INSUFFICIENT_CREDITS, ErrorKind.AUTH})


@dataclass(frozen=True)
class Suggestion:
    entry: CatalogueEntry
    quote: Quote | None  # None: the price could not be asked for now (its range is shown)


async def suggest(
    job: Job, kind: ErrorKind, catalogue: Catalogue, providers: Mapping[str, VideoProvider]
) -> list[Suggestion]:
    """Up to two models to retry ``job`` with after a ``kind`` failure, in the seed's order."""
    try:
        candidates = await catalogue.alternatives(
            job.model_key, job.request.task_type, kind.value, count=CANDIDATES
        )
    except ProviderError:
        return []  # the reason still reaches the user, without suggestions
    found: list[Suggestion] = []
    for entry in candidates:
        offers = [o for o in entry.offers if not (kind in ACCOUNT_KINDS and o.provider == job.provider)]
        if not offers or offers[0].provider not in providers:
            continue
        offer = entry.offer.model_copy(update={"ref": offers[0].ref})
        try:
            quote = await providers[offers[0].provider].quote(job.request, offer)
        except ProviderError as exc:
            if exc.kind in (ErrorKind.UNSUPPORTED_PARAMS, ErrorKind.BAD_PARAMS):
                continue  # it cannot make this request either
            log.info("job %s: no price from %s for %s (%s)", job.id, offers[0].provider, entry.key, exc.kind)
            quote = None
        except Exception:  # a bug in one quote never keeps the failure message from the user
            log.exception("job %s: pricing the suggestion %s failed", job.id, entry.key)
            quote = None
        found.append(Suggestion(entry, quote))
        if len(found) == SHOWN:
            break
    return found
