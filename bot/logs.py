"""Logging: plain lines, or one JSON object per line (``VIDEOBOT_LOG_FORMAT=json``), and never a secret.

Every record passes :class:`Scrubber`, which masks the value of each setting that names a secret
(``*_KEY``, ``*_TOKEN``, ``*_SECRET``, from the environment or ``.env``), and the password in
``VIDEOBOT_DATABASE_URL``, wherever it appears: in the message, its arguments, or a traceback.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from dotenv import dotenv_values

SECRET_SUFFIXES = ("_KEY", "_TOKEN", "_SECRET")
DATABASE_URL = "VIDEOBOT_DATABASE_URL"  # its password is a secret too
MASK = "***"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def secret_values(environ: Mapping[str, str] = os.environ, env_file: Path = Path(".env")) -> set[str]:
    """The values of the settings that name secrets (long enough to be told apart from ordinary words)."""
    found = {**(dotenv_values(env_file) if env_file.is_file() else {}), **environ}
    secrets = {
        value
        for name, value in found.items()
        if name.upper().endswith(SECRET_SUFFIXES) and value and len(value) >= 6
    }
    password = urlsplit(found.get(DATABASE_URL) or "").password
    if password and len(unquote(password)) >= 6:
        secrets |= {password, unquote(password)}  # as written in the URL, and as a driver may show it
    return secrets


class Scrubber(logging.Filter):
    """Masks each secret in a record (message, arguments and exception text)."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets = sorted(set(secrets), key=len, reverse=True)

    def mask(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if self._secrets:
            record.msg = self.mask(record.getMessage())
            record.args = None
            if record.exc_info:
                record.exc_text = self.mask(logging.Formatter().formatException(record.exc_info))
                record.exc_info = None
        return True


class JsonFormatter(logging.Formatter):
    """``{"at", "level", "logger", "message"[, "error"]}``, one line per record."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "at": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        error = record.exc_text or (self.formatException(record.exc_info) if record.exc_info else None)
        if error:
            line["error"] = error
        return json.dumps(line, ensure_ascii=False)


def configure(level: str, fmt: str, secrets: Iterable[str] | None = None) -> None:
    """Route every log record to stderr in ``fmt`` (``text`` or ``json``) at ``level``, scrubbed."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    handler.addFilter(Scrubber(secret_values() if secrets is None else secrets))
    logging.basicConfig(level=level, handlers=[handler], force=True)
