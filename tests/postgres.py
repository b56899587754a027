"""A real PostgreSQL server for the tests: Debian's ``postgresql`` binaries, started once per session.

The server runs from a temporary directory on 127.0.0.1 with a free port, trusts local connections
and skips fsync (its data is thrown away). Each test gets a database of its own. Without the server
binaries the tests that need it skip with one line saying what to install; with
``VIDEOBOT_REQUIRE_POSTGRES=1`` (``.ci/run`` sets it) a missing server fails instead.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest

INSTALL_HINT = "PostgreSQL server not installed (apt-get install postgresql)"
REQUIRE = "VIDEOBOT_REQUIRE_POSTGRES"
USER = "videobot"


def server_binaries() -> Path | None:
    """The directory holding ``initdb`` and ``postgres``: Debian's newest, or the PATH's."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def need_postgres() -> Path:
    """The server's binaries, or skip (fail where ``VIDEOBOT_REQUIRE_POSTGRES`` is set)."""
    binaries = server_binaries()
    if binaries is None:
        if os.environ.get(REQUIRE):
            pytest.fail(f"{INSTALL_HINT}; {REQUIRE} is set, so this is a failure here")
        pytest.skip(INSTALL_HINT)
    return binaries


@dataclass
class Server:
    """One running server; :meth:`database` makes a fresh, empty database and returns its URL."""

    port: int
    made: list[str] = field(default_factory=list)

    @property
    def admin_url(self) -> str:
        return self.url("postgres")

    def url(self, name: str) -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{name}"

    def database(self) -> str:
        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        self.made.append(name)
        return self.url(name)


@contextlib.contextmanager
def running_server(binaries: Path) -> Iterator[Server]:
    """Start a throwaway server (as the ``postgres`` user when we are root: initdb refuses root)."""
    home = Path(tempfile.mkdtemp(prefix="videobot-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(home, owner.pw_uid, owner.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    data = home / "data"
    port = _free_port()
    subprocess.run(
        [*as_user, str(binaries / "initdb"), "-D", str(data), "-U", USER, "-A", "trust", "-E", "UTF8",
         "--no-sync", "--no-instructions"],
        check=True, capture_output=True,
    )  # fmt: skip
    server = subprocess.Popen(
        [*as_user, str(binaries / "postgres"), "-D", str(data), "-p", str(port), "-h", "127.0.0.1",
         "-k", str(home), "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
         "-c", "max_connections=200"],
        stdout=subprocess.DEVNULL, stderr=(home / "log").open("wb"),
    )  # fmt: skip
    try:
        _wait_ready(Server(port), server, home)
        yield Server(port)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(home, ignore_errors=True)


def _wait_ready(server: Server, process: subprocess.Popen[bytes], home: Path) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            psycopg.connect(server.admin_url, connect_timeout=2).close()
            return
        except psycopg.OperationalError:
            if process.poll() is not None or time.monotonic() > deadline:
                log = (home / "log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"the test PostgreSQL server did not start:\n{log}") from None
            time.sleep(0.1)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
