"""A process's life: one process per data directory, and a clean stop on SIGTERM and Ctrl-C.

``hold_data_dir`` takes an exclusive ``fcntl`` lock on ``<data dir>/videobot.lock`` for as long as
the process runs: a second ``videobot run`` or ``videobot chat`` on the same data would resume the
same jobs and pay twice, so it stops at once with one line (exit code 2). The kernel drops the lock
when the process dies, however it dies. (Several instances on one ledger need the PostgreSQL store.)

``stop_signals`` turns SIGTERM and SIGINT into an event the main task waits on, so a stop is an
ordinary return: the flow drains (creates in flight get a grace period), the jobs are persisted, and
the next start resumes them.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import signal
from collections.abc import Awaitable, Iterator
from pathlib import Path
from typing import IO, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")
LOCK_NAME = "videobot.lock"
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class AdapterError(Exception):
    """An adapter could not start (e.g. a wrong token); one line for the operator."""


class DataDirBusy(Exception):
    """Another videobot process works on this data directory."""


@contextlib.contextmanager
def hold_data_dir(data_dir: Path) -> Iterator[None]:
    """Hold the data directory's lock for the ``with`` block; :class:`DataDirBusy` when it is taken."""
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        handle: IO[str] = open(data_dir / LOCK_NAME, "a+", encoding="utf-8")  # noqa: SIM115
    except OSError as exc:
        raise DataDirBusy(f"data directory {data_dir} cannot be used: {exc.strerror}") from None
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DataDirBusy(
                f"another videobot is already running on {data_dir} (one process per data directory; "
                "stop it first, or set VIDEOBOT_DATA_DIR)"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        yield
    finally:
        handle.close()  # closing drops the lock


@contextlib.contextmanager
def stop_signals() -> Iterator[asyncio.Event]:
    """An event set by SIGTERM or SIGINT while the block runs (on the running loop's thread)."""
    loop = asyncio.get_running_loop()
    stopped = asyncio.Event()
    installed = []
    for sig in STOP_SIGNALS:
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(sig, _stop, stopped, sig)
            installed.append(sig)
    try:
        yield stopped
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)


def _stop(stopped: asyncio.Event, sig: signal.Signals) -> None:
    log.warning(
        "%s: stopping (jobs in flight get a grace period, the rest resume at the next start)", sig.name
    )
    stopped.set()


async def or_stop(work: Awaitable[T], stopped: asyncio.Event) -> T | None:
    """``work``'s result, or ``None`` as soon as ``stopped`` is set (``work`` is then cancelled)."""
    task = asyncio.ensure_future(work)
    waiter = asyncio.ensure_future(stopped.wait())
    try:
        await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiter.cancel()
    if task.done():
        return task.result()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    return None
