"""The long connection (WebSocket) to Feishu, run as im-platforms.md §1.2 "way A" describes.

lark-oapi's ws client is not asyncio-native: it schedules its tasks on a module-global loop captured
at import, fetches the endpoint with blocking ``requests``, has no ``stop()``, and dies silently when a
reconnect fails. So it gets its own thread and loop (assigned to that module global), one client per
process, and our own supervisor in place of ``start()``: connect, ping, watch, and on a closed or
silent connection (no frame, not even a pong, for a few ping intervals) disconnect and connect
again with a growing, jittered wait. The event handlers only hand events to our main loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import threading
import time
from typing import Any

import lark_oapi as lark
import lark_oapi.ws.client as lark_ws
from lark_oapi.ws.exception import ClientException

from bot.feishu.settings import FeishuTuning

log = logging.getLogger(__name__)

_ONE_PER_PROCESS = threading.Lock()  # Feishu gives each event to ONE connection of the app


class _Client(lark_ws.Client):  # type: ignore[misc]
    """The SDK's client, noting when it last heard from Feishu; reconnecting is the supervisor's job."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.last_heard = 0.0
        self._frames: set[asyncio.Task[None]] = set()  # frames being handled (kept from the collector)

    async def _receive_message_loop(self) -> None:
        """The SDK's loop minus its own reconnecting: read frames until the connection ends."""
        connection = self._conn
        try:
            while connection is not None and self._conn is connection:
                frame = await connection.recv()
                self.last_heard = time.monotonic()
                task = asyncio.get_running_loop().create_task(self._handle_message(frame))
                self._frames.add(task)
                task.add_done_callback(self._frames.discard)
        except Exception as exc:  # closed by either side, or broken
            if self._conn is connection:
                log.info("feishu long connection closed: %s", exc)
                await self._disconnect()

    @property
    def is_open(self) -> bool:
        return self._conn is not None

    @property
    def ping_interval_s(self) -> float:
        return float(self._ping_interval)


class LongConnection:
    """Receives events over Feishu's long connection on a thread of its own until :meth:`stop`."""

    def __init__(
        self, *, app_id: str, app_secret: str, domain: str, dispatcher: Any, tuning: FeishuTuning
    ) -> None:
        self._app_id = app_id
        self._app_secret = app_secret
        self._domain = domain
        self._dispatcher = dispatcher
        self._tuning = tuning
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._supervisor: asyncio.Task[None] | None = None
        self._stopping = threading.Event()
        self._connected = threading.Event()
        self.connections = 0  # successful connects so far (the first one and every reconnect)

    def __repr__(self) -> str:
        return f"LongConnection(app_id={self._app_id!r}, domain={self._domain!r})"

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    def start(self) -> None:
        if not _ONE_PER_PROCESS.acquire(blocking=False):
            raise RuntimeError("a Feishu long connection is already running in this process")
        self._thread = threading.Thread(target=self._main, name="feishu-long-connection", daemon=True)
        self._thread.start()

    async def stop(self, timeout_s: float = 10.0) -> None:
        """Disconnect and end the thread (it is a daemon: a hung endpoint request cannot block exit)."""
        self._stopping.set()
        loop, supervisor = self._loop, self._supervisor
        if loop is not None and supervisor is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(supervisor.cancel)
        if self._thread is not None:
            await asyncio.to_thread(self._thread.join, timeout_s)

    # -- the connection's own thread ----------------------------------------------------------------

    def _main(self) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        lark_ws.loop = loop  # the SDK creates its tasks on this module global
        try:
            self._supervisor = loop.create_task(self._supervise(), name="feishu-supervisor")
            self._loop = loop
            if self._stopping.is_set():
                self._supervisor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                loop.run_until_complete(self._supervisor)
        finally:
            _cancel_remaining(loop)
            loop.close()
            _ONE_PER_PROCESS.release()

    async def _supervise(self) -> None:
        client = _Client(
            self._app_id,
            self._app_secret,
            log_level=lark.LogLevel.WARNING,
            event_handler=self._dispatcher,
            domain=self._domain,
            auto_reconnect=False,
        )
        first_wait, longest_wait = self._tuning.reconnect_backoff_s
        wait = first_wait
        try:
            while not self._stopping.is_set():
                if await self._connect(client):
                    wait = first_wait
                    await self._hold(client)
                    log.warning("feishu long connection lost; reconnecting")
                await asyncio.sleep(wait * (0.5 + random.random() / 2))
                wait = min(wait * 2, longest_wait)
        finally:
            self._connected.clear()
            with contextlib.suppress(Exception):
                await client._disconnect()

    async def _connect(self, client: _Client) -> bool:
        try:
            await client._connect()  # the endpoint POST blocks this thread only
        except ClientException as exc:  # bad credentials, too many connections: needs a person
            log.error("feishu long connection refused: %s", exc)
            return False
        except Exception as exc:
            log.warning("feishu long connection failed: %s", exc)
            return False
        self.connections += 1
        log.info("feishu long connection open (%d)", self.connections)
        return True

    async def _hold(self, client: _Client) -> None:
        """Ping and watch until the connection closes or falls silent, then disconnect."""
        client.last_heard = time.monotonic()
        self._connected.set()
        pinger = asyncio.get_running_loop().create_task(client._ping_loop())
        try:
            while client.is_open:
                await asyncio.sleep(self._tuning.watchdog_every_s)
                silence = time.monotonic() - client.last_heard
                if silence > client.ping_interval_s * self._tuning.silent_pings:
                    log.warning("feishu long connection silent for %.0f s", silence)
                    break
        finally:
            self._connected.clear()
            pinger.cancel()
            with contextlib.suppress(Exception):
                await client._disconnect()


def _cancel_remaining(loop: asyncio.AbstractEventLoop) -> None:
    tasks = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in tasks:
        task.cancel()
    if tasks:
        loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
