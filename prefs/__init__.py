"""videobot: prefs — the JSON preference store (seed 001 "User Preference Memory")."""

from prefs.errors import PreferenceStoreError
from prefs.model import Preference, user_key
from prefs.store import PreferenceStore

__all__ = ["Preference", "PreferenceStore", "PreferenceStoreError", "user_key"]
