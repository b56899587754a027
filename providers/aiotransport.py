"""An ``httpx`` transport that sends through aiohttp's client.

Our clients keep httpx's interface (requests, responses, one exception tree, transport injection in
tests), but a request through httpcore costs about 2.5 ms of CPU on the benchmark machine against
0.9 ms through aiohttp (already here with discord.py): at hundreds of creates and polls a second that
is most of the event loop. This transport maps each side faithfully:

- httpx's timeouts (``connect``, ``read``, ``write``, ``pool``) become aiohttp's ``connect`` and
  ``sock_read`` (``pool`` and ``connect`` together bound the wait for a connection);
- aiohttp's errors become httpx's: a refused or unreachable host ``ConnectError``, a connect that
  took too long ``ConnectTimeout``, a read ``ReadTimeout``, a dropped connection
  ``RemoteProtocolError``, a broken body ``ReadError``, anything else ``NetworkError``;
- the body is handed to httpx undecoded (httpx decodes ``Content-Encoding`` itself) and streamed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import httpx

CHUNK_BYTES = 64 * 1024


class AiohttpTransport(httpx.AsyncBaseTransport):
    """At most ``max_connections`` connections (per transport); keep-alive as httpx's default."""

    def __init__(self, *, max_connections: int = 100, keepalive_s: float = 5.0) -> None:
        self._max_connections = max_connections
        self._keepalive_s = keepalive_s
        self._session: aiohttp.ClientSession | None = None

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(
                limit=self._max_connections, keepalive_timeout=self._keepalive_s, enable_cleanup_closed=True
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                auto_decompress=False,
                trust_env=True,
                cookie_jar=aiohttp.DummyCookieJar(),
            )
        return self._session

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        timeout = _timeout(request.extensions.get("timeout", {}))
        body = await request.aread()
        headers = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in request.headers.raw]
        try:
            answer = await self._open().request(
                request.method,
                str(request.url),
                headers=headers,
                data=body or None,
                timeout=timeout,
                allow_redirects=False,
                skip_auto_headers=("User-Agent", "Accept-Encoding", "Content-Type"),
            )
        except aiohttp.ClientError as exc:  # aiohttp's timeouts are among them, and say which
            raise _httpx_error(exc, request) from exc
        except TimeoutError as exc:  # no other timeout is set: treat it as the read's
            raise httpx.ReadTimeout(str(exc) or "timed out", request=request) from exc
        return httpx.Response(
            answer.status,
            headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in answer.raw_headers],
            stream=_Body(answer, request),
            extensions={"http_version": b"HTTP/1.1", "reason_phrase": (answer.reason or "").encode()},
            request=request,
        )

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


class _Body(httpx.AsyncByteStream):
    """The response body as aiohttp reads it; a read that stalls is httpx's ``ReadTimeout``."""

    def __init__(self, answer: aiohttp.ClientResponse, request: httpx.Request) -> None:
        self._answer = answer
        self._request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._answer.content.iter_chunked(CHUNK_BYTES):
                yield chunk
        except aiohttp.ClientError as exc:
            raise _httpx_error(exc, self._request) from exc
        except TimeoutError as exc:
            raise httpx.ReadTimeout(str(exc) or "read timed out", request=self._request) from exc

    async def aclose(self) -> None:
        self._answer.release()


def _timeout(given: dict[str, Any]) -> aiohttp.ClientTimeout:
    connect, pool = given.get("connect"), given.get("pool")
    waits = [value for value in (connect, pool) if value is not None]
    return aiohttp.ClientTimeout(
        total=None,
        connect=sum(waits) if waits else None,
        sock_connect=connect,
        sock_read=given.get("read"),
    )


def _httpx_error(exc: aiohttp.ClientError, request: httpx.Request) -> httpx.TransportError:
    message = str(exc) or type(exc).__name__
    if isinstance(exc, aiohttp.ServerTimeoutError):
        kind: type[httpx.TransportError] = (
            httpx.ConnectTimeout if isinstance(exc, aiohttp.ConnectionTimeoutError) else httpx.ReadTimeout
        )
    elif isinstance(exc, aiohttp.ClientConnectorError):
        kind = httpx.ConnectError
    elif isinstance(exc, aiohttp.ServerDisconnectedError):
        kind = httpx.RemoteProtocolError
    elif isinstance(exc, aiohttp.ClientPayloadError):
        kind = httpx.ReadError
    else:
        kind = httpx.NetworkError
    return kind(message, request=request)
