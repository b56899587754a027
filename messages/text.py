"""One user-facing text held as a zh/en pair, filled in with ``str.format`` fields."""

from __future__ import annotations

from typing import NamedTuple

from messages.reply import Lang


class Text(NamedTuple):
    """A zh/en pair; calling it picks the language and fills the ``{fields}``."""

    zh: str
    en: str

    def __call__(self, lang: Lang, **fields: object) -> str:
        template = self.zh if lang == "zh" else self.en
        return template.format(**fields) if fields else template
