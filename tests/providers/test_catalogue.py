"""The catalogue over real provider clients talking to their fakes on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Collection, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from pydantic import ValidationError

from providers.aims import AimsClient
from providers.aivideomaker import AivideomakerClient
from providers.base import VideoProvider
from providers.catalogue import Catalogue, CatalogueEntry, ModelOffer, Strategy
from providers.errors import AuthError, NetworkError
from providers.ima import ImaClient
from providers.mediaio import MediaioClient
from providers.mediaio.models import VIDEO_MODELS
from providers.mythiq import MythiqClient
from providers.sandbox import SandboxProvider
from providers.specs import SPECS, ModelSpec
from providers.types import CreditUnit, EtaRange, ModelRef, TaskType
from tests.fakes.aims import FakeAims, default_video_models
from tests.fakes.aivideomaker import FakeAivideomaker
from tests.fakes.ima import DEFAULT_KEY, FakeIma
from tests.fakes.mediaio import FakeMediaio
from tests.fakes.mythiq import FakeMythiq, default_models
from tests.fakes.server import serve

T2V, I2V = TaskType.TEXT_TO_VIDEO, TaskType.IMAGE_TO_VIDEO
ALL = ("ima", "mediaio", "aivideomaker", "aims", "mythiq")
CLOSED = "http://127.0.0.1:1"  # nothing listens there: connection refused
SPECS_BY_KEY = {spec.key: spec for spec in SPECS}


@dataclass
class Fakes:
    """One fake per provider (each served only when a test asks for its client)."""

    ima: FakeIma = field(default_factory=lambda: FakeIma(queued_s=0.0, processing_s=0.0, empty_url_s=0.0))
    mediaio: FakeMediaio = field(default_factory=FakeMediaio)
    aivideomaker: FakeAivideomaker = field(default_factory=FakeAivideomaker)
    aims: FakeAims = field(default_factory=FakeAims)
    mythiq: FakeMythiq = field(default_factory=FakeMythiq)


def _client(name: str, url: str, key: str | None) -> VideoProvider:
    if name == "ima":
        return ImaClient(api_key=key or DEFAULT_KEY, base_url=url, upload_base_url=url)
    if name == "mediaio":
        return MediaioClient(api_key=key or "mediaio-test-key", base_url=url)
    if name == "aivideomaker":
        return AivideomakerClient(api_key=key or "ak_test_key", base_url=url)
    if name == "aims":
        return AimsClient(key or "aims_test_key", base_url=f"{url}/api/v1", request_timeout_s=5.0)
    return MythiqClient(key or "mythiq_test_key", base_url=f"{url}/v1", request_timeout_s=5.0)


@asynccontextmanager
async def running(
    fakes: Fakes,
    order: Sequence[str] = ALL,
    *,
    wrong_key: Collection[str] = (),
    unreachable: Collection[str] = (),
) -> AsyncIterator[list[VideoProvider]]:
    """Real clients for ``order`` (priority order), each pointed at its fake (or at nothing)."""
    async with AsyncExitStack() as stack:
        clients = []
        for name in order:
            url = (
                CLOSED
                if name in unreachable
                else await stack.enter_async_context(serve(getattr(fakes, name).app()))
            )
            client = _client(name, url, "wrong_key" if name in wrong_key else None)
            stack.push_async_callback(client.aclose)
            clients.append(client)
        yield clients


def providers_of(entry: CatalogueEntry | None) -> list[str]:
    assert entry is not None
    return [offer.provider for offer in entry.offers]


@pytest.fixture
def fakes() -> Fakes:
    return Fakes()


# -- one entry per model, offers in failover order ------------------------------------------------


async def test_a_model_offered_by_several_providers_is_one_entry(fakes: Fakes) -> None:
    async with running(fakes) as providers:
        entries = await Catalogue(providers).entries(I2V)
    keys = [entry.key for entry in entries]
    assert len(keys) == len(set(keys))
    kling = next(entry for entry in entries if entry.key == "kling-2.6")
    assert providers_of(kling) == ["ima", "mythiq", "mediaio"]
    assert [offer.ref.model_id for offer in kling.offers] == [
        "kling-v2-6",
        "kling/kling-2.6",
        "i2v-kling-v2-6",
    ]


async def test_the_entry_shows_the_chosen_offer_in_its_providers_unit(fakes: Fakes) -> None:
    async with running(fakes) as providers:
        catalogue = Catalogue(providers)
        by_ima = await catalogue.entry("wan-2.6", T2V)
        by_mythiq = await catalogue.entry("wan-2.6", T2V, pin="mythiq")
    assert by_ima is not None and by_mythiq is not None
    assert (by_ima.provider, by_ima.credits_min, by_ima.credits_max, by_ima.unit) == (
        "ima",
        25,
        120,
        CreditUnit.POINTS,
    )
    assert by_ima.eta == EtaRange(min_s=300, max_s=420)  # IMA's live estimate (its EET tag)
    assert (by_mythiq.provider, by_mythiq.credits_min, by_mythiq.unit) == ("mythiq", 20, CreditUnit.USD_CENTS)
    assert by_mythiq.ref == ModelRef(model_id="wan/wan-2.6")
    assert by_mythiq.offer.ref == by_mythiq.ref and by_mythiq.offer.model_key == "wan-2.6"
    assert by_mythiq.eta == SPECS_BY_KEY["wan-2.6"].eta  # MythIQ gives no estimate: the seed's


async def test_offers_follow_the_settings_order(fakes: Fakes) -> None:
    async with running(fakes, ("mythiq", "mediaio", "ima")) as providers:
        wan = await Catalogue(providers).entry("wan-2.6", T2V)
    assert providers_of(wan) == ["mythiq", "ima", "mediaio"]  # Media.io's unknown price goes last


async def test_an_unknown_price_is_chosen_only_when_no_priced_offer_exists(fakes: Fakes) -> None:
    async with running(fakes, ("mediaio", "ima")) as providers:
        catalogue = Catalogue(providers)
        veo = await catalogue.entry("veo-3.1", I2V)
        kling3 = await catalogue.entry("kling-3.0", I2V)
    assert providers_of(veo) == ["ima", "mediaio"]
    assert kling3 is not None and kling3.provider == "mediaio"
    assert (kling3.credits_min, kling3.credits_max, kling3.price_known) == (0, 0, False)


async def test_adopted_models_keep_one_key_across_providers_and_task_types(fakes: Fakes) -> None:
    async with running(fakes, ("aims", "ima", "aivideomaker", "mediaio")) as providers:
        catalogue = Catalogue(providers)
        t2v = {entry.key: entry for entry in await catalogue.entries(T2V)}
        i2v = {entry.key: entry for entry in await catalogue.entries(I2V)}
    assert providers_of(t2v["seedance-2.0-fast"]) == ["aims", "ima"]  # "Seedance 2.0 Fast" / "... fast"
    assert i2v["seedance-2.0-fast"].name == "Seedance 2.0 Fast"  # AIMS lists it as "... Fast I2V"
    families = {key: entry.spec.family for key, entry in {**t2v, **i2v}.items()}
    assert families["seedance-2.0"] == "seedance"
    assert families["aivideomaker-v3"] == families["aivideomaker"] == "aivideomaker"
    assert (families["kling-3.0"], families["wan-2.2"], families["veo-3.1-lite"]) == ("kling", "wan", "veo")


async def test_a_spec_named_model_is_matched_by_name_when_its_id_is_unknown(fakes: Fakes) -> None:
    fakes.mythiq.models = [{"id": "acme/kling-26", "name": "Kling 2.6", "media": "video", "price": 0.5}]
    async with running(fakes, ("ima", "mythiq")) as providers:
        kling = await Catalogue(providers).entry("kling-2.6", T2V)
    assert providers_of(kling) == ["ima", "mythiq"]
    assert kling is not None and kling.spec == SPECS_BY_KEY["kling-2.6"]


# -- failing lists ---------------------------------------------------------------------------------


async def test_a_provider_whose_list_fails_is_skipped(fakes: Fakes) -> None:
    async with running(fakes, wrong_key={"ima"}, unreachable={"mythiq"}) as providers:
        wan = await Catalogue(providers).entry("wan-2.6", T2V)
    assert providers_of(wan) == ["mediaio"]


@pytest.mark.parametrize(
    ("order", "error"), [(("ima", "mythiq"), AuthError), (("mythiq", "ima"), NetworkError)]
)
async def test_when_every_list_fails_the_first_error_is_raised(
    fakes: Fakes, order: tuple[str, ...], error: type[Exception]
) -> None:
    async with running(fakes, order, wrong_key={"ima"}, unreachable={"mythiq"}) as providers:
        with pytest.raises(error):
            await Catalogue(providers).entries(T2V)


async def test_a_pinned_provider_whose_list_fails_raises(fakes: Fakes) -> None:
    async with running(fakes, ("ima", "mediaio"), wrong_key={"ima"}) as providers:
        with pytest.raises(AuthError):
            await Catalogue(providers, pin="ima").entries(T2V)


# -- pins and strategies on the catalogue's methods -------------------------------------------------


async def test_a_pin_keeps_only_that_providers_offers(fakes: Fakes) -> None:
    async with running(fakes) as providers:
        pinned = Catalogue(providers, pin="mediaio")
        entries = await pinned.entries(I2V)
        assert await pinned.entry("kling-o1", I2V) is None  # Media.io has no Kling O1
        assert await Catalogue(providers).entry("wan-2.6", I2V, pin="nobody") is None
        overridden = await pinned.entry("wan-2.6", I2V, pin="ima")
    assert {offer.provider for entry in entries for offer in entry.offers} == {"mediaio"}
    assert providers_of(overridden) == ["ima"]


async def test_a_pin_may_be_given_as_a_providers_word(fakes: Fakes) -> None:
    async with running(fakes, ("ima", "mediaio")) as providers:
        by_word = await Catalogue(providers, pin="Media.io").entry("wan-2.6", T2V)
        unpinned = await Catalogue(providers, pin="").entry("wan-2.6", T2V)
    assert providers_of(by_word) == ["mediaio"]
    assert providers_of(unpinned) == ["ima", "mediaio"]


async def test_the_default_strategy_comes_from_the_constructor(fakes: Fakes) -> None:
    async with running(fakes, ("ima", "mythiq")) as providers:
        cheap = await Catalogue(providers, strategy=Strategy("cheapest")).entry("wan-2.6", T2V)
        optimal = await Catalogue(providers, strategy=Strategy.CHEAPEST).entry(
            "wan-2.6", T2V, strategy=Strategy.OPTIMAL
        )
    assert providers_of(cheap) == ["mythiq", "ima"]  # 20 ¢ against 25 ¢
    assert providers_of(optimal) == ["ima", "mythiq"]


async def test_cheapest_compares_prices_in_cents_across_units(fakes: Fakes) -> None:
    async with running(fakes, ("ima", "aims")) as providers:
        catalogue = Catalogue(providers)
        sora = await catalogue.entry("sora-2-pro", T2V, strategy=Strategy.CHEAPEST)
        cheapest = await catalogue.cheapest(T2V)
    # IMA 120 points (120 ¢) against AIMS 200 credits (100 ¢): fewer credits is not cheaper.
    assert providers_of(sora) == ["aims", "ima"]
    assert cheapest is not None and (cheapest.key, cheapest.provider) == ("vidu-q2", "ima")  # 5 points


async def test_cheapest_never_picks_an_unknown_price(fakes: Fakes) -> None:
    async with running(fakes, ("mediaio", "aivideomaker")) as providers:
        cheapest = await Catalogue(providers).cheapest(T2V)
    assert cheapest is not None and (cheapest.key, cheapest.credits_min) == ("aivideomaker", 5)


async def test_cheaper_than_compares_in_cents_when_told_whose_credits(fakes: Fakes) -> None:
    async with running(fakes, ("aims", "mediaio")) as providers:
        catalogue = Catalogue(providers)
        # 70 AIMS credits are 35 ¢; the cheapest model, Veo 3.1 Lite, costs 60 credits (30 ¢).
        named = await catalogue.cheaper_than(70, T2V, "sora-2", provider="aims")
        assert named is not None and named.key == "veo-3.1-lite"
        assert await catalogue.cheaper_than(55, T2V, "sora-2", provider="aims") is None
        assert await catalogue.cheaper_than(61, T2V, "sora-2") is not None  # raw credits, as before


async def test_best_and_alternatives_take_pins(fakes: Fakes) -> None:
    async with running(fakes) as providers:
        catalogue = Catalogue(providers)
        best = await catalogue.best(I2V, pin="mediaio")
        alternatives = await catalogue.alternatives("wan-2.6", I2V, "timeout", pin="mythiq")
    assert best is not None and (best.key, best.provider) == ("kling-2.6", "mediaio")
    assert [(e.key, e.provider) for e in alternatives] == [("hailuo-2.3", "mythiq"), ("kling-2.6", "mythiq")]


# -- one provider: today's behaviour --------------------------------------------------------------


async def test_ima_alone_offers_its_live_list_as_before(fakes: Fakes) -> None:
    async with running(fakes, ("ima",)) as providers:
        catalogue = Catalogue(providers)
        entries = await catalogue.entries(T2V)
        live = {model.ref: model for model in await providers[0].list_models(T2V)}
        picks = [await catalogue.default(T2V), await catalogue.best(T2V), await catalogue.cheapest(T2V)]
    assert [entry.key for entry in entries] == [
        "wan-2.6", "kling-o1", "hailuo-2.3", "vidu-q2", "hailuo-2.0", "kling-2.6", "seedance-1.5-pro",
        "veo-3.1", "pixverse-v5.5", "sora-2-pro", "pixverse-v3.5", "pixverse-v4", "pixverse-v4.5",
        "pixverse-v5", "seedance-2.0", "seedance-2.0-fast",
    ]  # fmt: skip
    for entry in entries:
        model = live[entry.ref]
        assert len(entry.offers) == 1 and (entry.provider, entry.unit) == ("ima", CreditUnit.POINTS)
        assert (entry.credits_min, entry.credits_max) == (model.credits_min, model.credits_max)
        assert entry.eta == (model.eta or entry.spec.eta)
    assert [pick and pick.key for pick in picks] == ["wan-2.6", "hailuo-2.3", "vidu-q2"]


async def test_the_sandbox_alone_offers_the_seed_table_for_free(tmp_path: Path) -> None:
    catalogue = Catalogue([SandboxProvider(output_dir=tmp_path)])
    entries = await catalogue.entries(I2V)
    assert {entry.key for entry in entries} == {spec.key for spec in SPECS if I2V in spec.ids}
    assert all(len(entry.offers) == 1 and entry.unit is CreditUnit.FREE for entry in entries)
    default, cheapest = await catalogue.default(I2V), await catalogue.cheapest(I2V)
    assert default is not None and default.key == "wan-2.6"
    assert cheapest is not None and cheapest.key == "vidu-q2-pro"  # every price ties: the seed's budget pick


# -- the entry model and the spec table ----------------------------------------------------------------


def test_an_entry_built_without_offers_offers_its_own() -> None:
    spec = SPECS_BY_KEY["wan-2.6"]
    fields = {
        "provider": "ima",
        "ref": spec.ids[T2V],
        "credits_min": 25,
        "credits_max": 120,
        "unit": CreditUnit.POINTS,
        "eta": spec.eta,
    }
    entry = CatalogueEntry(spec=spec, task_type=T2V, **fields)
    assert entry.offers == (ModelOffer(**fields),)
    other = ModelOffer(**{**fields, "provider": "mythiq"})
    with pytest.raises(ValidationError):
        CatalogueEntry(spec=spec, task_type=T2V, offers=(other, entry.offers[0]), **fields)


def test_specs_agree_with_the_mediaio_tables_hints() -> None:
    hinted = {(model.spec_key, model.task_type): model.code for model in VIDEO_MODELS if model.spec_key}
    named = {
        (spec.key, task): ref.model_id
        for spec in SPECS
        for task, ref in spec.provider_ids.get("mediaio", {}).items()
    }
    assert named == hinted | {("veo-3.1-fast", I2V): "i2v-veo-v3-1-fast"}


@pytest.mark.parametrize(
    ("provider", "listed"),
    [("aims", {m["id"] for m in default_video_models()}), ("mythiq", {m["id"] for m in default_models()})],
)
def test_every_provider_id_in_the_specs_is_one_its_fake_lists(provider: str, listed: set[str]) -> None:
    named = {ref.model_id for spec in SPECS for ref in spec.provider_ids.get(provider, {}).values()}
    assert named and named <= listed


def test_a_spec_without_its_own_ids_for_a_provider_uses_the_seeds() -> None:
    spec: ModelSpec = SPECS_BY_KEY["kling-o1"]
    assert spec.ids_for("sandbox") == spec.ids_for("ima") == spec.ids
    assert SPECS_BY_KEY["wan-2.6"].ids_for("mediaio")[T2V] == ModelRef(model_id="t2v-wan-v2-6")


async def test_the_catalogue_is_built_once_per_set_of_lists(tmp_path: Path) -> None:
    sandbox = SandboxProvider(output_dir=tmp_path)
    catalogue = Catalogue([sandbox], list_fresh_s=0.05)
    first = await catalogue.entries(TaskType.TEXT_TO_VIDEO)
    again = await catalogue.entries(TaskType.TEXT_TO_VIDEO)
    assert again == first and all(a is b for a, b in zip(again, first, strict=True))  # not rebuilt
    assert await catalogue.entries(TaskType.TEXT_TO_VIDEO, strategy=Strategy.CHEAPEST) == first  # own build
    await asyncio.sleep(0.06)
    rebuilt = await catalogue.entries(TaskType.TEXT_TO_VIDEO)
    assert rebuilt == first and rebuilt[0] is not first[0]  # a new list: built again
    await catalogue.aclose()
