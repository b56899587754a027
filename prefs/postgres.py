"""Preferences in PostgreSQL, shared by every instance: one JSONB document per user, in the seed's shape.

Each row is one user's entry of the seed's file (``{"<task_type>": {"model_id", "model_name",
"credit", "last_used", ...}}`` under ``user_key``), so ``videobot prefs export`` writes exactly the
seed's JSON file and ``videobot prefs import`` reads one. A change is one statement on one row
(``document || {...}``, ``document - task_type``): two instances saving different task types of one
user never lose either.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

from psycopg import AsyncConnection
from psycopg.types.json import Jsonb

from prefs.base import valid_preferences
from prefs.errors import PreferenceStoreError
from prefs.files import CorruptDocumentError, encode_document, read_document, write_atomic
from prefs.model import Preference
from providers.types import TaskType

PREFERENCES_TABLE = """CREATE TABLE preferences (
    user_key text PRIMARY KEY,
    document jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
)"""  # applied by the ledger's migrations (handlers.ledger.postgres.schema)
_WHERE = "table preferences"
Connect = Callable[[], AbstractAsyncContextManager[AsyncConnection[Any]]]


class PostgresPreferenceStore:
    """:class:`prefs.base.Preferences` over a connection pool (opened and closed by its owner)."""

    def __init__(self, connect: Connect) -> None:
        self._connect = connect  # e.g. handlers.ledger.postgres.Database.connection

    async def get(self, user: str, task_type: TaskType) -> Preference | None:
        return (await self.all_for(user)).get(task_type)

    async def all_for(self, user: str) -> dict[TaskType, Preference]:
        async with self._connection() as conn:
            cursor = await conn.execute("SELECT document FROM preferences WHERE user_key = %s", (user,))
            found = await cursor.fetchone()
        return valid_preferences(found[0] if found else None, _WHERE)

    async def set(self, user: str, task_type: TaskType, pref: Preference) -> None:
        entry = {task_type.value: pref.model_dump(mode="json", exclude_none=True)}
        async with self._connection() as conn:
            await conn.execute(
                """INSERT INTO preferences (user_key, document) VALUES (%(user)s, %(entry)s)
                ON CONFLICT (user_key) DO UPDATE SET
                    document = CASE jsonb_typeof(preferences.document)
                        WHEN 'object' THEN preferences.document ELSE '{}'::jsonb END || excluded.document,
                    updated_at = now()""",
                {"user": user, "entry": Jsonb(entry)},
            )

    async def reset(self, user: str, task_type: TaskType | None = None) -> int:
        async with self._connection() as conn, conn.transaction():
            cursor = await conn.execute(
                "SELECT document FROM preferences WHERE user_key = %s FOR UPDATE", (user,)
            )
            found = await cursor.fetchone()
            if found is None:
                return 0
            document = found[0] if isinstance(found[0], dict) else {}
            if task_type is None:
                await conn.execute("DELETE FROM preferences WHERE user_key = %s", (user,))
                return len(document)
            if task_type.value not in document:
                return 0
            del document[task_type.value]
            if document:
                await conn.execute(
                    "UPDATE preferences SET document = %s, updated_at = now() WHERE user_key = %s",
                    (Jsonb(document), user),
                )
            else:
                await conn.execute("DELETE FROM preferences WHERE user_key = %s", (user,))
            return 1

    async def export_to(self, path: Path) -> int:
        """Write every user's preferences as the seed's JSON file (atomically); returns how many users."""
        async with self._connection() as conn:
            cursor = await conn.execute("SELECT user_key, document FROM preferences ORDER BY user_key")
            document = {user: entries for user, entries in await cursor.fetchall()}
        try:
            write_atomic(path, encode_document(document))
        except OSError as exc:
            raise PreferenceStoreError(f"cannot write {path}: {exc.strerror}") from exc
        return len(document)

    async def import_from(self, path: Path) -> int:
        """Read the seed's JSON file: each user's task types replace those stored (others stay).

        Returns how many users were imported; a user entry that is not an object is skipped.
        """
        try:
            document = read_document(path)
        except OSError as exc:
            raise PreferenceStoreError(f"cannot read {path}: {exc.strerror}") from exc
        except CorruptDocumentError as exc:
            raise PreferenceStoreError(f"{path} is not a preferences file: {exc}") from exc
        users = {user: entries for user, entries in document.items() if isinstance(entries, dict)}
        async with self._connection() as conn, conn.transaction():
            for user, entries in users.items():
                await conn.execute(
                    """INSERT INTO preferences (user_key, document) VALUES (%s, %s)
                    ON CONFLICT (user_key) DO UPDATE SET
                        document = preferences.document || excluded.document, updated_at = now()""",
                    (user, Jsonb(entries)),
                )
        return len(users)

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[AsyncConnection[Any]]:
        try:
            async with self._connect() as conn:
                yield conn
        except PreferenceStoreError:
            raise
        except Exception as exc:  # the database cannot be reached or used: callers carry on without
            raise PreferenceStoreError(f"preferences in the database: {exc}") from exc
