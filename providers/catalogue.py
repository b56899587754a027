"""The live model catalogue: seed specs joined with what the configured providers offer now.

A model is one entry per task type, whatever the number of providers offering it; its offers are
ordered by a routing strategy (``providers.routing``) and the entry's provider, ref, price, unit and
ETA are those of the chosen (first) offer.
"""

from __future__ import annotations

import asyncio
import logging
import operator
from collections.abc import Sequence
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, model_validator

from providers.base import VideoProvider
from providers.errors import ProviderError
from providers.live_lists import FRESH_S, LIST_DEADLINE_S, Answer, LiveLists
from providers.routing import (
    URL_ONLY_PROVIDERS,
    ModelOffer,
    Strategy,
    cents,
    offer_cents,
    order_offers,
    pinned,
    provider_key,
    quoted_as_asked,
    usable_offers,
)
from providers.specs import (
    BEST,
    BUDGET,
    DEFAULTS,
    FALLBACK_ANY,
    FALLBACK_BY_KIND,
    FALLBACKS,
    POPULARITY,
    SPECS,
    ModelSpec,
    adopted_spec,
)
from providers.types import CreditUnit, EtaRange, GenerationRequest, LiveModel, ModelRef, Offer, TaskType

__all__ = ["Catalogue", "CatalogueEntry", "ModelOffer", "Strategy"]

log = logging.getLogger(__name__)

_OFFER_FIELDS = ("provider", "ref", "credits_min", "credits_max", "unit", "eta")
_BuildKey = tuple[TaskType, Strategy, str | None]  # what entries were built for (the pin last)


