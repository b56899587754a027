"""The event loop every command runs on: uvloop (libuv), unless ``VIDEOBOT_EVENT_LOOP=asyncio``.

Under load uvloop takes about a tenth less CPU per message than asyncio's own loop, and the slowest
pre-notifications come two to three times sooner (``bench/load.py``). Every SDK here (discord.py,
aiohttp, psycopg, apscheduler) runs on either; asyncio's loop stays one setting away.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any, Literal, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")
EventLoopKind = Literal["uvloop", "asyncio"]


def loop_factory(kind: EventLoopKind) -> Callable[[], asyncio.AbstractEventLoop] | None:
    """How to make a loop of ``kind`` (None: asyncio's default)."""
    if kind == "asyncio":
        return None
    import uvloop

    return uvloop.new_event_loop


def run(main: Coroutine[Any, Any, T], kind: EventLoopKind = "uvloop") -> T:
    """``asyncio.run(main)`` on a loop of ``kind``."""
    log.debug("event loop: %s", kind)
    with asyncio.Runner(loop_factory=loop_factory(kind)) as runner:
        return runner.run(main)
