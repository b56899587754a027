"""Media.io OpenAPI video provider."""

from providers.mediaio.client import MediaioClient
from providers.mediaio.models import CREDITS_UNKNOWN, MODELS_BY_CODE, VIDEO_MODELS, MediaioVideoModel

__all__ = ["CREDITS_UNKNOWN", "MODELS_BY_CODE", "VIDEO_MODELS", "MediaioClient", "MediaioVideoModel"]
