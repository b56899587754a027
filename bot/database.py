"""The database commands: ``videobot db status|upgrade``, ``videobot migrate-sqlite`` and
``videobot prefs export|import FILE`` (PostgreSQL, ``VIDEOBOT_DATABASE_URL``). Exit 2 without it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import asdict
from pathlib import Path
from typing import TextIO, TypeVar

from bot.lifecycle import hold_data_dir
from bot.settings import Settings
from bot.stores import database_of
from handlers.ledger.errors import LedgerError
from handlers.ledger.postgres.copying import copy_ledger
from handlers.ledger.postgres.database import Conn
from handlers.ledger.postgres.schema import LATEST, SchemaTooNew, status, upgrade
from messages import database as text
from prefs import PreferenceStoreError
from prefs.postgres import PostgresPreferenceStore

T = TypeVar("T")


def _no_database(settings: Settings, err: TextIO) -> int:
    print(
        text.no_database(settings.lang, ledger=settings.ledger_path, prefs=settings.preferences_file),
        file=err,
    )
    return 2


async def _as_it_is(settings: Settings, work: Callable[[Conn], Awaitable[T]]) -> tuple[str, T]:
    """``work`` on the database as it is (not upgraded first); its address, and what ``work`` gave."""
    database = database_of(settings)
    try:
        async with database.connection(upgrading=False) as conn:
            return database.where, await work(conn)
    except SchemaTooNew as exc:
        raise LedgerError(database.where, str(exc)) from None
    finally:
        await database.close()


async def db_status(settings: Settings, out: TextIO, err: TextIO) -> int:
    """Print the schema version (changing nothing); 1 when migrations are pending or it is too new."""
    if settings.database_url is None:
        return _no_database(settings, err)
    where, found = await _as_it_is(settings, status)
    line = text.schema_status(
        settings.lang, where=where, version=found.version, latest=LATEST, pending=found.pending
    )
    print(line, file=out)
    return 1 if found.pending or found.too_new else 0


async def db_upgrade(settings: Settings, out: TextIO, err: TextIO) -> int:
    """Apply the pending migrations; a database a newer videobot upgraded is left alone (exit 2)."""
    if settings.database_url is None:
        return _no_database(settings, err)
    _, applied = await _as_it_is(settings, upgrade)
    print(text.upgraded(settings.lang, applied=applied, latest=LATEST), file=out)
    return 0


async def migrate_sqlite(settings: Settings, source: Path | None, out: TextIO, err: TextIO) -> int:
    """Copy the SQLite ledger (default: the data directory's) into PostgreSQL. The data directory is
    held meanwhile, so no bot writes to the ledger being copied."""
    if settings.database_url is None:
        return _no_database(settings, err)
    path = source or settings.ledger_path
    if not path.is_file():
        print(text.no_ledger(settings.lang, source=path), file=err)
        return 2
    database = database_of(settings)
    try:
        with hold_data_dir(settings.data_dir):
            async with database.connection() as conn:
                copied = await copy_ledger(path, conn)
    finally:
        await database.close()
    print(text.copied(settings.lang, source=path, **asdict(copied)), file=out)
    return 0


async def prefs_transfer(settings: Settings, action: str, path: Path, out: TextIO, err: TextIO) -> int:
    """``export``: write the seed's JSON file from the database; ``import``: read one into it."""
    if settings.database_url is None:
        return _no_database(settings, err)
    database = database_of(settings)
    store = PostgresPreferenceStore(database.connection)
    try:
        if action == "export":
            users = await store.export_to(path)
            print(text.exported(settings.lang, users=users, path=path), file=out)
        else:
            users = await store.import_from(path)
            print(text.imported(settings.lang, users=users, path=path), file=out)
    except PreferenceStoreError as exc:
        print(f"videobot: {exc}", file=err)
        return 1
    finally:
        await database.close()
    return 0
