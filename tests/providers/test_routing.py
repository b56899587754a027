"""Routing: the three strategies, pins and compatibility, on data and through real clients and fakes."""

from __future__ import annotations

import pytest

from providers.catalogue import Catalogue, CatalogueEntry
from providers.routing import (
    ModelOffer,
    Strategy,
    cents,
    honours_params,
    order_offers,
    provider_key,
    quoted_as_asked,
    takes_images,
)
from providers.types import (
    CreditUnit,
    EtaRange,
    GenerationRequest,
    ImageInput,
    ModelRef,
    Quote,
    TaskType,
    VideoParams,
)
from tests.providers.test_catalogue import Fakes, running

T2V, I2V = TaskType.TEXT_TO_VIDEO, TaskType.IMAGE_TO_VIDEO
PAID = {"ima": CreditUnit.POINTS, "sandbox": CreditUnit.FREE, "mythiq": CreditUnit.USD_CENTS}
URL_IMAGE = ImageInput(url="https://images.example.com/cat.png")
BYTES_IMAGE = ImageInput(
    data=b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, content_type="image/png", filename="cat.png"
)


def offer(provider: str, credits_min: int, credits_max: int | None = None) -> ModelOffer:
    return ModelOffer(
        provider=provider,
        ref=ModelRef(model_id=f"{provider}-model"),
        credits_min=credits_min,
        credits_max=credits_min if credits_max is None else credits_max,
        unit=PAID.get(provider, CreditUnit.CREDITS),
        eta=EtaRange(min_s=60, max_s=120),
    )


def t2v(prompt: str = "a cat surfing at sunset", **params: object) -> GenerationRequest:
    return GenerationRequest(task_type=T2V, prompt=prompt, params=VideoParams.model_validate(params))


def i2v(image: ImageInput) -> GenerationRequest:
    return GenerationRequest(task_type=I2V, prompt="it jumps", images=(image,))


def providers_of(entry: CatalogueEntry | None) -> list[str] | None:
    return None if entry is None else [o.provider for o in entry.offers]


@pytest.fixture
def fakes() -> Fakes:
    return Fakes()


# -- strategies on data -----------------------------------------------------------------------------

IMA, MYTHIQ, MEDIAIO, AIMS = (
    offer("ima", 25, 120),
    offer("mythiq", 20),
    offer("mediaio", 0),
    offer("aims", 30),
)
PRIORITY = ("mediaio", "aims", "ima", "mythiq")


def test_optimal_follows_the_priority_with_unknown_prices_last() -> None:
    ordered = order_offers([IMA, MYTHIQ, MEDIAIO, AIMS], Strategy.OPTIMAL, PRIORITY)
    assert [o.provider for o in ordered] == ["aims", "ima", "mythiq", "mediaio"]


def test_cheapest_compares_cents_with_unknown_prices_last() -> None:
    ordered = order_offers([IMA, MYTHIQ, MEDIAIO, AIMS], Strategy.CHEAPEST, PRIORITY)
    assert [o.provider for o in ordered] == ["aims", "mythiq", "ima", "mediaio"]  # 15, 20, 25 ¢, unknown


def test_cheapest_breaks_ties_by_priority_and_counts_free_as_zero() -> None:
    tied = order_offers([offer("ima", 20), MYTHIQ, offer("sandbox", 0)], Strategy.CHEAPEST, ("mythiq", "ima"))
    assert [o.provider for o in tied] == ["sandbox", "mythiq", "ima"]


def test_an_unknown_price_is_still_offered_when_nothing_else_is() -> None:
    assert order_offers([MEDIAIO], Strategy.OPTIMAL, PRIORITY) == (MEDIAIO,)
    assert not MEDIAIO.price_known and offer("sandbox", 0).price_known


def test_unlisted_providers_come_after_listed_ones() -> None:
    ordered = order_offers([offer("newcomer", 25), IMA], Strategy.COMPATIBLE, ("ima",))
    assert [o.provider for o in ordered] == ["ima", "newcomer"]


