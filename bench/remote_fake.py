"""A fake provider in its own process, so a bench measures the bot's CPU and event loop, not the fake's.

``remote_fake("ima", timings)`` starts ``tests.fakes``' IMA on 127.0.0.1 in a child process and yields
the settings that point the app at it (as :func:`tests.bot.test_chat_providers.providers` does).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import multiprocessing.connection
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tests.fakes.ima_tasks import Timings


def _serve(name: str, timings: Timings | None, pipe: multiprocessing.connection.Connection) -> None:
    from tests.bot.test_chat_providers import providers

    async def main() -> None:
        async with providers(name) as (fakes, env):
            if timings is not None:
                fakes[name].timings = timings
            if hasattr(fakes[name], "balance"):
                fakes[name].balance = 10**12  # the load is measured, not an account running dry
            pipe.send(env)
            await asyncio.get_running_loop().run_in_executor(None, pipe.recv)  # until told to stop

    asyncio.run(main())


@contextmanager
def remote_fake(name: str, timings: Timings | None = None) -> Iterator[dict[str, Any]]:
    """Serve the fake ``name`` from a child process; yield the app's settings for it."""
    ours, theirs = multiprocessing.get_context("spawn").Pipe()
    child = multiprocessing.get_context("spawn").Process(target=_serve, args=(name, timings, theirs))
    child.start()
    try:
        env: dict[str, Any] = ours.recv()
        yield env
    finally:
        ours.send("stop")
        child.join(10)
        if child.is_alive():
            child.kill()
