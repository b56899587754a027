"""Pasted image links: https only, and never into a private network, before any provider sees them."""

from __future__ import annotations

from pathlib import Path

import pytest

from handlers.image_links import LinkProblem, link_problem
from messages.reply import ReplyKind
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
    ("words", "expected"),
    [
        ("https://localhost/cat.png animate this", "private network address"),
        ("https://169.254.169.254/latest/meta-data/cat.png make it move", "private network address"),
        ("https://no-such-host.invalid/cat.png animate this", "couldn't open that picture link"),
    ],
)
async def test_a_refused_link_is_explained_and_nothing_starts(
    tmp_path: Path, words: str, expected: str
) -> None:
    async with running_app(tmp_path) as (app, channel):
        user = Chat(app, "ann", lang="en")
        await user.say(words)
        jobs = await app.jobs.recent()
    assert not jobs and channel.kinds("ann") == [ReplyKind.TEXT] and expected in channel.texts("ann")