@pytest.mark.parametrize(
    ("provider", "unit", "credits", "expected"),
    [
        ("aivideomaker", CreditUnit.CREDITS, 100, 100.0),
        ("mythiq", CreditUnit.USD_CENTS, 35, 35.0),
        ("ima", CreditUnit.POINTS, 330, 330.0),
        ("aims", CreditUnit.CREDITS, 120, 60.0),
        ("mediaio", CreditUnit.CREDITS, 10, 10.0),
        ("sandbox", CreditUnit.FREE, 50, 0.0),
        ("newcomer", CreditUnit.CREDITS, 7, 7.0),
    ],
)
def test_prices_convert_to_us_cents(provider: str, unit: CreditUnit, credits: int, expected: float) -> None:
    assert cents(provider, unit, credits) == expected


@pytest.mark.parametrize(
    ("word", "provider"),
    [
        ("Media.io", "mediaio"),
        ("media io", "mediaio"),
        ("IMA Studio", "ima"),
        ("AI Media Studio", "aims"),
        ("AIMS", "aims"),
        ("AI-Video-Maker", "aivideomaker"),
        ("MythIQ", "mythiq"),
        ("Kling", None),
    ],
)
def test_provider_words_name_a_provider(word: str, provider: str | None) -> None:
    assert provider_key(word) == provider


def test_only_mediaio_needs_public_urls() -> None:
    assert takes_images("mediaio", i2v(URL_IMAGE))
    assert not takes_images("mediaio", i2v(BYTES_IMAGE))
    assert not takes_images("mediaio", i2v(ImageInput(url="http://images.example.com/cat.png")))
    assert all(takes_images(name, i2v(BYTES_IMAGE)) for name in ("ima", "aivideomaker", "aims", "mythiq"))


def test_mythiq_ignores_duration_and_aspect_ratio() -> None:
    assert honours_params("mythiq", VideoParams(resolution="1080p"))
    assert not honours_params("mythiq", VideoParams(duration=10))
    assert not honours_params("mythiq", VideoParams(aspect_ratio="9:16"))
    assert honours_params("ima", VideoParams(duration=10, aspect_ratio="9:16", resolution="1080p"))


@pytest.mark.parametrize(
    ("stated", "asked", "as_asked"),
    [(4, 5, False), ("6", 6, True), ("10s", 10, True), ("8s", 10, False), (None, 5, True), ("auto", 5, True)],
)
def test_a_quote_states_the_duration_asked(stated: object, asked: int, as_asked: bool) -> None:
    params = {} if stated is None else {"duration": stated}
    quote = Quote(
        provider="aims",
        task_type=T2V,
        model_key="veo-3.1-fast",
        model_name="Veo 3.1 Fast",
        ref=ModelRef(model_id="fal-ai/veo3.1/fast"),
        params=params,
        credits=120,
        unit=CreditUnit.CREDITS,
    )
    assert quoted_as_asked(quote, VideoParams(duration=asked)) is as_asked
    assert quoted_as_asked(quote, VideoParams())


# -- route(): real clients against their fakes ------------------------------------------------------


async def test_optimal_routes_by_settings_order_and_keeps_the_rest_for_failover(fakes: Fakes) -> None:
    async with running(fakes) as providers:
        routed = await Catalogue(providers).route("wan-2.6", t2v())
    assert providers_of(routed) == ["ima", "mythiq", "mediaio"]
    assert routed is not None and (routed.provider, routed.unit, routed.credits_min) == (
        "ima",
        CreditUnit.POINTS,
        25,
    )


async def test_cheapest_routes_to_the_lowest_price_in_its_own_unit(fakes: Fakes) -> None:
    async with running(fakes) as providers:
        routed = await Catalogue(providers).route("wan-2.6", t2v(), strategy=Strategy.CHEAPEST)
    assert providers_of(routed) == ["mythiq", "ima", "mediaio"]  # 20 ¢, 25 ¢, unknown
    assert routed is not None and (routed.provider, routed.unit, routed.credits_min) == (
        "mythiq",
        CreditUnit.USD_CENTS,
        20,
    )
    assert routed.offer.ref == ModelRef(model_id="wan/wan-2.6")


