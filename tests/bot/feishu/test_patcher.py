"""Card updates within Feishu's limits, with the real SDK against the fake: paced, merged, never lost."""

from __future__ import annotations

import itertools
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx

from bot.feishu.api import FeishuApi
from bot.feishu.cards import working_card
from bot.feishu.patcher import CardPatcher
from bot.feishu.tokens import TenantTokens
from tests.bot.feishu.harness import FAST, running_feishu
from tests.fakes.feishu import FakeFeishu
from tests.fakes.feishu.content import card_text
from tests.fakes.server import serve


@asynccontextmanager
async def patcher() -> AsyncIterator[tuple[FakeFeishu, FeishuApi, CardPatcher, str]]:
    """A status card sent to the fake, and a patcher for it."""
    fake = FakeFeishu()
    async with serve(fake.app()) as url, httpx.AsyncClient() as http:
        tokens = TenantTokens(http, url, fake.app_id, fake.app_secret)
        api = FeishuApi(http, tokens, domain=url, app_id=fake.app_id, tuning=FAST)
        asked = fake.text("a video")["event"]["message"]["message_id"]
        card_id = await api.reply(asked, "interactive", working_card("en", "step 0"), "job_x:notice")
        cards = CardPatcher(api, FAST)
        try:
            yield fake, api, cards, card_id
        finally:
            await cards.aclose()


async def test_many_updates_are_paced_and_the_last_one_wins() -> None:
    async with patcher() as (fake, _, cards, card_id):
        for step in range(1, 21):
            cards.update(card_id, working_card("en", f"step {step}"))
        assert await cards.finish(card_id, working_card("en", "the end"))
        message = fake.state.messages[card_id]
        assert "the end" in card_text(message.body) and len(message.patches) < 5
        assert all(call.code == 0 for call in fake.state.calls_to("patch"))  # never hit the 5/s limit
        times = [call.at for call in fake.state.calls_to("patch")]
        assert all(b - a >= FAST.patch_interval_s * 0.9 for a, b in itertools.pairwise(times))


async def test_a_rate_limit_waits_for_the_reset_and_loses_nothing() -> None:
    async with patcher() as (fake, _, cards, card_id):
        fake.api.fail("patch", status=429, code=99991400, x_ogw_ratelimit_reset="1")
        cards.update(card_id, working_card("en", "step 1"))
        cards.update(card_id, working_card("en", "step 2"))
        assert await cards.finish(card_id, working_card("en", "done"))
        limited, *accepted = fake.state.calls_to("patch")
        assert limited.status == 429 and accepted and accepted[0].at - limited.at >= 0.95
        assert card_text(fake.state.messages[card_id].body).endswith("done")


async def test_a_frequency_limit_without_reset_backs_off_then_succeeds() -> None:
    async with patcher() as (fake, _, cards, card_id):
        fake.api.fail("patch", status=400, code=230020, times=2)
        started = time.monotonic()
        assert await cards.finish(card_id, working_card("en", "done"))
        assert [c.code for c in fake.state.calls_to("patch")] == [230020, 230020, 0]
        assert time.monotonic() - started >= FAST.default_backoff_s


async def test_recalled_or_expired_cards_are_never_patched_again() -> None:
    async with patcher() as (fake, _, cards, card_id):
        fake.api.fail("patch", status=400, code=230031)
        assert not await cards.finish(card_id, working_card("en", "late"))
        assert cards.dead(card_id) and not cards.update(card_id, working_card("en", "later"))
        assert len(fake.state.calls_to("patch")) == 1


async def test_other_errors_are_retried_a_few_times_then_given_up() -> None:
    async with patcher() as (fake, _, cards, card_id):
        fake.api.fail("patch", status=500, code=1, times=10)
        assert not await cards.finish(card_id, working_card("en", "never shown"))
        assert len(fake.state.calls_to("patch")) == 3


async def test_an_expired_token_is_fetched_again_once() -> None:
    async with patcher() as (fake, api, _, card_id):
        fake.expire_tokens()
        await api.patch(card_id, working_card("en", "after a new token"))
        assert [c.code for c in fake.state.calls_to("patch")] == [99991663, 0]
        assert len(fake.state.calls_to("token")) == 2


async def test_a_rate_limited_patch_end_to_end_keeps_the_final_state(tmp_path: Path) -> None:
    async with running_feishu(tmp_path) as feishu:
        fake = feishu.fake
        fake.api.fail("patch", status=429, code=99991400, x_ogw_ratelimit_reset="1")
        event = fake.text("make a video of rain")
        await fake.deliver(event)
        await feishu.settle()
        card = feishu.status_card(event["event"]["message"]["message_id"])
        assert "Your video is ready" in card_text(card.body)
        assert fake.state.calls_to("patch")[0].status == 429
