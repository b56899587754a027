"""lark-oapi's typed requests, sent through our one pooled httpx client.

The SDK's async methods (``areply``, ``acreate``, ...) open a new ``httpx.AsyncClient`` for every
request, and each one loads the system's CA bundle: about 30 ms of CPU per message sent, most of the
Feishu adapter's cost under load (found with ``bench/instances.py``). :func:`execute` does what those
methods do (check the token, collect upload files, build the URL and headers with the SDK's own
functions, read the answer into the SDK's response class) but sends on the client we already hold, so
connections and the TLS context are reused. The wire format stays the SDK's.
"""

from __future__ import annotations

import json
from typing import Any, TypeVar

import httpx
from lark_oapi.core import JSON
from lark_oapi.core.const import UTF_8
from lark_oapi.core.http.transport import _build_header, _build_url
from lark_oapi.core.model import Config, RawResponse, RequestOption
from lark_oapi.core.token import verify
from lark_oapi.core.utils import Files

R = TypeVar("R")


async def execute(
    http: httpx.AsyncClient,
    config: Config,
    request: Any,
    option: RequestOption,
    answer: type[R],
    *,
    uploads: bool = False,
    timeout_s: float | None = None,
) -> R:
    """Send ``request`` as the SDK would; its answer as ``answer`` (with ``.raw`` set).

    ``uploads``: the body carries files (``multipart/form-data``), as ``image.acreate`` and
    ``file.acreate`` send. Raises ``httpx.HTTPError`` on network trouble, as the SDK does.
    """
    verify(config, request, option)
    if uploads:
        request.files = Files.extract_files(request.body)
    url = _build_url(config.domain, request.uri, request.paths)
    _build_header(request, option, config)  # fills request.headers: user agent and our token
    json_body = files = data = None
    if request.files:
        files = request.files
        if request.body is not None:
            data = json.loads(JSON.marshal(request.body))
    elif request.body is not None:
        json_body = json.loads(JSON.marshal(request.body))
    response = await http.request(
        str(request.http_method.name),
        url,
        headers=request.headers,
        params=request.queries,
        json=json_body,
        data=data,
        files=files,
        timeout=timeout_s if timeout_s is not None else config.timeout,
    )
    raw = RawResponse()
    raw.status_code = response.status_code
    raw.headers = dict(response.headers)
    raw.content = response.content
    found: Any = JSON.unmarshal(str(raw.content, UTF_8), answer)
    found.raw = raw
    return found  # type: ignore[no-any-return]
