"""One dead provider among five: how long people wait for a pre-notification of a model others serve.

Four fakes answer (IMA, Media.io, AIVideoMaker, MythIQ) and AI Media Studio accepts connections and
never answers; it comes first in the provider order, as bad as it gets. One message comes as the bot
starts (it meets the dead provider's list deadline, which counts from the start); then users ask for
the default model (served by IMA) at RATE messages a second for SECONDS, and the inbound-to-notice
p50, p99 and worst case are printed. Prints figures; asserts nothing.
Run: ``.venv/bin/python bench/dead_provider.py [RATE SECONDS]`` (default 10 10).
"""

from __future__ import annotations

import asyncio
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.load import FREE, TimedChannel, send_messages
from bot import eventloop, interpreter
from handlers.inbound import ChatRef, InboundMessage
from providers.live_lists import LIST_DEADLINE_S
from tests.bot.test_chat_providers import providers
from tests.providers.test_live_lists import silent_server
from tests.support import running_app

ALIVE = ("ima", "mediaio", "aivideomaker", "mythiq")


async def main(rate: int, seconds: int) -> None:
    logging.disable(logging.CRITICAL)
    with tempfile.TemporaryDirectory() as folder:
        async with providers(*ALIVE) as (_, env), silent_server() as dead:
            settings = {**env, "AIMS_API_KEY": "aims_test_key", "AIMS_BASE_URL": dead}
            settings["VIDEOBOT_PROVIDER_ORDER"] = "aims," + ",".join(ALIVE)
            async with running_app(Path(folder), **FREE, **settings) as (app, _):
                channel = TimedChannel()
                app.outbox.register("load", channel)
                began = time.monotonic()
                await app.conversation.handle(first_message())
                while "first" not in channel.notices:
                    await asyncio.sleep(0.01)
                first_s = channel.notices["first"] - began
                await asyncio.sleep(max(0.0, began + LIST_DEADLINE_S - time.monotonic()))
                sent, _handling = await send_messages(app, rate, seconds)
                deadline = time.monotonic() + 30
                while len(channel.notices) <= len(sent) and time.monotonic() < deadline:
                    await asyncio.sleep(0.05)
    waits = sorted(
        (channel.notices[user] - at) * 1000 for user, at in sent.items() if user in channel.notices
    )
    p50, p99 = statistics.quantiles(waits, n=100)[49], statistics.quantiles(waits, n=100)[98]
    print(f"one dead provider of five (AI Media Studio first in the order), {rate} msg/s for {seconds} s:")
    print(f"  a message at start: notice after {first_s:.1f} s (the dead one's list deadline)")
    print(
        f"  then: pre-notifications {len(waits)}/{len(sent)}; inbound -> notice p50 {p50:.0f} ms, "
        f"p99 {p99:.0f} ms, worst {waits[-1]:.0f} ms"
    )


def first_message() -> InboundMessage:
    chat = ChatRef(platform="load", chat_id="first", user_id="first", lang="en")
    return InboundMessage(chat=chat, message_id="first", text="make a video of a kite")


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    rate, seconds = (args + [10, 10][len(args) :])[:2]
    interpreter.tune()  # as the videobot command does
    eventloop.run(main(rate, seconds))
