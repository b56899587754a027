"""Which model a request runs on: named in the message > policy > the user's preference > the default."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.intent import ModelMention, Policy
from messages.reply import Selection
from prefs import PreferenceStoreError
from prefs.base import Preferences
from providers.catalogue import Catalogue, CatalogueEntry
from providers.specs import DEFAULTS, ModelSpec
from providers.types import TaskType


@dataclass(frozen=True)
class ModelChoice:
    entry: CatalogueEntry
    selection: Selection
    remember: bool  # save as the user's preference on success (not for a one-off "cheapest")
    unavailable: str | None = None  # a named model that does not do this task (its display name)
    provider: str | None = None  # the provider the user's preference recorded, if any


async def resolve_mention(
    catalogue: Catalogue, mention: ModelMention, task_type: TaskType
) -> CatalogueEntry | None:
    if mention.key:
        return await catalogue.entry(mention.key, task_type)
    if mention.family:
        return await catalogue.family_entry(mention.family, task_type)
    return None


async def resolve_policy(catalogue: Catalogue, policy: Policy, task_type: TaskType) -> CatalogueEntry | None:
    if policy is Policy.BEST:
        return await catalogue.best(task_type)
    return await catalogue.cheapest(task_type)


def mention_name(catalogue: Catalogue, mention: ModelMention) -> str:
    spec = catalogue.spec(mention.key) if mention.key else None
    return spec.name if spec else mention.text


async def choose_model(
    catalogue: Catalogue,
    prefs: Preferences,
    user: str,
    task_type: TaskType,
    *,
    mention: ModelMention | None,
    policy: Policy | None,
    remember: bool,
) -> ModelChoice | None:
    """The model for one request, and why; ``None`` when nothing is offered for ``task_type``."""
    unavailable = None
    if mention is not None:
        entry = await resolve_mention(catalogue, mention, task_type)
        if entry is not None:
            return ModelChoice(entry, Selection.EXPLICIT, remember=True)
        unavailable = mention_name(catalogue, mention)
    if policy is not None:
        entry = await resolve_policy(catalogue, policy, task_type)
        if entry is not None:
            selection = Selection.BEST if policy is Policy.BEST else Selection.CHEAPEST
            return ModelChoice(
                entry, selection, remember=remember or policy is Policy.BEST, unavailable=unavailable
            )
    try:
        preference = await prefs.get(user, task_type)
    except PreferenceStoreError:
        preference = None
    if preference is not None:
        entries = await catalogue.entries(task_type)
        entry = next(
            (
                e
                for e in entries
                if e.key == preference.model_key
                or (preference.model_key is None and e.ref.model_id == preference.model_id)
            ),
            None,
        )
        if entry is not None:
            return ModelChoice(
                entry,
                Selection.PREFERENCE,
                remember=True,
                unavailable=unavailable,
                provider=preference.provider,
            )
    default = await catalogue.default(task_type)
    if default is None:
        return None
    return ModelChoice(default, Selection.DEFAULT, remember=True, unavailable=unavailable)


async def likely_spec(
    catalogue: Catalogue, prefs: Preferences, user: str, task_type: TaskType, model_key: str | None
) -> ModelSpec:
    """The model a request will most likely run on, from what is known at once (no model list is
    asked for): the model named, else the user's remembered one, else seed 001's default. For checks
    that must answer within a platform's deadline (a prompt's length before Discord's defer)."""
    if model_key and (named := catalogue.spec(model_key)) is not None:
        return named
    try:
        saved = await prefs.get(user, task_type)
    except PreferenceStoreError:
        saved = None  # a damaged preference file: the default, as the request itself would
    if saved is not None and saved.model_key and (remembered := catalogue.spec(saved.model_key)):
        return remembered
    default = catalogue.spec(DEFAULTS[task_type])
    assert default is not None, "seed 001's defaults are in the model table"
    return default
