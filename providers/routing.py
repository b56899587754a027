"""Which provider serves a model: offers, the three strategies (MythIQ's, adapted), pins, compatibility.

A model is one catalogue entry with one :class:`ModelOffer` per provider that has it. The strategies
order those offers (the first is the choice, the rest the failover order); seed 004 gives MythIQ's
meanings, adapted here to providers we call ourselves:

- ``optimal`` (default): the configured provider priority (settings order). An offer whose price is
  unknown (0 in a paid unit: Media.io publishes none) goes after every priced one.
- ``cheapest``: the lowest price, compared in US cents by :data:`CENTS_PER_CREDIT`; unknown prices last,
  ties in priority order.
- ``compatible``: priority order, keeping only offers whose provider honours every requested parameter
  (:func:`usable_offers`, applied by ``Catalogue.route``; without a request it orders like ``optimal``).

Whatever the strategy, an offer must be able to take the request's images: Media.io only takes public
https URLs (providers.md §1.6), so its offers are dropped for an image the bot holds as bytes.
A pin (settings, or the user: "用 Media.io 的 Kling 2.6") keeps only that provider's offer: no failover
to another account than the one asked for.

US cents per credit (``CENTS_PER_CREDIT``), each a documented assumption:

- ``aivideomaker``: 1 credit = $0.01 [DOC, providers.md §3.3].
- ``mythiq``: its prices are money: US cents (``CreditUnit.USD_CENTS``, ``providers/mythiq/models.py``
  counts MythIQ's USD ``price`` in cents), shown to people as dollars.
- ``ima``: 1 point ≈ $0.01 [CHOICE, derived]: no per-point price is published (guidebook.imastudio.com
  credits FAQ names none); IMA's Veo 3.1 costs 330 points for 8 s with audio at 1080p (providers.md §2.8)
  and Google's Veo 3.1 Standard lists at $0.40/s (aifreeapi.com, third party), i.e. $3.20 ≈ 0.97 ¢/point.
- ``aims``: 1 credit ≈ $0.005 [CHOICE, derived]: no per-credit price is published; AIMS resells fal.ai
  models (its ids are fal's) and charges 30 credits/s for Veo 3.1 Fast (providers.md §4.5), whose fal
  list price is $0.10-0.15/s (fal.ai/models/fal-ai/veo3/fast) → 0.33-0.5 ¢/credit; we take the upper end.
- ``mediaio``: 1 credit = $0.01 [CHOICE]: nothing published (developer.media.io/pricing.html not
  retrievable); Media.io quotes 0 (unknown) anyway, which every strategy treats as unknown.
- ``sandbox`` and any ``FREE`` unit: 0. A provider not listed: 1 ¢ per credit [CHOICE].
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Sequence
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from providers.types import CreditUnit, EtaRange, GenerationRequest, ModelRef, Quote, VideoParams


class Strategy(StrEnum):
    """How the catalogue picks among the offers of one model (seed 004's names)."""

    OPTIMAL = "optimal"
    CHEAPEST = "cheapest"
    COMPATIBLE = "compatible"


class ModelOffer(BaseModel):
    """One provider's offer of a model for one task type, at its live price in its own unit."""

    model_config = ConfigDict(frozen=True)

    provider: str
    ref: ModelRef
    credits_min: int
    credits_max: int
    unit: CreditUnit
    eta: EtaRange  # the provider's live estimate where it gives one, else the model's

    @property
    def price_known(self) -> bool:
        """False for a paid offer quoted at 0 (a provider that publishes no prices)."""
        return self.unit is CreditUnit.FREE or self.credits_max > 0


CENTS_PER_CREDIT: dict[str, float] = {
    "aivideomaker": 1.0,
    "mythiq": 1.0,
    "ima": 1.0,
    "aims": 0.5,
    "mediaio": 1.0,
    "sandbox": 0.0,
}
DEFAULT_CENTS_PER_CREDIT = 1.0

# Providers that take input images only as public https URLs (no upload, no data URL).
# Providers that take input images only as public URLs (a client may lift this: ``takes_image_bytes``).
URL_ONLY_PROVIDERS: frozenset[str] = frozenset({"mediaio"})

# Request parameters a provider's client never sends (MythIQ: only ``size`` is documented, providers.md
# §5.2, so duration and aspect ratio are dropped). Parameters it refuses show up when it quotes.
IGNORED_PARAMS: dict[str, frozenset[str]] = {"mythiq": frozenset({"duration", "aspect_ratio"})}

# Words naming a provider (for a pin typed by a user or set in settings), compared without case,
# spaces, dots, hyphens or underscores.
PROVIDER_ALIASES: dict[str, tuple[str, ...]] = {
    "ima": ("ima", "ima studio", "imastudio"),
    "mediaio": ("media.io", "mediaio"),
    "aivideomaker": ("aivideomaker", "ai video maker"),
    "aims": ("aims", "ai media studio"),
    "mythiq": ("mythiq",),
    "sandbox": ("sandbox",),
}


def _squash(text: str) -> str:
    return re.sub(r"[\s._\-]+", "", text.lower())


_PROVIDER_WORDS = {_squash(word): name for name, words in PROVIDER_ALIASES.items() for word in words}


def provider_key(text: str) -> str | None:
    """The provider a word names ("Media.io" -> ``mediaio``), or None."""
    return _PROVIDER_WORDS.get(_squash(text))


def cents(provider: str, unit: CreditUnit, credits: int) -> float:
    """``credits`` of ``provider`` in US cents (see the module doc for each rate)."""
    if unit is CreditUnit.FREE:
        return 0.0
    if unit is CreditUnit.USD_CENTS:
        return float(credits)
    return credits * CENTS_PER_CREDIT.get(provider, DEFAULT_CENTS_PER_CREDIT)


def offer_cents(offer: ModelOffer) -> tuple[float, float]:
    """The offer's price range in US cents."""
    low = cents(offer.provider, offer.unit, offer.credits_min)
    return low, cents(offer.provider, offer.unit, offer.credits_max)


def order_offers(
    offers: Sequence[ModelOffer], strategy: Strategy, priority: Sequence[str]
) -> tuple[ModelOffer, ...]:
    """``offers`` in ``strategy``'s order: the first is the choice, the rest the failover order."""
    rank = {name: index for index, name in enumerate(priority)}

    def by_priority(offer: ModelOffer) -> tuple[bool, int]:
        return not offer.price_known, rank.get(offer.provider, len(rank))

    def by_price(offer: ModelOffer) -> tuple[bool, float, float, int]:
        low, high = offer_cents(offer)
        return not offer.price_known, low, high, rank.get(offer.provider, len(rank))

    return tuple(sorted(offers, key=by_price if strategy == Strategy.CHEAPEST else by_priority))


def pinned(offers: Sequence[ModelOffer], pin: str | None) -> tuple[ModelOffer, ...]:
    """Only the pinned provider's offer (all offers when nothing is pinned)."""
    return tuple(offer for offer in offers if pin is None or offer.provider == pin)


def takes_images(
    provider: str, request: GenerationRequest, url_only: frozenset[str] = URL_ONLY_PROVIDERS
) -> bool:
    """Whether ``provider`` can take the request's images as the bot holds them."""
    return provider not in url_only or all(image.is_public_url for image in request.images)


def honours_params(provider: str, params: VideoParams) -> bool:
    """False when ``provider`` would silently drop a requested parameter."""
    asked = set(params.model_dump(exclude_none=True))
    return not asked & IGNORED_PARAMS.get(provider, frozenset())


_SECONDS = re.compile(r"(\d+)\s*s?")


def quoted_as_asked(quote: Quote, params: VideoParams) -> bool:
    """False when the quote states another duration than the one asked (AIMS snaps durations)."""
    stated = quote.params.get("duration")
    match = _SECONDS.fullmatch(str(stated).strip()) if stated is not None else None
    return params.duration is None or match is None or int(match.group(1)) == params.duration


async def usable_offers(
    offers: Sequence[ModelOffer],
    request: GenerationRequest,
    strategy: Strategy,
    accepts: Callable[[ModelOffer], Awaitable[bool]],
    url_only: frozenset[str] = URL_ONLY_PROVIDERS,
) -> tuple[ModelOffer, ...]:
    """The offers that can serve ``request``, order kept.

    Every strategy drops offers that cannot take the request's images. ``compatible`` also drops offers
    whose provider ignores a requested parameter or whose ``accepts`` (the provider's own quote) says no.
    """
    kept = [offer for offer in offers if takes_images(offer.provider, request, url_only)]
    if strategy != Strategy.COMPATIBLE:
        return tuple(kept)
    kept = [offer for offer in kept if honours_params(offer.provider, request.params)]
    verdicts = await asyncio.gather(*(accepts(offer) for offer in kept))
    return tuple(offer for offer, ok in zip(kept, verdicts, strict=True) if ok)