class CatalogueEntry(BaseModel):
    """One model offered now for one task type, at the chosen offer's live price.

    ``offers`` holds every provider's offer in failover order, the chosen one first; when not given it
    is the entry's own offer alone.
    """

    model_config = ConfigDict(frozen=True)

    spec: ModelSpec
    task_type: TaskType
    provider: str
    ref: ModelRef
    credits_min: int
    credits_max: int
    unit: CreditUnit
    eta: EtaRange  # the provider's live estimate where it gives one, else the seed's
    offers: tuple[ModelOffer, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _own_offer_by_default(cls, data: Any) -> Any:
        if isinstance(data, dict) and not data.get("offers"):
            return {**data, "offers": ({key: data[key] for key in _OFFER_FIELDS if key in data},)}
        return data

    @model_validator(mode="after")
    def _chosen_offer_first(self) -> Self:
        chosen = self.offers[0] if self.offers else None
        if chosen is None or any(getattr(chosen, key) != getattr(self, key) for key in _OFFER_FIELDS):
            raise ValueError("the chosen offer must come first in offers")
        return self

    @classmethod
    def of(cls, spec: ModelSpec, task_type: TaskType, offers: Sequence[ModelOffer]) -> CatalogueEntry:
        """The entry choosing ``offers[0]``."""
        chosen = offers[0]
        return cls(spec=spec, task_type=task_type, offers=tuple(offers), **dict(chosen))

    @property
    def key(self) -> str:
        return self.spec.key

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def offer(self) -> Offer:
        return Offer(model_key=self.spec.key, model_name=self.spec.name, ref=self.ref)

    @property
    def price_known(self) -> bool:
        return self.offers[0].price_known


class Catalogue:
    """Seed specs joined with the live lists of the configured providers (given in priority order).

    A spec is offered for a task type when a provider's live list has its ref for that provider; models
    the seed never named are adopted under their name (the same name at two providers is one model).
    ``strategy`` and ``pin`` are the defaults of every method (settings); each method may override
    them. Live lists are cached by the provider clients themselves and asked for with a deadline
    (:mod:`providers.live_lists`): a provider that is slow to answer is left out, or stands in with
    its last good list, without holding up the others. The entries built from a set of lists are kept
    until one of those lists changes: the catalogue is built once per cache period, not per message.
    """

    def __init__(
        self,
        providers: Sequence[VideoProvider],
        specs: Sequence[ModelSpec] = SPECS,
        *,
        strategy: Strategy = Strategy.OPTIMAL,
        pin: str | None = None,
        list_deadline_s: float = LIST_DEADLINE_S,
        list_fresh_s: float = FRESH_S,
    ) -> None:
        if not providers:
            raise ValueError("a catalogue needs at least one provider")
        self.providers = tuple(providers)
        self.strategy = Strategy(strategy)
        self.pin = _provider(pin)
        self._by_name = {provider.name: provider for provider in self.providers}
        # URL-only providers, less those whose client can host image bytes itself (an image host).
        self._url_only = frozenset(
            name
            for name in URL_ONLY_PROVIDERS
            if not getattr(self._by_name.get(name), "takes_image_bytes", False)
        )
        self._specs = {spec.key: spec for spec in specs}
        self._lists = LiveLists(
            deadline_s=list_deadline_s, fresh_s=list_fresh_s
        )  # one slow provider delays no one
        self._built: dict[
            tuple[TaskType, Strategy, str | None], tuple[tuple[Answer, ...], list[CatalogueEntry]]
        ]
        self._built = {}

    def spec(self, key: str) -> ModelSpec | None:
        return self._specs.get(key)

    @property
    def specs(self) -> tuple[ModelSpec, ...]:
        return tuple(self._specs.values())

    async def entries(
        self, task_type: TaskType, *, strategy: Strategy | None = None, pin: str | None = None
    ) -> list[CatalogueEntry]:
        """Every model offered now for ``task_type``, in popularity order then name.

        Raises the first provider's error when no provider could list anything.
        """
        pin = _provider(pin) or self.pin
        strategy = Strategy(strategy or self.strategy)
        providers = [p for p in self.providers if pin is None or p.name == pin]
        lists = tuple(await asyncio.gather(*(self._live(provider, task_type) for provider in providers)))
        built = self._built.get((task_type, strategy, pin))
        if built is not None and len(built[0]) == len(lists) and all(map(operator.is_, built[0], lists)):
            return list(built[1])
        entries = self._build(task_type, strategy, pin, lists)
        self._built[(task_type, strategy, pin)] = (lists, entries)
        return list(entries)

    def _build(
        self, task_type: TaskType, strategy: Strategy, pin: str | None, lists: tuple[Answer, ...]
    ) -> list[CatalogueEntry]:
        priority = [provider.name for provider in self.providers]
        entries = []
        for spec, offers in self._offers(task_type, lists).values():
            ordered = order_offers(pinned(offers, pin), strategy, priority)
            if ordered:
                entries.append(CatalogueEntry.of(spec, task_type, ordered))
        rank = {key: index for index, key in enumerate(POPULARITY)}
        return sorted(entries, key=lambda e: (rank.get(e.key, len(rank)), e.name))

    def _offers(
        self, task_type: TaskType, lists: tuple[Answer, ...]
    ) -> dict[str, tuple[ModelSpec, list[ModelOffer]]]:
        """Each offered model's spec and offers, in provider priority order (only the pin's, if any)."""
        found: dict[str, tuple[ModelSpec, list[ModelOffer]]] = {}
        failures = [answer for answer in lists if isinstance(answer, ProviderError)]
        for answer in lists:
            for live in answer if isinstance(answer, list) else ():
                spec = self._spec_for(live, task_type)
                spec, offers = found.setdefault(spec.key, (spec, []))
                if all(offer.provider != live.provider for offer in offers):
                    offers.append(_offer(live, spec))
        if not found and failures:
            raise failures[0]  # nothing offered because no provider answered: say why
        return found

    def warm(self) -> None:
        """Start asking every provider for every list now (at start), so the first people to ask wait
        for nobody: a provider that does not answer has used up its deadline before they come."""
        for provider in self.providers:
            for task_type in TaskType:
                self._lists.begin(provider, task_type)

    async def _live(self, provider: VideoProvider, task_type: TaskType) -> Answer:
        return await self._lists.get(provider, task_type)

    async def aclose(self) -> None:
        """Stop model lists still being asked for; call before the provider clients close."""
        await self._lists.aclose()

    def _spec_for(self, live: LiveModel, task_type: TaskType) -> ModelSpec:
        """The spec with ``live``'s ref at its provider, else the seed spec or adopted one of its name."""
        for spec in self._specs.values():
            if spec.lists(live, task_type):
                return spec
        adopted = adopted_spec(live, task_type)
        return self._specs.get(adopted.key, adopted)

    async def entry(
        self, key: str, task_type: TaskType, *, strategy: Strategy | None = None, pin: str | None = None
    ) -> CatalogueEntry | None:
        entries = await self.entries(task_type, strategy=strategy, pin=pin)
        return next((e for e in entries if e.key == key), None)

    async def family_entry(
        self, family: str, task_type: TaskType, *, strategy: Strategy | None = None, pin: str | None = None
    ) -> CatalogueEntry | None:
        """The first offered model of a family ("可灵" -> Kling O1), in seed order."""
        offered = {e.key: e for e in await self.entries(task_type, strategy=strategy, pin=pin)}
        for spec in self._specs.values():
            if spec.family == family and spec.key in offered:
                return offered[spec.key]
        return next((e for e in offered.values() if e.spec.family == family), None)

    async def default(
        self, task_type: TaskType, *, strategy: Strategy | None = None, pin: str | None = None
    ) -> CatalogueEntry | None:
        """Seed 001's recommended default, else the most popular model offered."""
        entries = await self.entries(task_type, strategy=strategy, pin=pin)
        preferred = DEFAULTS.get(task_type)
        return next((e for e in entries if e.key == preferred), entries[0] if entries else None)

    async def best(
        self, task_type: TaskType, *, strategy: Strategy | None = None, pin: str | None = None
    ) -> CatalogueEntry | None:
        entries = await self.entries(task_type, strategy=strategy, pin=pin)
        preferred = BEST.get(task_type)
        chosen = next((e for e in entries if e.key == preferred), None)
        return chosen or max(
            entries, key=lambda e: (e.price_known, offer_cents(e.offers[0])[1]), default=None
        )

    async def cheapest(
        self, task_type: TaskType, *, strategy: Strategy | None = None, pin: str | None = None
    ) -> CatalogueEntry | None:
        """The model with the lowest live price, in US cents; unknown prices last.

        Each model is priced at its cheapest offer unless a strategy is given. On a tie: seed 001's
        budget pick, then popularity.
        """
        entries = await self.entries(task_type, strategy=strategy or Strategy.CHEAPEST, pin=pin)
        budget = BUDGET.get(task_type)

        def price(e: CatalogueEntry) -> tuple[bool, float, bool, float]:
            low, high = offer_cents(e.offers[0])
            return not e.price_known, low, e.key != budget, high

        return min(entries, key=price, default=None)

    async def cheaper_than(
        self,
        credits: int,
        task_type: TaskType,
        exclude: str,
        *,
        provider: str | None = None,
        strategy: Strategy | None = None,
        pin: str | None = None,
    ) -> CatalogueEntry | None:
        """A cheaper choice to name beside an expensive one: the default if cheaper, else the cheapest.

        ``credits`` are compared as they are, or in US cents when ``provider`` (whose credits they are)
        is given. A model without a known price is never named.
        """
        known = self._by_name.get(provider) if provider else None
        limit = credits if known is None else cents(known.name, known.unit, credits)

        def price(entry: CatalogueEntry) -> float:
            return entry.credits_min if known is None else offer_cents(entry.offers[0])[0]

        for candidate in (
            await self.default(task_type, strategy=strategy, pin=pin),
            await self.cheapest(task_type, strategy=strategy, pin=pin),
        ):
            if candidate and candidate.key != exclude and candidate.price_known and price(candidate) < limit:
                return candidate
        return None

    async def alternatives(
        self,
        failed_key: str,
        task_type: TaskType,
        kind: str,
        count: int = 2,
        *,
        strategy: Strategy | None = None,
        pin: str | None = None,
    ) -> list[CatalogueEntry]:
        """Seed 001 fallbacks for a failure: by error kind, the table row, "any", then popularity.

        Models the live catalogue no longer offers are skipped, and so is the model that failed.
        """
        offered = {e.key: e for e in await self.entries(task_type, strategy=strategy, pin=pin)}
        order = (
            *FALLBACK_BY_KIND.get(kind, ()),
            *FALLBACKS.get(failed_key, ()),
            *FALLBACK_ANY,
            *POPULARITY,
            *offered,
        )
        chosen: list[CatalogueEntry] = []
        for key in order:
            entry = offered.get(key)
            if entry and key != failed_key and entry not in chosen:
                chosen.append(entry)
            if len(chosen) == count:
                break
        return chosen

    async def route(
        self,
        key: str,
        request: GenerationRequest,
        *,
        strategy: Strategy | None = None,
        pin: str | None = None,
    ) -> CatalogueEntry | None:
        """Model ``key`` for this very request: its usable offers in ``strategy``'s order, or None.

        Offers that cannot take the request's images are dropped under every strategy; ``compatible``
        also asks each remaining provider for a quote (which spends nothing) and keeps the offers whose
        provider accepts every requested parameter as asked.
        """
        strategy = Strategy(strategy or self.strategy)
        entry = await self.entry(key, request.task_type, strategy=strategy, pin=pin)
        if entry is None:
            return None

        async def accepts(offer: ModelOffer) -> bool:
            try:
                quote = await self._by_name[offer.provider].quote(
                    request, Offer(model_key=key, model_name=entry.name, ref=offer.ref)
                )
            except ProviderError as exc:
                log.info("%s cannot serve %s as asked: %s", offer.provider, key, exc.kind.value)
                return False
            return quoted_as_asked(quote, request.params)

        offers = await usable_offers(entry.offers, request, strategy, accepts, self._url_only)
        return CatalogueEntry.of(entry.spec, entry.task_type, offers) if offers else None


def _provider(pin: str | None) -> str | None:
    """A pin as a provider name; a provider's word ("Media.io") is understood too."""
    return (provider_key(pin) or pin) if pin else None


def _offer(live: LiveModel, spec: ModelSpec) -> ModelOffer:
    return ModelOffer(
        provider=live.provider,
        ref=live.ref,
        credits_min=live.credits_min,
        credits_max=live.credits_max,
        unit=live.unit,
        eta=live.eta or spec.eta,
    )
