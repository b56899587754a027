"""A neutral request -> the ``data`` fields one Media.io model accepts (documented strings only)."""

from __future__ import annotations

from providers.errors import BadParamsError, ImageUploadError, UnsupportedParamsError
from providers.mediaio.models import MediaioVideoModel
from providers.types import GenerationRequest, VideoParams


def enum_fields(model: MediaioVideoModel, params: VideoParams) -> dict[str, str]:
    """Every enum field of ``model``: the asked value where given, else Media.io's default.

    Raises :class:`UnsupportedParamsError` for a value (or a field) the model does not offer.
    """
    fields = {choice.field: choice.default for choice in model.choices}
    asked: dict[str, str] = {}
    if params.duration is not None:
        asked["duration"] = f"{params.duration}s"
    if params.resolution is not None:
        asked["resolution"] = params.resolution.upper()
    if params.aspect_ratio is not None:
        asked[model.aspect_field or "aspect_ratio"] = params.aspect_ratio
    for field, value in asked.items():
        choice = model.choice(field)
        if choice is None:
            raise UnsupportedParamsError(f"{model.code} has no {field} (asked {value})")
        if value not in choice.allowed:
            raise UnsupportedParamsError(f"{model.code} {field} {value} not in {', '.join(choice.allowed)}")
        fields[field] = value
    for pairing in model.pairings:
        if fields.get(pairing.field) == pairing.value and fields.get(pairing.other) != pairing.other_value:
            raise UnsupportedParamsError(
                f"{model.code} {pairing.field} {pairing.value} needs {pairing.other} {pairing.other_value}"
            )
    return fields


def content_fields(
    model: MediaioVideoModel, request: GenerationRequest, *, hosted: bool = False
) -> dict[str, str]:
    """``prompt`` and, for image-to-video, ``image`` (a public https URL: Media.io takes no uploads).

    ``hosted``: image bytes are fine, an image host will turn them into URLs before the create.
    """
    prompt = request.prompt.strip()
    if not prompt:
        raise BadParamsError(f"{model.code} needs a prompt")
    if len(prompt) > model.prompt_max:
        raise BadParamsError(f"{model.code} prompt has {len(prompt)} chars, max {model.prompt_max}")
    fields = {"prompt": prompt}
    if not model.needs_image:
        if request.images:
            raise UnsupportedParamsError(f"{model.code} takes no image")
        return fields
    if len(request.images) != 1:
        raise BadParamsError(f"{model.code} needs exactly one image, got {len(request.images)}")
    image = request.images[0]
    if image.is_public_url and image.url is not None:
        fields["image"] = image.url
    elif not hosted:
        raise ImageUploadError(f"{model.code} needs a public URL (https); Media.io cannot take image bytes")
    return fields
