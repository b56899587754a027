"""Writing a user's model preference (seed 001 "When to Write"): after a success and on request."""

from __future__ import annotations

import logging
from datetime import datetime

from handlers.inbound import ChatRef
from handlers.timing import utc_now
from prefs import Preference, PreferenceStoreError, user_key
from prefs.base import Preferences
from providers.types import TaskType

log = logging.getLogger(__name__)


def prefs_user(chat: ChatRef) -> str:
    """The preference file's key for this user: ``user_<platform>:<id>``."""
    return user_key(chat.platform, chat.user_id)


async def remember_model(
    prefs: Preferences,
    chat: ChatRef,
    task_type: TaskType,
    *,
    model_id: str,
    model_name: str,
    credit: int,
    model_key: str,
    provider: str,
    now: datetime | None = None,
) -> None:
    """Write one preference (seed 001 format); a store problem is logged, never raised at the user."""
    preference = Preference(
        model_id=model_id,
        model_name=model_name,
        credit=credit,
        last_used=now or utc_now(),
        model_key=model_key,
        provider=provider,
    )
    try:
        await prefs.set(prefs_user(chat), task_type, preference)
    except PreferenceStoreError:
        log.exception("could not save a preference")
