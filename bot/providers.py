"""The configured provider clients, in priority order; the offline sandbox when no key is set."""

from __future__ import annotations

import httpx

from bot.settings import Settings
from providers.aims import AimsClient
from providers.aivideomaker import AivideomakerClient
from providers.base import VideoProvider
from providers.ima import ImaClient
from providers.ima.upload import ImaImageHost
from providers.imagehost import ImageHost
from providers.mediaio import MediaioClient
from providers.mythiq import MythiqClient
from providers.sandbox import SandboxProvider

# The synchronous APIs hold one request open for the whole generation (providers.md §4, §5).
SYNC_REQUEST_TIMEOUT_S = 600.0


def build_providers(
    settings: Settings, transport: httpx.AsyncBaseTransport | None = None
) -> list[VideoProvider]:
    providers = [_client(name, settings, transport) for name in settings.providers_in_order]
    return providers or [SandboxProvider(output_dir=settings.videos_dir, time_scale=settings.time_scale)]


def _client(name: str, settings: Settings, transport: httpx.AsyncBaseTransport | None) -> VideoProvider:
    key = settings.api_key(name)
    assert key is not None
    base_url = settings.base_url(name)
    sync_timeout_s = max(5.0, SYNC_REQUEST_TIMEOUT_S * settings.time_scale)
    bound = settings.provider_max_in_flight
    match name:
        case "ima":
            return ImaClient(
                api_key=key,
                base_url=base_url,
                upload_base_url=settings.ima_upload_base_url,
                language=settings.lang,
                transport=transport,
                max_in_flight=bound,
            )
        case "mediaio":
            return MediaioClient(
                api_key=key,
                base_url=base_url,
                transport=transport,
                max_in_flight=bound,
                image_host=_image_host(settings, transport),
            )
        case "aivideomaker":
            return AivideomakerClient(
                api_key=key,
                base_url=base_url,
                transport=transport,
                max_in_flight=bound,
                time_scale=settings.time_scale,
            )
        case "aims":
            return AimsClient(
                key,
                base_url=base_url,
                transport=transport,
                max_in_flight=bound,
                request_timeout_s=sync_timeout_s,
            )
        case "mythiq":
            return MythiqClient(
                key,
                base_url=base_url,
                transport=transport,
                max_in_flight=bound,
                request_timeout_s=sync_timeout_s,
            )
    raise ValueError(f"unknown provider {name}")


def _image_host(settings: Settings, transport: httpx.AsyncBaseTransport | None) -> ImageHost | None:
    """Where photos held as bytes go to become public URLs for URL-only providers (VIDEOBOT_IMAGE_HOST)."""
    key = settings.api_key("ima")
    if settings.image_host != "ima" or key is None:
        return None
    return ImaImageHost(
        api_key=key,
        upload_base_url=settings.ima_upload_base_url,
        transport=transport,
        max_in_flight=settings.provider_max_in_flight,
    )
