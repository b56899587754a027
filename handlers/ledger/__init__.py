"""The durable job ledger: jobs, their history and seen inbound messages in one SQLite file."""

from handlers.jobs import JobEvent
from handlers.ledger.errors import LedgerError
from handlers.ledger.sqlite import SqliteJobStore

__all__ = ["JobEvent", "LedgerError", "SqliteJobStore"]
