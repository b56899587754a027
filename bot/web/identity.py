"""Who a browser is, and whether it may use the chat.

Each browser gets a random secret in an ``HttpOnly`` cookie; the person's id is a digest of it, so the
ledger and the transcripts never hold the secret itself. When the chat is exposed beyond this machine,
every request must also carry the access token (the ``?token=`` of the link sets a cookie once).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from ipaddress import ip_address

from aiohttp import web

ID_COOKIE = "videobot_id"
ACCESS_COOKIE = "videobot_access"
YEAR_S = 365 * 24 * 3600


def user_id_of(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()[:24]


def browser_secret(request: web.Request) -> str | None:
    secret = request.cookies.get(ID_COOKIE, "")
    return secret if len(secret) == 32 and all(c in "0123456789abcdef" for c in secret) else None


def new_secret() -> str:
    return secrets.token_hex(16)


def set_identity(response: web.StreamResponse, secret: str, *, secure: bool) -> None:
    response.set_cookie(
        ID_COOKIE, secret, max_age=YEAR_S, httponly=True, samesite="Strict", secure=secure, path="/"
    )


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


def token_matches(given: str | None, token: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), token.encode())


class Gate:
    """The access token check (none when the chat listens on loopback only and no token is set)."""

    def __init__(self, token: str | None, cookie: str = ACCESS_COOKIE) -> None:
        self.token = token or None
        self._cookie = cookie

    def allows(self, request: web.Request) -> bool:
        if self.token is None:
            return True
        return token_matches(request.cookies.get(self._cookie), self.token) or token_matches(
            request.query.get("token"), self.token
        )

    def remember(self, request: web.Request, response: web.StreamResponse) -> None:
        """A link with ``?token=`` sets the cookie, so the page's own requests carry it."""
        if self.token is not None and token_matches(request.query.get("token"), self.token):
            response.set_cookie(
                self._cookie, self.token, max_age=YEAR_S, httponly=True, samesite="Strict", path="/"
            )