async def test_compatible_keeps_providers_that_honour_every_parameter(fakes: Fakes) -> None:
    async with running(fakes) as providers:
        catalogue = Catalogue(providers, strategy=Strategy.COMPATIBLE)
        plain = await catalogue.route("wan-2.6", t2v())
        ten_seconds = await catalogue.route("wan-2.6", t2v(duration=10))
        seven_seconds = await catalogue.route("wan-2.6", t2v(duration=7))
        optimal = await catalogue.route("wan-2.6", t2v(duration=7), strategy=Strategy.OPTIMAL)
    assert providers_of(plain) == ["ima", "mythiq", "mediaio"]
    assert providers_of(ten_seconds) == ["ima", "mediaio"]  # MythIQ would drop the duration
    assert seven_seconds is None  # nobody offers 7 s
    assert providers_of(optimal) == ["ima", "mythiq", "mediaio"]  # only compatible checks parameters


async def test_compatible_drops_a_provider_that_refuses_or_snaps_a_parameter(fakes: Fakes) -> None:
    async with running(fakes, ("aivideomaker", "aims")) as providers:
        catalogue = Catalogue(providers)
        with_resolution = t2v(resolution="1080p")
        assert await catalogue.route("aivideomaker", with_resolution, strategy=Strategy.COMPATIBLE) is None
        assert providers_of(await catalogue.route("aivideomaker", with_resolution)) == ["aivideomaker"]
        # AIMS's Veo 3.1 Fast does 4, 6 or 8 s and would snap 5 s to 4 s.
        assert await catalogue.route("veo-3.1-fast", t2v(duration=5), strategy=Strategy.COMPATIBLE) is None
        six = await catalogue.route("veo-3.1-fast", t2v(duration=6), strategy=Strategy.COMPATIBLE)
    assert providers_of(six) == ["aims"]


async def test_compatible_drops_a_provider_whose_quote_refuses_the_prompt(fakes: Fakes) -> None:
    async with running(fakes) as providers:
        routed = await Catalogue(providers).route("wan-2.6", t2v("x" * 600), strategy=Strategy.COMPATIBLE)
    assert providers_of(routed) == ["ima", "mediaio"]  # MythIQ takes at most 500 characters


@pytest.mark.parametrize("strategy", list(Strategy))
async def test_mediaio_is_skipped_for_image_bytes_under_every_strategy(
    fakes: Fakes, strategy: Strategy
) -> None:
    async with running(fakes) as providers:
        catalogue = Catalogue(providers)
        kling = await catalogue.route("kling-2.6", i2v(BYTES_IMAGE), strategy=strategy)
        only_mediaio = await catalogue.route("kling-3.0", i2v(BYTES_IMAGE), strategy=strategy)
        from_url = await catalogue.route("kling-3.0", i2v(URL_IMAGE), strategy=strategy)
    assert sorted(providers_of(kling) or ()) == ["ima", "mythiq"]
    assert only_mediaio is None
    assert providers_of(from_url) == ["mediaio"]


async def test_a_pin_chooses_that_providers_offer_or_nothing(fakes: Fakes) -> None:
    async with running(fakes) as providers:
        catalogue = Catalogue(providers)
        by_mediaio = await catalogue.route("kling-2.6", i2v(URL_IMAGE), pin="mediaio")
        assert await catalogue.route("kling-2.6", i2v(URL_IMAGE), pin="aims") is None
        assert await catalogue.route("kling-2.6", i2v(BYTES_IMAGE), pin="mediaio") is None
        assert await catalogue.route("kling-2.6", i2v(URL_IMAGE), pin="nobody") is None
        for strategy in Strategy:
            pinned = await catalogue.route("wan-2.6", t2v(), strategy=strategy, pin="ima")
            assert providers_of(pinned) == ["ima"]
    assert by_mediaio is not None and (by_mediaio.provider, by_mediaio.credits_min) == ("mediaio", 0)
    assert by_mediaio.ref == ModelRef(model_id="i2v-kling-v2-6")


async def test_a_pin_from_settings_holds_until_the_user_pins_another(fakes: Fakes) -> None:
    async with running(fakes) as providers:
        catalogue = Catalogue(providers, pin="mythiq")
        settled = await catalogue.route("wan-2.6", t2v())
        by_user = await catalogue.route("wan-2.6", t2v(), pin="ima")
    assert providers_of(settled) == ["mythiq"]
    assert providers_of(by_user) == ["ima"]


async def test_an_unknown_model_routes_nowhere(fakes: Fakes) -> None:
    async with running(fakes, ("ima",)) as providers:
        assert await Catalogue(providers).route("no-such-model", t2v()) is None
