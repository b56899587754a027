"""Image links people paste: a paid provider fetches them, so they must lead somewhere public.

A link is taken only when it is ``https://`` and its host resolves, every address of it (IPv4 and
IPv6, an IPv4 address mapped into IPv6 included) being a global unicast one: never loopback, private,
link-local (``169.254.169.254``, the cloud metadata service), shared, multicast or reserved. Otherwise
the user hears why and nothing is started. The provider follows redirects, so each hop is asked for
(``HEAD``, at most :data:`MAX_REDIRECTS`) and held to the same rule: a public link that redirects
inward, to plain http or on and on is refused too.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import Awaitable, Callable
from enum import StrEnum
from urllib.parse import urlsplit

from providers.links import Probe
from providers.types import ImageInput

Resolver = Callable[[str], Awaitable[list[str]]]
RESOLVE_TIMEOUT_S = 5.0
MAX_REDIRECTS = 5


class LinkProblem(StrEnum):
    NOT_HTTPS = "not_https"  # http://, ftp://, a local path written as a link
    PRIVATE = "private"  # resolves inside a network, or to a special address
    UNREACHABLE = "unreachable"  # the name does not resolve
    LOCAL_PATH = "local_path"  # a file path in the words: not a picture we hold


# Left in the words after https:// links were taken as images: a plain-http link, or a picture's path
# (the terminal turns paths of files that exist into pictures before; what is left cannot be opened).
_HTTP_LINK = re.compile(r"(?<![\w/])http://\S+", re.IGNORECASE)
_IMAGE_PATH = re.compile(
    r"(?:^|(?<=\s))(?:~?/|\.{1,2}/|[A-Za-z]:\\)\S*\.(?:png|jpe?g|webp|gif|bmp|heic)(?!\w)", re.IGNORECASE
)


async def system_resolver(host: str) -> list[str]:
    """Every address ``host`` resolves to (the operating system's resolver, off the event loop)."""
    found = await asyncio.get_running_loop().getaddrinfo(host, 443, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in found]


async def link_problem(url: str, resolve: Resolver = system_resolver) -> LinkProblem | None:
    """What is wrong with an image link, or ``None`` when a provider may be given it."""
    parts = urlsplit(url)
    host = parts.hostname
    if parts.scheme != "https" or not host:
        return LinkProblem.NOT_HTTPS
    try:
        addresses = await asyncio.wait_for(resolve(host), RESOLVE_TIMEOUT_S)
    except (OSError, TimeoutError, UnicodeError):
        return LinkProblem.UNREACHABLE
    if not addresses:
        return LinkProblem.UNREACHABLE
    return None if all(_is_public(address) for address in addresses) else LinkProblem.PRIVATE


def stray_link(words: str) -> LinkProblem | None:
    """A link or path in the words that would otherwise silently become part of the prompt."""
    if _HTTP_LINK.search(words):
        return LinkProblem.NOT_HTTPS
    if _IMAGE_PATH.search(words):
        return LinkProblem.LOCAL_PATH
    return None


async def first_problem(
    images: tuple[ImageInput, ...], resolve: Resolver, probe: Probe | None = None
) -> LinkProblem | None:
    """The problem of the first image link that has one (images we hold as bytes have none); with a
    ``probe``, every hop of its redirects is checked too."""
    for image in images:
        if image.data is None and image.url:
            problem = await _chain_problem(image.url, resolve, probe)
            if problem is not None:
                return problem
    return None


async def _chain_problem(url: str, resolve: Resolver, probe: Probe | None) -> LinkProblem | None:
    for _ in range(MAX_REDIRECTS + 1):
        problem = await link_problem(url, resolve)
        if problem is not None or probe is None:
            return problem
        following = await probe(url)
        if following is None:
            return None
        url = following
    return LinkProblem.UNREACHABLE  # redirects on and on: no provider would get a picture either


def _is_public(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone index
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast
