"""One remembered model choice, and how users are keyed in the preferences file."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, field_validator


class Preference(BaseModel):
    """A user's preferred model for one task type.

    ``model_id``, ``model_name``, ``credit`` and ``last_used`` are the seed's fields; ``model_key`` (our
    catalogue key) and ``provider`` are ours, so models sharing a provider model id stay distinct.
    Unknown fields found in the file are kept (``extra="allow"``) and written back unchanged.
    """

    model_config = ConfigDict(frozen=True, extra="allow")

    model_id: str
    model_name: str
    credit: int
    last_used: datetime
    model_key: str | None = None
    provider: str | None = None

    @field_validator("last_used")
    @classmethod
    def _as_utc(cls, value: datetime) -> datetime:
        """Aware UTC always; a naive time (as older writers stored) is taken to be UTC."""
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def user_key(platform: str, user_id: str) -> str:
    """The file's key for one chat user: ``user_<platform>:<id>``, e.g. ``user_feishu:ou_x``."""
    if not platform or not user_id:
        raise ValueError("platform and user_id must be non-empty")
    return f"user_{platform}:{user_id}"
