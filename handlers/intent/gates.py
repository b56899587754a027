"""Costly patterns behind cheap gates: most messages name no model, policy or provider.

The model-choice patterns are long alternations with optional trigger phrases in front, so the regex
engine tries every alternative at every position of every message: a few hundred microseconds a
message, most of the cost of understanding it. A gate is a short pattern that finds something in
every text its pattern matches (a word each alternative must contain), and a text it finds nothing
in skips the costly search. Gating changes no answer, only the cost (``tests/handlers/intent/test_gates.py``
checks each gate against its pattern).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Gated:
    """``pattern``, searched only in texts where ``gate`` finds something."""

    pattern: re.Pattern[str]
    gate: re.Pattern[str]

    def search(self, text: str) -> re.Match[str] | None:
        return self.pattern.search(text) if self.gate.search(text) else None

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self.pattern.finditer(text) if self.gate.search(text) else iter(())


def any_of(words: Iterable[str]) -> re.Pattern[str]:
    """A gate: any of ``words`` (literals), ignoring case as the gated patterns do."""
    return re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)


def starts_of(words: Iterable[str]) -> re.Pattern[str]:
    """Every place where one of ``words`` (literals, ignoring case) begins, overlapping ones included."""
    ordered = sorted(set(words), key=lambda word: (-len(word), word))
    return re.compile(f"(?=(?:{'|'.join(re.escape(word) for word in ordered)}))", re.IGNORECASE)
