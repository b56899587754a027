"""Realistic catalogue entries for message tests, built from the seed's model table."""

from __future__ import annotations

from providers.catalogue import CatalogueEntry
from providers.specs import SPECS
from providers.types import CreditUnit, TaskType

SPECS_BY_KEY = {spec.key: spec for spec in SPECS}


def entry(
    key: str,
    credits_min: int,
    credits_max: int,
    *,
    task_type: TaskType = TaskType.TEXT_TO_VIDEO,
    unit: CreditUnit = CreditUnit.POINTS,
) -> CatalogueEntry:
    """The entry a provider would offer for ``key`` at the given live prices."""
    spec = SPECS_BY_KEY[key]
    ref = spec.ids.get(task_type) or next(iter(spec.ids.values()))
    return CatalogueEntry(
        spec=spec,
        task_type=task_type,
        provider="ima",
        ref=ref,
        credits_min=credits_min,
        credits_max=credits_max,
        unit=unit,
        eta=spec.eta,
    )


def t2v_entries(unit: CreditUnit = CreditUnit.POINTS) -> list[CatalogueEntry]:
    """The seed's popular text-to-video models at production prices."""
    return [
        entry("wan-2.6", 25, 120, unit=unit),
        entry("kling-o1", 48, 120, unit=unit),
        entry("hailuo-2.3", 38, 38, unit=unit),
        entry("vidu-q2", 5, 70, unit=unit),
        entry("veo-3.1", 70, 330, unit=unit),
    ]
