"""Pasted image links: https only, and never into a private network, before any provider sees them."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import httpx
import pytest

from handlers.image_links import LinkProblem, first_problem, link_problem, stray_link
from messages.reply import ReplyKind
from providers.links import redirect_probe
from providers.types import ImageInput
from tests.support import Chat, running_app

P = LinkProblem


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://93.184.216.34/cat.png", None),
        ("https://[2606:2800:220:1:248:1893:25c8:1946]/cat.png", None),
        ("http://93.184.216.34/cat.png", P.NOT_HTTPS),
        ("ftp://93.184.216.34/cat.png", P.NOT_HTTPS),
        ("file:///etc/passwd", P.NOT_HTTPS),
        ("https:///cat.png", P.NOT_HTTPS),
        ("https://127.0.0.1/cat.png", P.PRIVATE),
        ("https://localhost:8443/cat.png", P.PRIVATE),  # a name that resolves to loopback
        ("https://[::1]/cat.png", P.PRIVATE),
        ("https://[::ffff:127.0.0.1]/cat.png", P.PRIVATE),  # IPv4 inside IPv6
        ("https://169.254.169.254/latest/meta-data/cat.png", P.PRIVATE),  # the cloud metadata service
        ("https://10.0.0.7/cat.png", P.PRIVATE),
        ("https://192.168.1.20/cat.png", P.PRIVATE),
        ("https://100.64.0.1/cat.png", P.PRIVATE),  # shared address space
        ("https://224.0.0.1/cat.png", P.PRIVATE),  # multicast
        ("https://[fe80::1]/cat.png", P.PRIVATE),  # link-local
        ("https://0.0.0.0/cat.png", P.PRIVATE),
        ("https://no-such-host.invalid/cat.png", P.UNREACHABLE),
    ],
)
async def test_only_public_https_links_pass(url: str, problem: LinkProblem | None) -> None:
    assert await link_problem(url) is problem


async def test_a_name_with_one_private_address_among_public_ones_is_refused() -> None:
    async def split(host: str) -> list[str]:
        return ["93.184.216.34", "10.0.0.5"]

    assert await link_problem("https://cdn.example/cat.png", split) is P.PRIVATE


@pytest.mark.parametrize(
    ("words", "problem"),
    [
        ("http://example.com/cat.jpg animate this", P.NOT_HTTPS),
        ("a sunset like http://example.com/sunset", P.NOT_HTTPS),
        ("/home/me/cat.png animate this", P.LOCAL_PATH),
        ("./shots/cat.jpeg make it move", P.LOCAL_PATH),
        (r"C:\\Users\\me\\cat.png animate", P.LOCAL_PATH),
        ("a cat logo.png spinning", None),  # a word with a suffix is no path
        ("split screen 16/9, a/b comparison", None),
        ("https://93.184.216.34/cat.png", None),  # taken as a picture already
    ],
)
def test_links_and_paths_left_in_the_words_are_caught(words: str, problem: LinkProblem | None) -> None:
    assert stray_link(words) is problem


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("https://localhost/cat.png animate this", "private network address"),
        ("https://169.254.169.254/latest/meta-data/cat.png make it move", "private network address"),
        ("https://no-such-host.invalid/cat.png animate this", "couldn't open that picture link"),
        ("http://example.com/cat.jpg animate this", "start with https://"),
        ("/home/me/cat.png animate this", "from a file path"),
        ("帮我把 /home/me/cat.png 做成视频", "文件路径里的图片"),
    ],
)
async def test_a_refused_link_or_path_is_explained_and_nothing_starts(
    tmp_path: Path, words: str, expected: str
) -> None:
    async with running_app(tmp_path) as (app, channel):
        user = Chat(app, "bo")
        await user.say(words)
        jobs = await app.jobs.recent()
    assert not jobs and channel.kinds("bo") == [ReplyKind.TEXT] and expected in channel.texts("bo")


# -- redirects: every hop is held to the same rule ---------------------------------------------------

ADDRESSES = {
    "img.example": ["93.184.216.34"],
    "cdn.example": ["93.184.216.35"],
    "inside.example": ["127.0.0.1"],
}
HOPS = {
    "https://img.example/metadata.png": "https://169.254.169.254/latest/meta-data/",
    "https://img.example/inside.png": "https://inside.example/cat.png",
    "https://img.example/plain.png": "http://93.184.216.35/cat.png",
    "https://img.example/cdn.png": "/to-cdn",  # a relative Location, then a public host
    "https://img.example/to-cdn": "https://cdn.example/cat.png",
    "https://img.example/loop.png": "https://img.example/loop.png",
}


async def resolve_example(host: str) -> list[str]:
    """Names as ``ADDRESSES`` says; an address stands for itself, as with the system's resolver."""
    if host in ADDRESSES:
        return ADDRESSES[host]
    try:
        return [str(ipaddress.ip_address(host))]
    except ValueError:
        raise OSError("unknown host") from None


def web(request: httpx.Request) -> httpx.Response:
    """The web as httpx's own transport serves it here: a redirect for each hop in ``HOPS``."""
    assert request.method == "HEAD"  # never a body
    target = HOPS.get(str(request.url))
    return httpx.Response(302, headers={"Location": target}) if target else httpx.Response(200)


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://img.example/cat.png", None),  # no redirect
        ("https://img.example/cdn.png", None),  # to another public host
        ("https://img.example/metadata.png", P.PRIVATE),
        ("https://img.example/inside.png", P.PRIVATE),  # a name that resolves to 127.0.0.1
        ("https://img.example/plain.png", P.NOT_HTTPS),
        ("https://img.example/loop.png", P.UNREACHABLE),
    ],
)
async def test_each_redirect_hop_is_checked(url: str, problem: LinkProblem | None) -> None:
    probe = redirect_probe(httpx.MockTransport(web))
    assert await first_problem((ImageInput(url=url),), resolve_example, probe) is problem


async def test_a_link_that_redirects_inward_is_refused_before_any_provider(tmp_path: Path) -> None:
    async with running_app(tmp_path, transport=httpx.MockTransport(web), resolve=resolve_example) as (
        app,
        channel,
    ):
        user = Chat(app, "cy", lang="en")
        await user.say("https://img.example/metadata.png animate this")
        jobs = await app.jobs.recent()
    assert not jobs and "private network address" in channel.texts("cy")
