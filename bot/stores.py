"""Which stores a process uses: the SQLite ledger and the JSON preferences file (one process), or one
PostgreSQL database for both (``VIDEOBOT_DATABASE_URL``: several instances). The PostgreSQL driver is
imported only then (0.1 s a process without a database never pays)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.settings import Settings
from handlers.jobs import JobStore
from handlers.ledger import SqliteJobStore
from prefs import PreferenceStore
from prefs.base import Preferences

if TYPE_CHECKING:
    from handlers.ledger.postgres import Database


@dataclass(frozen=True)
class Stores:
    jobs: JobStore
    prefs: Preferences


def build_stores(settings: Settings) -> Stores:
    """The stores the settings name, not yet opened (the ledger opens at :meth:`bot.wiring.App.prepare`)."""
    if settings.database_url is None:
        return Stores(SqliteJobStore(settings.ledger_path), PreferenceStore(settings.preferences_file))
    from handlers.ledger.postgres import PostgresJobStore
    from prefs.postgres import PostgresPreferenceStore

    database = database_of(settings)
    jobs = PostgresJobStore(database, lease_s=settings.lease_s)  # closing it closes the database
    return Stores(jobs, PostgresPreferenceStore(database.connection))


def database_of(settings: Settings) -> Database:
    from handlers.ledger.postgres import Database

    if settings.database_url is None:
        raise ValueError("VIDEOBOT_DATABASE_URL is not set")
    return Database(settings.database_url.get_secret_value(), pool_size=settings.database_pool_size)
