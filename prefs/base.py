"""What a preference store offers, whatever keeps it: the JSON file, or PostgreSQL for several instances."""

from __future__ import annotations

import logging
from typing import Protocol

from pydantic import ValidationError

from prefs.model import Preference
from providers.types import TaskType

log = logging.getLogger(__name__)


class Preferences(Protocol):
    """Per-user, per-task-type model preferences. ``user`` is a full :func:`prefs.user_key`.

    Every method raises :class:`prefs.PreferenceStoreError` (and nothing else) when the store cannot
    be used; callers carry on without the preference.
    """

    async def get(self, user: str, task_type: TaskType) -> Preference | None: ...

    async def all_for(self, user: str) -> dict[TaskType, Preference]: ...

    async def set(self, user: str, task_type: TaskType, pref: Preference) -> None: ...

    async def reset(self, user: str, task_type: TaskType | None = None) -> int:
        """Forget one preference, or with no ``task_type`` all of ``user``'s; returns how many went."""
        ...


def valid_preferences(entries: object, where: str) -> dict[TaskType, Preference]:
    """The valid preferences in one user's entry of the seed's document (``{"<task_type>": {...}}``).

    An entry that is not an object, or a preference that does not validate, is skipped and logged by
    ``where`` (a file or table name, never the content); an unknown task type is ignored.
    """
    if not isinstance(entries, dict):
        if entries is not None:
            log.warning("preferences %s: skipped a user entry that is not an object", where)
        return {}
    found: dict[TaskType, Preference] = {}
    for key, value in entries.items():
        try:
            task_type = TaskType(key)
        except ValueError:
            continue  # a task type we do not know: ignored here, kept as it is
        try:
            found[task_type] = Preference.model_validate(value)
        except ValidationError:
            log.warning("preferences %s: skipped an invalid %s entry", where, task_type)
    return found
