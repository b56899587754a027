"""What admins change at run time, kept in the ledger: controls (blocks, pauses, access) and the audit.

A control is a (kind, key) with a value: ``blocked`` users (key ``feishu:ou_x``), ``paused`` chats
(key ``discord:1234``, a chat's budget key), access ``gate`` overrides (key ``feishu:dms``, value
``open``/``allowlist``/``off``) and run-time ``allowed`` ids (key ``feishu:user:ou_x``, see
:mod:`handlers.access`). Every change is one transaction with its :class:`AuditEntry`.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class Control(StrEnum):
    BLOCKED = "blocked"
    PAUSED = "paused"
    GATE = "gate"
    ALLOWED = "allowed"


ControlKey = tuple[Control, str]


class AuditEntry(BaseModel):
    """One admin action: who (a user key, or ``cli:<login>``), when, what and on whom."""

    model_config = ConfigDict(frozen=True)

    at: datetime
    actor: str
    action: str
    target: str
    detail: str = ""
