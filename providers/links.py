"""Where a public link leads: one hop of its redirects, asked with ``HEAD`` and no body fetched.

Image links people paste are handed to a paid provider, which follows redirects; the bot checks each
hop's address first (:mod:`handlers.image_links`). This module only asks the web.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import urljoin

import httpx

Probe = Callable[[str], Awaitable[str | None]]
PROBE_TIMEOUT_S = 5.0


def redirect_probe(transport: httpx.AsyncBaseTransport | None = None) -> Probe:
    """A probe answering the absolute ``Location`` a link redirects to, or ``None`` when it does not
    redirect or cannot be reached now (the provider then judges it as it would anyway)."""

    async def probe(url: str) -> str | None:
        async with httpx.AsyncClient(
            transport=transport, follow_redirects=False, timeout=PROBE_TIMEOUT_S
        ) as client:
            try:
                response = await client.head(url)
            except httpx.HTTPError:
                return None
        location = response.headers.get("location")
        return urljoin(url, location) if response.is_redirect and location else None

    return probe
