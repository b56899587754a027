"""Every command runs on uvloop unless VIDEOBOT_EVENT_LOOP=asyncio."""

from __future__ import annotations

import asyncio

import uvloop

from bot import eventloop


async def running_loop() -> type[asyncio.AbstractEventLoop]:
    await asyncio.sleep(0)
    return type(asyncio.get_running_loop())


def test_uvloop_by_default() -> None:
    assert issubclass(eventloop.run(running_loop()), uvloop.Loop)


def test_asyncio_own_loop_when_asked() -> None:
    kind = eventloop.run(running_loop(), "asyncio")
    assert not issubclass(kind, uvloop.Loop) and issubclass(kind, asyncio.BaseEventLoop)


async def test_the_suite_runs_on_the_product_loop() -> None:
    assert isinstance(asyncio.get_running_loop(), uvloop.Loop)
