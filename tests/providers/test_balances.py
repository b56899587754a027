"""Balances of real provider clients against their fakes; asking never raises."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from providers.balances import Balance, balances
from providers.sandbox import SandboxProvider
from providers.types import CreditUnit
from tests.providers.test_catalogue import Fakes, running


class ThirdParty:
    """A provider outside this package whose ``balance`` misbehaves as told (duck typing allows it)."""

    name = "third"
    unit = CreditUnit.CREDITS

    def __init__(self, answer: object) -> None:
        self.answer = answer

    async def balance(self) -> object:
        if isinstance(self.answer, BaseException):
            raise self.answer
        if self.answer == "slow":
            await asyncio.sleep(5)
        return self.answer


@pytest.fixture
def fakes() -> Fakes:
    return Fakes()


async def test_each_provider_reports_what_its_api_tells(fakes: Fakes, tmp_path: Path) -> None:
    fakes.mediaio.credits, fakes.aims.credits = 730, 9820
    async with running(fakes) as providers:
        found = await balances([*providers, SandboxProvider(output_dir=tmp_path)])
    assert found == [
        Balance(provider="ima", amount=None, unit=CreditUnit.POINTS),  # no balance endpoint
        Balance(provider="mediaio", amount=730, unit=CreditUnit.CREDITS),
        Balance(provider="aivideomaker", amount=None, unit=CreditUnit.CREDITS),  # none in the seed's API
        Balance(provider="aims", amount=9820, unit=CreditUnit.CREDITS),
        Balance(provider="mythiq", amount=None, unit=CreditUnit.USD_CENTS),  # none documented
        Balance(provider="sandbox", amount=None, unit=CreditUnit.FREE),
    ]


async def test_a_provider_that_fails_has_no_amount(fakes: Fakes) -> None:
    async with running(fakes, ("mediaio", "aims"), wrong_key={"mediaio"}, unreachable={"aims"}) as providers:
        found = await balances(providers)
    assert [(b.provider, b.amount) for b in found] == [("mediaio", None), ("aims", None)]


async def test_a_malformed_answer_has_no_amount(fakes: Fakes) -> None:
    fakes.mediaio.respond_next(200, {"code": 0, "msg": "", "data": {"credits": "lots"}, "trace_id": "t"})
    async with running(fakes, ("mediaio",)) as providers:
        assert await balances(providers) == [
            Balance(provider="mediaio", amount=None, unit=CreditUnit.CREDITS)
        ]


async def test_a_slow_provider_has_no_amount_after_the_timeout(fakes: Fakes) -> None:
    fakes.mediaio.respond_next(
        200, {"code": 0, "msg": "", "data": {"credits": 5}, "trace_id": "t"}, delay_s=0.5
    )
    async with running(fakes, ("mediaio",)) as providers:
        found = await balances([*providers, ThirdParty("slow")], timeout_s=0.05)
    assert [b.amount for b in found] == [None, None]


@pytest.mark.parametrize("answer", [RuntimeError("boom"), "12", True, 3.5, None])
async def test_anything_but_an_integer_has_no_amount(answer: object) -> None:
    assert await balances([ThirdParty(answer)]) == [
        Balance(provider="third", amount=None, unit=CreditUnit.CREDITS)
    ]


async def test_no_providers_no_balances() -> None:
    assert await balances([]) == []
