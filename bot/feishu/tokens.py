"""The tenant access token, fetched with httpx on our loop and injected into every SDK call.

lark-oapi would fetch it with blocking ``requests`` inside its ``a*`` methods and never drop it on
99991663 (im-platforms.md §1.1). We fetch it ourselves, cache it until shortly before it expires, and
forget it when Feishu calls it invalid.
"""

from __future__ import annotations

import asyncio
import time

import httpx
from pydantic import BaseModel, ValidationError

from bot.feishu.errors import NETWORK, FeishuError

TOKEN_PATH = "/open-apis/auth/v3/tenant_access_token/internal"
EARLY_S = 600  # refresh this long before Feishu's expiry, as the SDK does


class _TokenAnswer(BaseModel):
    code: int
    msg: str = ""
    tenant_access_token: str = ""
    expire: int = 0


class TenantTokens:
    """One app's tenant token: :meth:`get` returns a valid one, :meth:`invalidate` forgets a bad one."""

    def __init__(self, http: httpx.AsyncClient, domain: str, app_id: str, app_secret: str) -> None:
        self._http = http
        self._url = domain + TOKEN_PATH
        self._app_id = app_id
        self._app_secret = app_secret
        self._token = ""
        self._expires_at = 0.0
        self._lock = asyncio.Lock()

    def __repr__(self) -> str:
        return f"TenantTokens(app_id={self._app_id!r})"

    async def get(self) -> str:
        async with self._lock:
            if not self._token or time.monotonic() >= self._expires_at:
                self._token, lifetime = await self._fetch()
                self._expires_at = time.monotonic() + max(lifetime - EARLY_S, lifetime / 2)
            return self._token

    def invalidate(self, token: str) -> None:
        """Forget ``token`` (if it is still the cached one) so the next :meth:`get` fetches anew."""
        if token == self._token:
            self._token = ""

    async def _fetch(self) -> tuple[str, float]:
        try:
            response = await self._http.post(
                self._url, json={"app_id": self._app_id, "app_secret": self._app_secret}
            )
            answer = _TokenAnswer.model_validate_json(response.content)
        except httpx.HTTPError as exc:
            raise FeishuError(NETWORK, f"token request failed: {type(exc).__name__}") from None
        except ValidationError:
            raise FeishuError(NETWORK, f"token answer unreadable (HTTP {response.status_code})") from None
        if answer.code != 0 or not answer.tenant_access_token:
            raise FeishuError(answer.code or NETWORK, f"no tenant token: {answer.msg}")
        return answer.tenant_access_token, float(answer.expire or 7200)
