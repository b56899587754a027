"""The live model catalogue: seed specs joined with what configured providers offer now."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from providers.base import VideoProvider
from providers.errors import ProviderError
from providers.specs import (
    BEST,
    BUDGET,
    DEFAULT_PROGRESS_EVERY_S,
    DEFAULTS,
    FALLBACK_ANY,
    FALLBACK_BY_KIND,
    FALLBACKS,
    FAMILY_ALIASES,
    POPULARITY,
    SPECS,
    ModelSpec,
)
from providers.types import CreditUnit, EtaRange, LiveModel, ModelRef, Offer, TaskType

log = logging.getLogger(__name__)


class CatalogueEntry(BaseModel):
    """One model offered now for one task type, by one provider, at live prices."""

    model_config = ConfigDict(frozen=True)

    spec: ModelSpec
    task_type: TaskType
    provider: str
    ref: ModelRef
    credits_min: int
    credits_max: int
    unit: CreditUnit
    eta: EtaRange  # the provider's live estimate where it gives one, else the seed's

    @property
    def key(self) -> str:
        return self.spec.key

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def offer(self) -> Offer:
        return Offer(model_key=self.spec.key, model_name=self.spec.name, ref=self.ref)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9.]+", "-", name.lower()).strip("-")


def _family_of(name: str) -> str:
    lowered = name.lower()
    for family, words in FAMILY_ALIASES.items():
        if any(word in lowered for word in words):
            return family
    return _slug(name).split("-")[0]


def _adopted_spec(live: LiveModel, task_type: TaskType) -> ModelSpec:
    """A spec for a model the provider offers but seed 001 never named (e.g. Seedance 2.0)."""
    eta = live.eta or EtaRange(min_s=60, max_s=180)
    return ModelSpec(
        key=_slug(live.name),
        name=live.name,
        family=_family_of(live.name),
        aliases=(live.name,),
        eta=eta,
        progress_every_s=DEFAULT_PROGRESS_EVERY_S,
        ids={task_type: live.ref},
    )


class Catalogue:
    """Seed specs joined with the live lists of the configured providers, in priority order.

    A spec is offered for a task type when a provider's live list has its model ref; the first provider
    (in the order given) that offers it wins. Models a provider lists that the seed never named are adopted
    with the provider's name and ETA. Live lists are cached by the provider clients themselves.
    """

    def __init__(self, providers: Sequence[VideoProvider], specs: Sequence[ModelSpec] = SPECS) -> None:
        if not providers:
            raise ValueError("a catalogue needs at least one provider")
        self.providers = tuple(providers)
        self._specs = {spec.key: spec for spec in specs}

    def spec(self, key: str) -> ModelSpec | None:
        return self._specs.get(key)

    @property
    def specs(self) -> tuple[ModelSpec, ...]:
        return tuple(self._specs.values())

    async def entries(self, task_type: TaskType) -> list[CatalogueEntry]:
        """Every model offered now for ``task_type``, in popularity order then name.

        Raises the first provider's error when no provider could list anything.
        """
        found: dict[str, CatalogueEntry] = {}
        failures: list[ProviderError] = []
        for provider in self.providers:
            try:
                live_models = await provider.list_models(task_type)
            except ProviderError as exc:
                log.warning("model list of %s unavailable: %s", provider.name, exc.kind.value)
                failures.append(exc)
                continue
            for live in live_models:
                spec = self._spec_for(live, task_type)
                if spec.key in found:
                    continue
                found[spec.key] = CatalogueEntry(
                    spec=spec,
                    task_type=task_type,
                    provider=live.provider,
                    ref=live.ref,
                    credits_min=live.credits_min,
                    credits_max=live.credits_max,
                    unit=live.unit,
                    eta=live.eta or spec.eta,
                )
        if not found and failures:
            raise failures[0]  # nothing offered because no provider answered: say why
        rank = {key: index for index, key in enumerate(POPULARITY)}
        return sorted(found.values(), key=lambda e: (rank.get(e.key, len(rank)), e.name))

    def _spec_for(self, live: LiveModel, task_type: TaskType) -> ModelSpec:
        for spec in self._specs.values():
            ref = spec.ids.get(task_type)
            if (
                ref is not None
                and ref.model_id == live.ref.model_id
                and (ref.version is None or live.ref.version is None or ref.version == live.ref.version)
            ):
                return spec
        return _adopted_spec(live, task_type)

    async def entry(self, key: str, task_type: TaskType) -> CatalogueEntry | None:
        return next((e for e in await self.entries(task_type) if e.key == key), None)

    async def family_entry(self, family: str, task_type: TaskType) -> CatalogueEntry | None:
        """The first offered model of a family ("可灵" -> Kling O1), in seed order."""
        offered = {e.key: e for e in await self.entries(task_type)}
        for spec in self._specs.values():
            if spec.family == family and spec.key in offered:
                return offered[spec.key]
        return next((e for e in offered.values() if e.spec.family == family), None)

    async def default(self, task_type: TaskType) -> CatalogueEntry | None:
        """Seed 001's recommended default, else the most popular model offered."""
        entries = await self.entries(task_type)
        preferred = DEFAULTS.get(task_type)
        return next((e for e in entries if e.key == preferred), entries[0] if entries else None)

    async def best(self, task_type: TaskType) -> CatalogueEntry | None:
        entries = await self.entries(task_type)
        preferred = BEST.get(task_type)
        chosen = next((e for e in entries if e.key == preferred), None)
        return chosen or max(entries, key=lambda e: e.credits_max, default=None)

    async def cheapest(self, task_type: TaskType) -> CatalogueEntry | None:
        """The lowest live price; on a tie, seed 001's budget pick, then popularity."""
        entries = await self.entries(task_type)
        budget = BUDGET.get(task_type)
        return min(entries, key=lambda e: (e.credits_min, e.key != budget, e.credits_max), default=None)

    async def cheaper_than(self, credits: int, task_type: TaskType, exclude: str) -> CatalogueEntry | None:
        """A cheaper choice to name beside an expensive one: the default if cheaper, else the cheapest."""
        for candidate in (await self.default(task_type), await self.cheapest(task_type)):
            if candidate and candidate.key != exclude and candidate.credits_min < credits:
                return candidate
        return None

    async def alternatives(
        self, failed_key: str, task_type: TaskType, kind: str, count: int = 2
    ) -> list[CatalogueEntry]:
        """Seed 001 fallbacks for a failure: by error kind, the table row, "any", then popularity.

        Models the live catalogue no longer offers are skipped, and so is the model that failed.
        """
        offered = {e.key: e for e in await self.entries(task_type)}
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
