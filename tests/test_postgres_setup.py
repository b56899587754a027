"""Without a PostgreSQL server the tests that need one say so: a skip naming the package, or in CI
(``VIDEOBOT_REQUIRE_POSTGRES``) a failure."""

from __future__ import annotations

import pytest

from tests import postgres


def test_a_missing_server_is_a_skip_naming_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(postgres, "server_binaries", lambda: None)
    monkeypatch.delenv(postgres.REQUIRE, raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"apt-get install postgresql"):
        postgres.need_postgres()


def test_in_ci_a_missing_server_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(postgres, "server_binaries", lambda: None)
    monkeypatch.setenv(postgres.REQUIRE, "1")
    with pytest.raises(pytest.fail.Exception, match="VIDEOBOT_REQUIRE_POSTGRES is set"):
        postgres.need_postgres()


def test_the_server_binaries_are_found_here_when_installed() -> None:
    found = postgres.server_binaries()
    if found is not None:
        assert (found / "initdb").is_file() and (found / "postgres").is_file()
