"""The job ledger in PostgreSQL, shared by several instances (``VIDEOBOT_DATABASE_URL``)."""

from handlers.ledger.postgres.database import Database, redacted
from handlers.ledger.postgres.store import PostgresJobStore

__all__ = ["Database", "PostgresJobStore", "redacted"]
