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
- the body is handed to httpx undecoded (httpx decodes ``Content-Encoding`` itself): read at once
  when it declares a small length (a provider's JSON answer: the connection goes back to the pool
  before the caller parses it), streamed otherwise (a video);
- ``HTTP_PROXY`` / ``HTTPS_PROXY`` / ``NO_PROXY`` are honoured as httpx does, read once (aiohttp's own
  ``trust_env`` would read them and ``~/.netrc`` on a worker thread for every request).
"""

from __future__ import annotations

import urllib.request
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Any

import aiohttp
import httpx

CHUNK_BYTES = 64 * 1024
READ_AT_ONCE_BYTES = 256 * 1024  # bodies declaring at most this are read before the response returns


class AiohttpTransport(httpx.AsyncBaseTransport):
    """At most ``max_connections`` connections (per transport); keep-alive as httpx's default."""

    def __init__(self, *, max_connections: int = 100, keepalive_s: float = 5.0) -> None:
        self._max_connections = max_connections
        self._keepalive_s = keepalive_s
        self._session: aiohttp.ClientSession | None = None
        self._proxies = Proxies()

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(
                limit=self._max_connections, keepalive_timeout=self._keepalive_s, enable_cleanup_closed=True
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                auto_decompress=False,
                trust_env=False,  # proxies come from Proxies below
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
                proxy=self._proxies.for_url(request.url),
                skip_auto_headers=("User-Agent", "Accept-Encoding", "Content-Type"),
            )
        except aiohttp.ClientError as exc:  # aiohttp's timeouts are among them, and say which
            raise _httpx_error(exc, request) from exc
        except TimeoutError as exc:  # no other timeout is set: treat it as the read's
            raise httpx.ReadTimeout(str(exc) or "timed out", request=request) from exc
        length = answer.content_length
        small = length is not None and length <= READ_AT_ONCE_BYTES
        body_stream = httpx.ByteStream(await _read_all(answer, request)) if small else _Body(answer, request)
        return httpx.Response(
            answer.status,
            headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in answer.raw_headers],
            stream=body_stream,
            extensions={"http_version": b"HTTP/1.1", "reason_phrase": (answer.reason or "").encode()},
            request=request,
        )

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


class Proxies:
    """The environment's proxies, read once; which one (if any) a URL goes through."""

    def __init__(self, environ: dict[str, str] | None = None) -> None:
        found = urllib.request.getproxies_environment() if environ is None else _lowered(environ)
        self._by_scheme = {scheme: url for scheme, url in found.items() if scheme in ("http", "https", "all")}
        self._no_proxy = found.get("no", "")
        self._bypass: dict[str, bool] = {}

    def for_url(self, url: httpx.URL) -> str | None:
        proxy = self._by_scheme.get(url.scheme) or self._by_scheme.get("all")
        if proxy is None:
            return None
        host = url.host
        if host not in self._bypass:
            self._bypass[host] = _bypassed(host, self._no_proxy)
        return None if self._bypass[host] else proxy


def _lowered(environ: dict[str, str]) -> dict[str, str]:
    return {
        name.lower().removesuffix("_proxy"): value
        for name, value in environ.items()
        if name.lower().endswith("_proxy") and value
    }


def _bypassed(host: str, no_proxy: str) -> bool:
    """``NO_PROXY`` as curl and httpx read it: ``*``, or hosts and domain suffixes, comma-separated."""
    for entry in (item.strip().lower().lstrip(".") for item in no_proxy.split(",")):
        if entry == "*" or (entry and (host == entry or host.endswith("." + entry))):
            return True
    return False


class _Body(httpx.AsyncByteStream):
    """The response body as aiohttp reads it; a read that stalls is httpx's ``ReadTimeout``."""

    def __init__(self, answer: aiohttp.ClientResponse, request: httpx.Request) -> None:
        self._answer = answer
        self._request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _body_errors(self._request):
            async for chunk in self._answer.content.iter_chunked(CHUNK_BYTES):
                yield chunk

    async def aclose(self) -> None:
        self._answer.release()


async def _read_all(answer: aiohttp.ClientResponse, request: httpx.Request) -> bytes:
    """The whole body, as when streamed; the connection goes back to the pool either way."""
    try:
        with _body_errors(request):
            return await answer.read()
    finally:
        answer.release()


@contextmanager
def _body_errors(request: httpx.Request) -> Iterator[None]:
    """A body read that stalls is httpx's ``ReadTimeout``; one that breaks, httpx's own error."""
    try:
        yield
    except aiohttp.ClientError as exc:
        raise _httpx_error(exc, request) from exc
    except TimeoutError as exc:
        raise httpx.ReadTimeout(str(exc) or "read timed out", request=request) from exc


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
