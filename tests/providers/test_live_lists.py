"""Model lists with a deadline: one provider that accepts connections and never answers delays no one."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from aiohttp import web

from handlers.jobs import JobState
from providers.errors import UnavailableError
from providers.live_lists import LiveLists
from providers.sandbox import SandboxProvider
from providers.types import LiveModel, TaskType
from tests.bot.test_chat_providers import providers
from tests.fakes.server import serve
from tests.support import Chat, running_app

T2V = TaskType.TEXT_TO_VIDEO


class GatedSandbox(SandboxProvider):
    """The sandbox, whose model list answers only once ``gate`` opens (a provider that hangs)."""

    def __init__(self, output_dir: Path) -> None:
        super().__init__(output_dir=output_dir)
        self.gate = asyncio.Event()
        self.asked = 0

    async def list_models(self, task_type: TaskType) -> list[LiveModel]:
        self.asked += 1
        await self.gate.wait()
        return await super().list_models(task_type)


async def test_a_list_past_its_deadline_is_unavailable_then_arrives_in_the_background(tmp_path: Path) -> None:
    lists, provider = LiveLists(deadline_s=0.05, retry_after_s=60), GatedSandbox(tmp_path)
    assert isinstance(await lists.get(provider, T2V), UnavailableError)
    assert isinstance(await lists.get(provider, T2V), UnavailableError)  # not waited for again
    assert provider.asked == 1  # one request in flight, never cancelled, never doubled
    provider.gate.set()
    await asyncio.sleep(0.01)
    answer = await lists.get(provider, T2V)
    assert isinstance(answer, list) and answer
    await lists.aclose()


async def test_a_provider_that_stops_answering_stands_in_with_its_last_list(tmp_path: Path) -> None:
    lists, provider = LiveLists(deadline_s=0.05, retry_after_s=60), GatedSandbox(tmp_path)
    provider.gate.set()
    first = await lists.get(provider, T2V)
    provider.gate.clear()  # it hangs from now on
    assert await lists.get(provider, T2V) == first
    assert await lists.get(provider, T2V) == first
    await lists.aclose()


@asynccontextmanager
async def silent_server() -> AsyncIterator[str]:
    """Accepts connections and never answers, until the test is over (then its server stops at once)."""
    released = asyncio.Event()

    async def never(request: web.Request) -> web.Response:
        await released.wait()
        return web.Response(status=503)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", never)
    async with serve(app) as url:
        try:
            yield url
        finally:
            released.set()


async def test_a_silent_provider_among_others_holds_up_no_video(tmp_path: Path) -> None:
    async with providers("ima") as (fakes, env), silent_server() as url:
        settings = {**env, "AIMS_API_KEY": "aims_test_key", "AIMS_BASE_URL": url}
        settings["VIDEOBOT_PROVIDER_ORDER"] = "aims,ima"  # the silent one first, as bad as it gets
        async with running_app(tmp_path, **settings) as (app, _channel):
            user = Chat(app, "ann", lang="en")
            async with asyncio.timeout(15):  # far below the 30 s the silent provider's client waits
                await user.say("make a video of a paper boat on a pond")
                await user.settle(15)
            (job,) = await app.jobs.recent(user_key="cli:ann")
    assert job.state is JobState.DELIVERED and job.provider == "ima" and len(fakes["ima"].tasks) == 1


async def test_a_fresh_list_is_served_without_asking_again(tmp_path: Path) -> None:
    lists, provider = LiveLists(fresh_s=0.05), GatedSandbox(tmp_path)
    provider.gate.set()
    first = await lists.get(provider, T2V)
    assert await lists.get(provider, T2V) is first and provider.asked == 1
    await asyncio.sleep(0.06)
    await lists.get(provider, T2V)
    assert provider.asked == 2  # asked again once the list is no longer fresh
    await lists.aclose()
