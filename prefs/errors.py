"""The one exception the preference store raises."""

from __future__ import annotations


class PreferenceStoreError(Exception):
    """The preferences file could not be read or written (permissions, not a directory, lock timeout).

    Callers catch this and fall back to the recommended defaults; a corrupt file is not an error
    (it is moved aside and the store carries on from empty).
    """
