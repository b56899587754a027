"""From a neutral request to AIVideoMaker's body and price (no network).

The seed's bodies take no resolution (any asked -> unsupported) and the image models take no
aspect ratio (the output follows the source image; one asked -> unsupported).
"""

from __future__ import annotations

import base64
from typing import Any

from providers.aivideomaker.models import ASPECT_RATIOS, DEFAULT_ASPECT_RATIO, MODELS, AivideomakerModel
from providers.errors import BadParamsError, ImageUploadError, UnsupportedParamsError
from providers.types import CreditUnit, GenerationRequest, ImageInput, Offer, Quote

PROVIDER_NAME = "aivideomaker"


def model_for(model_id: str) -> AivideomakerModel:
    try:
        return MODELS[model_id]
    except KeyError:
        raise UnsupportedParamsError(f"unknown aivideomaker model {model_id!r}") from None


def build_quote(request: GenerationRequest, offer: Offer) -> Quote:
    """The exact body fields (besides prompt and image) and credits of ``request`` on ``offer``."""
    model = model_for(offer.ref.model_id)
    if model.task_type is not request.task_type:
        raise UnsupportedParamsError(f"{model.model_id} does not do {request.task_type}")
    _check_inputs(model, request)
    wanted = request.params
    if wanted.resolution is not None:
        raise UnsupportedParamsError("aivideomaker takes no resolution")
    duration = model.default_duration if wanted.duration is None else wanted.duration
    if duration not in model.durations:
        raise UnsupportedParamsError(f"{model.model_id} duration {duration}s not in {model.durations}")
    params: dict[str, Any] = {"duration": str(duration)}
    if model.takes_image:
        if wanted.aspect_ratio is not None:
            raise UnsupportedParamsError(f"{model.model_id} follows the image's aspect ratio")
    else:
        aspect_ratio = wanted.aspect_ratio or DEFAULT_ASPECT_RATIO
        if aspect_ratio not in ASPECT_RATIOS:
            raise UnsupportedParamsError(f"aspect ratio {aspect_ratio} not in {ASPECT_RATIOS}")
        params["aspectRatio"] = aspect_ratio
    return Quote(
        provider=PROVIDER_NAME,
        task_type=request.task_type,
        model_key=offer.model_key,
        model_name=offer.model_name,
        ref=offer.ref,
        params=params,
        credits=model.credits(duration),
        unit=CreditUnit.CREDITS,
    )


def request_body(quote: Quote, request: GenerationRequest) -> dict[str, Any]:
    """The JSON body of ``POST /api/v1/generate/{model}`` for a quote."""
    model = model_for(quote.ref.model_id)
    _check_inputs(model, request)
    body: dict[str, Any] = dict(quote.params)
    if model.takes_image:
        body["image"] = image_field(request.images[0])
        body["prompt"] = request.prompt or None
    else:
        body["prompt"] = request.prompt
    return body


def image_field(image: ImageInput) -> str:
    """A public https URL as is; bytes (or a ready data URL) as ``data:image/...;base64,...``."""
    if image.data is not None:
        if not image.data:
            raise ImageUploadError("empty image data")
        if not image.content_type.startswith("image/"):
            raise ImageUploadError(f"not an image content type: {image.content_type}")
        return f"data:{image.content_type};base64,{base64.b64encode(image.data).decode('ascii')}"
    if image.is_public_url or (image.url or "").startswith("data:image/"):
        return str(image.url)
    raise ImageUploadError("image is neither a public https URL nor bytes")


def _check_inputs(model: AivideomakerModel, request: GenerationRequest) -> None:
    wanted_images = 1 if model.takes_image else 0
    if len(request.images) != wanted_images:
        raise UnsupportedParamsError(f"{model.model_id} takes {wanted_images} image(s)")
    if not model.takes_image and not request.prompt.strip():
        raise BadParamsError(f"{model.model_id} needs a prompt")
