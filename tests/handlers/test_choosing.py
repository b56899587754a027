"""Choosing a model: named > policy > preference > default, on the live catalogue of the fake IMA."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from handlers.choosing import ModelChoice, choose_model, mention_name
from handlers.intent import ModelMention, Policy
from messages.reply import Selection
from prefs import Preference, PreferenceStore, PreferenceStoreError
from providers.catalogue import Catalogue
from providers.errors import UnavailableError
from providers.ima import ImaClient
from providers.types import TaskType
from tests.fakes.ima import DEFAULT_KEY, FakeIma, Fault
from tests.fakes.server import serve

T2V = TaskType.TEXT_TO_VIDEO
I2V = TaskType.IMAGE_TO_VIDEO
FLF = TaskType.FIRST_LAST_FRAME_TO_VIDEO
REF = TaskType.REFERENCE_IMAGE_TO_VIDEO
USER = "user_cli:alice"


@pytest.fixture
def fake() -> FakeIma:
    return FakeIma()


@pytest.fixture
async def catalogue(fake: FakeIma) -> AsyncIterator[Catalogue]:
    async with serve(fake.app()) as url:
        client = ImaClient(api_key=DEFAULT_KEY, base_url=url, upload_base_url=url)
        try:
            yield Catalogue([client])
        finally:
            await client.aclose()


@pytest.fixture
def prefs(tmp_path: Path) -> PreferenceStore:
    return PreferenceStore(tmp_path / "prefs.json")


def named(key: str | None = None, family: str | None = None, text: str = "") -> ModelMention:
    return ModelMention(key=key, family=family, text=text or key or family or "")


def preference(model_key: str | None, model_id: str, name: str = "Some Model") -> Preference:
    return Preference(
        model_id=model_id,
        model_name=name,
        credit=25,
        last_used=datetime(2026, 1, 1, tzinfo=UTC),
        model_key=model_key,
        provider="ima",
    )


async def choose(
    catalogue: Catalogue,
    prefs: PreferenceStore,
    task_type: TaskType = T2V,
    *,
    mention: ModelMention | None = None,
    policy: Policy | None = None,
    remember: bool = False,
) -> ModelChoice:
    choice = await choose_model(
        catalogue, prefs, USER, task_type, mention=mention, policy=policy, remember=remember
    )
    assert choice is not None
    return choice


def summary(choice: ModelChoice) -> tuple[str, Selection, bool, str | None]:
    return choice.entry.key, choice.selection, choice.remember, choice.unavailable


# -- the order ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("task_type", "key"), [(T2V, "wan-2.6"), (I2V, "wan-2.6"), (FLF, "kling-o1")])
async def test_default_when_nothing_else_says(
    catalogue: Catalogue, prefs: PreferenceStore, task_type: TaskType, key: str
) -> None:
    choice = await choose(catalogue, prefs, task_type)
    assert summary(choice) == (key, Selection.DEFAULT, True, None)
    assert choice.entry.task_type is task_type and choice.entry.provider == "ima"


async def test_preference_beats_default(catalogue: Catalogue, prefs: PreferenceStore) -> None:
    await prefs.set(USER, T2V, preference("kling-o1", "kling-video-o1", "Kling O1"))
    choice = await choose(catalogue, prefs)
    assert summary(choice) == ("kling-o1", Selection.PREFERENCE, True, None)


async def test_preference_is_per_task_type(catalogue: Catalogue, prefs: PreferenceStore) -> None:
    await prefs.set(USER, I2V, preference("kling-o1", "kling-video-o1"))
    assert (await choose(catalogue, prefs, T2V)).selection is Selection.DEFAULT
    assert (await choose(catalogue, prefs, I2V)).entry.key == "kling-o1"


async def test_an_older_preference_without_a_key_matches_by_model_id(
    catalogue: Catalogue, prefs: PreferenceStore
) -> None:
    await prefs.set(USER, T2V, preference(None, "MiniMax-Hailuo-2.3", "Hailuo 2.3"))
    choice = await choose(catalogue, prefs)
    assert summary(choice) == ("hailuo-2.3", Selection.PREFERENCE, True, None)


@pytest.mark.parametrize(
    ("policy", "remember", "expected"),
    [
        (Policy.CHEAPEST, False, ("vidu-q2", Selection.CHEAPEST, False, None)),  # a one-off: not saved
        (Policy.CHEAPEST, True, ("vidu-q2", Selection.CHEAPEST, True, None)),  # "以后都用便宜的"
        (Policy.BEST, False, ("hailuo-2.3", Selection.BEST, True, None)),
    ],
)
async def test_policy_beats_preference(
    catalogue: Catalogue,
    prefs: PreferenceStore,
    policy: Policy,
    remember: bool,
    expected: tuple[str, Selection, bool, None],
) -> None:
    await prefs.set(USER, T2V, preference("kling-o1", "kling-video-o1"))
    choice = await choose(catalogue, prefs, policy=policy, remember=remember)
    assert summary(choice) == expected


async def test_named_model_beats_policy_and_preference(catalogue: Catalogue, prefs: PreferenceStore) -> None:
    await prefs.set(USER, T2V, preference("kling-o1", "kling-video-o1"))
    choice = await choose(catalogue, prefs, mention=named("kling-2.6"), policy=Policy.CHEAPEST)
    assert summary(choice) == ("kling-2.6", Selection.EXPLICIT, True, None)


async def test_a_family_word_names_its_first_offered_model(
    catalogue: Catalogue, prefs: PreferenceStore
) -> None:
    choice = await choose(catalogue, prefs, mention=named(family="kling", text="可灵"))
    assert summary(choice) == ("kling-o1", Selection.EXPLICIT, True, None)


# -- a named model that cannot do it -----------------------------------------------------------------------


async def test_named_model_that_does_not_do_the_task_falls_back_to_default(
    catalogue: Catalogue, prefs: PreferenceStore
) -> None:
    choice = await choose(catalogue, prefs, mention=named("vidu-q2-pro", text="viduq2pro"))
    assert summary(choice) == ("wan-2.6", Selection.DEFAULT, True, "Vidu Q2 Pro")


async def test_named_model_that_does_not_do_the_task_falls_back_to_policy_then_preference(
    catalogue: Catalogue, prefs: PreferenceStore
) -> None:
    await prefs.set(USER, T2V, preference("kling-o1", "kling-video-o1"))
    mention = named("vidu-q2-pro")
    with_policy = await choose(catalogue, prefs, mention=mention, policy=Policy.BEST)
    assert summary(with_policy) == ("hailuo-2.3", Selection.BEST, True, "Vidu Q2 Pro")
    without = await choose(catalogue, prefs, mention=mention)
    assert summary(without) == ("kling-o1", Selection.PREFERENCE, True, "Vidu Q2 Pro")


async def test_a_retired_model_named_is_unavailable(catalogue: Catalogue, prefs: PreferenceStore) -> None:
    choice = await choose(catalogue, prefs, mention=named("kling-1.6", text="可灵1.6"))
    assert summary(choice) == ("wan-2.6", Selection.DEFAULT, True, "Kling 1.6")


async def test_a_family_without_a_model_for_the_task_is_named_as_typed(
    catalogue: Catalogue, prefs: PreferenceStore
) -> None:
    choice = await choose(catalogue, prefs, FLF, mention=named(family="wan", text="万相"))
    assert summary(choice) == ("kling-o1", Selection.DEFAULT, True, "万相")


def test_mention_name(catalogue: Catalogue) -> None:
    assert mention_name(catalogue, named("vidu-q2-pro", text="viduq2pro")) == "Vidu Q2 Pro"
    assert mention_name(catalogue, named("zorblax", text="Zorblax")) == "Zorblax"
    assert mention_name(catalogue, named(family="kling", text="可灵")) == "可灵"


# -- preferences that no longer work -----------------------------------------------------------------------


async def test_preference_for_a_model_no_longer_offered_falls_back_to_default(
    catalogue: Catalogue, prefs: PreferenceStore
) -> None:
    await prefs.set(USER, T2V, preference("kling-1.6", "kling-v1-6", "Kling 1.6"))
    assert summary(await choose(catalogue, prefs)) == ("wan-2.6", Selection.DEFAULT, True, None)


async def test_preference_for_an_unknown_key_falls_back_to_default(
    catalogue: Catalogue, prefs: PreferenceStore
) -> None:
    await prefs.set(USER, T2V, preference("zorblax-9", "wan2.6-t2v"))  # the key decides, not the id
    assert summary(await choose(catalogue, prefs)) == ("wan-2.6", Selection.DEFAULT, True, None)


async def test_a_store_that_cannot_be_read_means_the_default(catalogue: Catalogue, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where a directory should be", encoding="utf-8")
    broken = PreferenceStore(blocker / "prefs.json")
    with pytest.raises(PreferenceStoreError):
        await broken.get(USER, T2V)
    assert summary(await choose(catalogue, broken)) == ("wan-2.6", Selection.DEFAULT, True, None)
    choice = await choose(catalogue, broken, mention=named("vidu-q2-pro"))
    assert choice.unavailable == "Vidu Q2 Pro" and choice.selection is Selection.DEFAULT


# -- nothing to choose from --------------------------------------------------------------------------------


async def test_nothing_offered_for_the_task_is_none(
    fake: FakeIma, catalogue: Catalogue, prefs: PreferenceStore
) -> None:
    fake.products["reference_image_to_video"] = []
    for policy in (None, Policy.BEST, Policy.CHEAPEST):
        choice = await choose_model(
            catalogue, prefs, USER, REF, mention=named("kling-o1"), policy=policy, remember=True
        )
        assert choice is None


async def test_a_provider_that_cannot_list_raises_its_error(
    fake: FakeIma, catalogue: Catalogue, prefs: PreferenceStore
) -> None:
    fake.inject("product_list", Fault.UNAVAILABLE)
    with pytest.raises(UnavailableError):  # the conversation translates it for the user
        await choose_model(catalogue, prefs, USER, T2V, mention=None, policy=None, remember=True)
