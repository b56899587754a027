"""Protocol time: virtual seconds (what users read) against real seconds (what we wait)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from handlers.timing import TimeScale, utc_now

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


class Clock:
    """A clock moved by hand."""

    def __init__(self) -> None:
        self.at = T0

    def __call__(self) -> datetime:
        return self.at


def test_utc_now_is_aware_utc() -> None:
    now = utc_now()
    assert now.tzinfo is not None and now.utcoffset() == timedelta(0)


@pytest.mark.parametrize(("factor", "virtual_s", "real_s"), [(1.0, 120, 120), (0.01, 120, 1.2), (2, 8, 16)])
def test_real_scales_virtual_seconds(factor: float, virtual_s: float, real_s: float) -> None:
    assert TimeScale(factor).real(virtual_s) == pytest.approx(real_s)


def test_elapsed_is_virtual_seconds_since() -> None:
    clock = Clock()
    scale = TimeScale(0.01, now=clock)
    clock.at = T0 + timedelta(seconds=1.2)
    assert scale.elapsed(T0) == pytest.approx(120)
    assert TimeScale(1.0, now=clock).elapsed(T0) == pytest.approx(1.2)


def test_elapsed_is_never_negative() -> None:
    clock = Clock()
    assert TimeScale(0.5, now=clock).elapsed(T0 + timedelta(seconds=30)) == 0.0


def test_default_is_real_time_on_the_wall_clock() -> None:
    scale = TimeScale()
    assert scale.factor == 1.0 and scale.real(30) == 30
    assert 0.0 <= scale.elapsed(utc_now()) < 5.0


def test_the_clock_is_not_part_of_equality() -> None:
    assert TimeScale(0.5) == TimeScale(0.5, now=Clock())
    assert TimeScale(0.5) != TimeScale(0.25)


@pytest.mark.parametrize("factor", [0, 0.0, -1, -0.001])
def test_a_factor_that_is_not_positive_is_refused(factor: float) -> None:
    with pytest.raises(ValueError, match="positive"):
        TimeScale(factor)


@pytest.mark.parametrize("factor", [float("nan"), float("inf")])
def test_a_factor_that_is_not_finite_is_refused(factor: float) -> None:
    with pytest.raises(ValueError, match="positive"):
        TimeScale(factor)
