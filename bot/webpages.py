"""The package's own page files (``static/`` folders beside the web chat and the console): a page
filled in from its template, and its scripts and styles, never anything outside that folder."""

from __future__ import annotations

import html
import json
from importlib.resources.abc import Traversable
from typing import Any

from aiohttp import web

TYPES = {".js": "text/javascript", ".css": "text/css"}


def filled_page(folder: Traversable, name: str, *, title: str, data: dict[str, Any]) -> str:
    """``name`` with ``{{title}}`` (escaped) and each ``{{key}}`` of ``data`` as JSON safe inside a
    ``<script type="application/json">``."""
    page = folder.joinpath(name).read_text("utf-8").replace("{{title}}", html.escape(title))
    for key, value in data.items():
        page = page.replace("{{" + key + "}}", json.dumps(value, ensure_ascii=False).replace("</", "<\\/"))
    return page


def static_file(folder: Traversable, name: str, headers: dict[str, str] | None = None) -> web.Response:
    """A script or style sheet of ``folder`` by its bare name; 404 for anything else."""
    suffix = name[name.rfind(".") :] if "." in name else ""
    if "/" in name or "\\" in name or suffix not in TYPES or not folder.joinpath(name).is_file():
        raise web.HTTPNotFound()
    return web.Response(
        text=folder.joinpath(name).read_text("utf-8"), content_type=TYPES[suffix], headers=headers
    )
