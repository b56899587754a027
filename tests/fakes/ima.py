"""A faithful fake of the IMA Studio Open API and its upload service (providers.md §2), as ``aiohttp.web``.

Serve ``FakeIma().app()`` with ``tests.fakes.server.serve`` and point both the API and the upload base
URL at it. It checks ``Authorization: Bearer <key>`` (else HTTP 401 ``{code: 401}``, echoing the key
it was shown, as a careless server might) and validates creates as IMA does: the model must be in the
category's list (else HTTP 503), ``attribute_id`` must belong to the leaf (else "Invalid product
attribute", code 6001, our choice), the rule's attributes must be present (6009) and equal the params
with their JSON types (6010), ``credit`` and ``cast.points`` must equal the rule's points (6006), the
prompt must be nested, ``src_img_url == input_images`` with the category's image count (HTTP 400), and
the balance must cover ``credit * n`` (4008). Rule errors come with HTTP 400, 4008 with HTTP 200 (the
real statuses are unknown). Detail answers progress with the clock:
``resource_status`` null (``queued_s``) -> 0 (``processing_s``) -> 1 with an EMPTY url (``empty_url_s``)
-> 1 with ``url`` and ``cover``; media files are served by the fake under ``/cdn/``.

Tests trigger failures with ``inject(endpoint, fault, times)`` (any :class:`Fault`: 429, 503, 500, bad
JSON, wrong shape, 401, 4008, 6006, 6009, 6010, …), ``raise_prices``/``rotate_attribute_ids`` (the list
changes between calls), ``balance``, ``latency_s`` (client timeouts), or by a keyword in the prompt
(for end-to-end chat tests):

- ``ima-fail``: the task fails with media ``resource_status`` 2; ``ima-deleted``: it ends with rs 3
- ``ima-status-failed``: rs 1 with ``status: "failed"`` (media and top level) and an empty url
- ``ima-policy``: the task fails by moderation (rs 2, a "sensitive content" error text)
- ``ima-reject-policy``: create refused, code 1301 "…sensitive content…" (code our choice)
- ``ima-broke``: create refused, 4008 "Insufficient points"
- ``ima-429`` / ``ima-503`` / ``ima-500`` / ``ima-malformed``: create answers HTTP 429 with ``Retry-After``,
  HTTP 503, HTTP 500 ``{code: 500}``, or truncated JSON
- ``ima-poll-429`` / ``ima-poll-503`` / ``ima-poll-malformed``: the task's first detail poll does so
- ``ima-cover-url``: the finished media names its thumbnail ``cover_url`` (v1.0.2 script), not ``cover``
- ``ima-lost-answer`` / ``ima-gateway-504``: the task is created and charged, then the connection drops
  before the answer, or a gateway answers HTTP 504 (an ambiguous create: IMA has no task lookup)
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from tests.fakes.ima_products import iter_tree_leaves, product_trees
from tests.fakes.ima_tasks import (
    CREATE_FAULTS,
    OUTCOMES,
    POLL_FAULTS,
    FakeTask,
    Fault,
    ManualClock,
    Outcome,
    Timings,
    answer,
    fault_response,
    keywords,
)

__all__ = ["DEFAULT_KEY", "FakeIma", "FakeTask", "Fault", "ManualClock", "Outcome", "Recorded"]

Json = dict[str, Any]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

DEFAULT_KEY = "ima_test_key_0123456789"
UPLOAD_APP_KEY = "im_claw_open"
CDN_PREFIX = "https://ima.esxscloud.com/fake-uploads/"
_IMAGE_COUNTS = {
    "text_to_video": (0, 0),
    "image_to_video": (1, 1),
    "first_last_frame_to_video": (2, 2),
    "reference_image_to_video": (1, 9),
}
_API_ENDPOINTS = ("product_list", "create", "detail")


@dataclass
class Recorded:
    """One request as the fake saw it (``endpoint`` is the route name)."""

    endpoint: str
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any


class FakeIma:
    """State of one fake IMA account; ``app()`` serves it."""

    def __init__(
        self,
        *,
        api_key: str = DEFAULT_KEY,
        balance: int = 100_000,
        queued_s: float = 0.05,
        processing_s: float = 0.1,
        empty_url_s: float = 0.05,
        retry_after_s: int | None = 7,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.api_key = api_key
        self.balance = balance
        self.timings = Timings(queued_s, processing_s, empty_url_s)
        self.latency_s = 0.0  # added before every answer (client timeouts)
        self.endpoint_latency_s: dict[str, float] = {}  # added before one endpoint's answers (e.g. "create")
        self.retry_after_s = retry_after_s
        self.clock = clock
        self.products: dict[str, list[Json]] = product_trees()
        self.requests: list[Recorded] = []
        self.tasks: dict[str, FakeTask] = {}
        self.uploads: dict[str, bytes] = {}  # fdl -> bytes PUT
        self._upload_slots: dict[str, tuple[str, str]] = {}  # token -> (content type, fdl)
        self._faults: dict[str, list[Fault]] = {}

    # --- test controls -------------------------------------------------------------------------
    def inject(self, endpoint: str, fault: Fault, times: int = 1) -> None:
        """Answer the next ``times`` calls of ``endpoint`` (product_list, create, detail, upload_token,
        upload_put, media) with ``fault``."""
        self._faults.setdefault(endpoint, []).extend([fault] * times)

    def calls(self, endpoint: str) -> list[Recorded]:
        return [record for record in self.requests if record.endpoint == endpoint]

    def leaves(self, category: str) -> list[Json]:
        return iter_tree_leaves(self.products[category])

    def leaf(self, category: str, leaf_id: str) -> Json:
        return next(leaf for leaf in self.leaves(category) if leaf["id"] == leaf_id)

    def raise_prices(self, delta: int = 5, category: str | None = None) -> None:
        """Every rule costs ``delta`` more from now on (a stale quote then gets 6006)."""
        for leaf in self._leaves_of(category):
            for rule in leaf["credit_rules"]:
                rule["points"] += delta

    def rotate_attribute_ids(self, category: str | None = None) -> None:
        """Rule ``i`` takes rule ``i+1``'s attribute id (a stale quote then gets 6010)."""
        for leaf in self._leaves_of(category):
            rules = leaf["credit_rules"]
            ids = [rule["attribute_id"] for rule in rules]
            for rule, new_id in zip(rules, ids[1:] + ids[:1], strict=True):
                rule["attribute_id"] = new_id

    def _leaves_of(self, category: str | None) -> list[Json]:
        return [leaf for name in self.products if category in (None, name) for leaf in self.leaves(name)]

    # --- the application -----------------------------------------------------------------------
    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._gate])
        app.router.add_get("/open/v1/product/list", self._product_list, name="product_list")
        app.router.add_post("/open/v1/tasks/create", self._create, name="create")
        app.router.add_post("/open/v1/tasks/detail", self._detail, name="detail")
        app.router.add_get("/api/rest/oss/getuploadtoken", self._upload_token, name="upload_token")
        app.router.add_put("/oss/put/{token}", self._upload_put, name="upload_put")
        app.router.add_get("/cdn/{task_id}/{file}", self._media, name="media")
        return app

    @web.middleware
    async def _gate(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Record the request, check the API key, apply injected faults."""
        endpoint = request.match_info.route.name or "unknown"
        raw = await request.read()
        body: Any = raw if endpoint == "upload_put" else _json_or_none(raw)
        self.requests.append(
            Recorded(endpoint, request.method, request.path, dict(request.query), dict(request.headers), body)
        )
        delay = self.latency_s + self.endpoint_latency_s.get(endpoint, 0.0)
        if delay:
            await asyncio.sleep(delay)
        presented = request.headers.get("Authorization", "")
        if endpoint in _API_ENDPOINTS and presented != f"Bearer {self.api_key}":
            # Echoes what was presented, as careless servers do: clients must not pass it on.
            return answer(
                401, f"Unauthorized: invalid API key {presented.removeprefix('Bearer ')}", status=401
            )
        queued = self._faults.get(endpoint)
        if queued:
            return fault_response(queued.pop(0), self.retry_after_s)
        return await handler(request)

    async def _product_list(self, request: web.Request) -> web.Response:
        query = request.query
        if (
            query.get("app") != "ima"
            or query.get("platform") != "web"
            or query.get("category") not in self.products
        ):
            return answer(400, "invalid app, platform or category", status=400)
        return answer(0, "success", self.products[query["category"]])

    async def _create(self, request: web.Request) -> web.Response:
        body = await _body(request)
        outer = body.get("parameters") if isinstance(body, dict) else None
        if not isinstance(outer, list) or len(outer) != 1 or not isinstance(outer[0], dict):
            return answer(400, "parameters must hold one object", status=400)
        entry = outer[0]
        inner = entry.get("parameters")
        if (
            not isinstance(inner, dict)
            or not isinstance(inner.get("prompt"), str)
            or not inner["prompt"].strip()
        ):
            return answer(400, "prompt is required in parameters[0].parameters", status=400)
        words = keywords(inner["prompt"])
        for word, fault in CREATE_FAULTS.items():
            if word in words:
                return fault_response(fault, self.retry_after_s)
        if "ima-reject-policy" in words:
            return fault_response(Fault.CONTENT_REJECTED, self.retry_after_s)
        refusal = self._refusal(body, entry, inner)
        if refusal is not None:
            return refusal
        n = inner.get("n", 1)
        if "ima-broke" in words or self.balance < entry["credit"] * n:
            return fault_response(Fault.INSUFFICIENT_POINTS, self.retry_after_s)
        self.balance -= entry["credit"] * n
        task = FakeTask(
            id=f"task_{uuid.uuid4().hex[:16]}",
            category=entry["category"],
            model_id=entry["model_id"],
            prompt=inner["prompt"],
            created_at=self.clock(),
            n=n,
            duration_s=_seconds(inner.get("duration")),
            outcome=next((outcome for word, outcome in OUTCOMES.items() if word in words), Outcome.SUCCESS),
            cover_field="cover_url" if "ima-cover-url" in words else "cover",
            poll_faults=[fault for word, fault in POLL_FAULTS.items() if word in words],
        )
        self.tasks[task.id] = task
        if "ima-lost-answer" in words:  # created and charged, then the connection drops: no answer
            assert request.transport is not None
            request.transport.close()
        if "ima-gateway-504" in words:  # created and charged, but a gateway timed out in between
            return web.Response(status=504, text="<html>504 Gateway Time-out</html>")
        now_ms = int(time.time() * 1000)
        data = {"id": task.id, "biz_id": f"biz_{task.id[5:]}", "task_type": task.category, "medias": []}
        timing = {"generate_count": n, "created_at": now_ms, "timeout_at": now_ms + 600_000}
        return answer(0, "success", {**data, **timing})

    def _refusal(self, body: Json, entry: Json, inner: Json) -> web.Response | None:
        """Why IMA would refuse this create, or ``None``."""
        category = entry.get("category")
        if category not in self.products or body.get("task_type") != category:
            return answer(400, "task_type must equal parameters[0].category", status=400)
        leaf = next(
            (
                leaf
                for leaf in self.leaves(category)
                if leaf["model_id"] == entry.get("model_id") and leaf["id"] == entry.get("model_version")
            ),
            None,
        )
        if leaf is None:
            return answer(503, "model unavailable", status=503)
        if not entry.get("model_name") or entry.get("app") != "ima" or entry.get("platform") != "web":
            return answer(400, "model_name, app and platform are required", status=400)
        rule = next((r for r in leaf["credit_rules"] if r["attribute_id"] == entry.get("attribute_id")), None)
        if not entry.get("attribute_id") or rule is None:
            return fault_response(Fault.INVALID_ATTRIBUTE, self.retry_after_s)
        attributes = {k: v for k, v in rule["attributes"].items() if (k, v) != ("default", "enabled")}
        if any(key not in inner for key in attributes):
            return fault_response(Fault.NO_MATCHING_RULE, self.retry_after_s)
        if any(not _strictly_equal(inner[key], value) for key, value in attributes.items()):
            return fault_response(Fault.RULE_MISMATCH, self.retry_after_s)
        if entry.get("credit") != rule["points"]:
            return fault_response(Fault.CREDIT_MISMATCH, self.retry_after_s)
        if inner.get("cast") != {"points": rule["points"], "attribute_id": rule["attribute_id"]}:
            return answer(6006, "cast does not match credit and attribute_id", status=400)
        return self._image_refusal(
            category, body.get("src_img_url"), inner.get("input_images"), inner.get("n", 1)
        )

    def _image_refusal(self, category: str, urls: Any, mirrored: Any, n: Any) -> web.Response | None:
        least, most = _IMAGE_COUNTS[category]
        if not isinstance(urls, list) or urls != mirrored:
            return answer(400, "src_img_url and input_images must be the same list", status=400)
        if not least <= len(urls) <= most:
            return answer(400, f"{category} takes {least}-{most} images", status=400)
        for url in urls:
            if not isinstance(url, str) or not url.startswith("https://"):
                return answer(400, "images must be public https URLs", status=400)
            if url.startswith(CDN_PREFIX) and url not in self.uploads:
                return answer(400, "image not found", status=400)
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            return answer(400, "n must be a positive integer", status=400)
        return None

    async def _detail(self, request: web.Request) -> web.Response:
        body = await _body(request)
        task_id = body.get("task_id") if isinstance(body, dict) else None
        task = self.tasks.get(task_id) if isinstance(task_id, str) else None
        if task is None:
            return answer(404, "task not found")
        if task.poll_faults:
            return fault_response(task.poll_faults.pop(0), self.retry_after_s)
        elapsed = self.clock() - task.created_at
        return answer(0, "success", task.detail(elapsed, self.timings, f"{request.scheme}://{request.host}"))

    async def _upload_token(self, request: web.Request) -> web.Response:
        headers, query = request.headers, request.query
        if headers.get("ima-token") != self.api_key or headers.get("APP-KEY") != UPLOAD_APP_KEY:
            return answer(401, f"invalid upload token {headers.get('ima-token', '')}", status=401)
        if not query.get("suffix") or not query.get("content_type") or query.get("uid") != "0":
            return answer(400, "suffix, content_type and uid are required", status=400)
        token = uuid.uuid4().hex
        fdl = f"{CDN_PREFIX}{token}.{query['suffix']}"
        self._upload_slots[token] = (query["content_type"], fdl)
        ful = f"{request.scheme}://{request.host}/oss/put/{token}?Signature=fake"
        return answer(0, "success", {"ful": ful, "fdl": fdl})

    async def _upload_put(self, request: web.Request) -> web.Response:
        slot = self._upload_slots.pop(request.match_info["token"], None)
        if slot is None or request.headers.get("Content-Type") != slot[0]:
            return web.Response(status=403, text="<Error><Code>SignatureDoesNotMatch</Code></Error>")
        data = await request.read()
        if not data:
            return web.Response(status=400, text="<Error><Code>EmptyBody</Code></Error>")
        self.uploads[slot[1]] = data
        return web.Response(status=200)

    async def _media(self, request: web.Request) -> web.Response:
        if request.match_info["task_id"] not in self.tasks:
            return web.Response(status=404)
        if request.match_info["file"].endswith(".jpg"):
            return web.Response(body=b"\xff\xd8\xff\xe0fake-jpeg\xff\xd9", content_type="image/jpeg")
        return web.Response(body=b"\x00\x00\x00\x18ftypmp42fake-mp4", content_type="video/mp4")


async def _body(request: web.Request) -> Any:
    return _json_or_none(await request.read())  # aiohttp keeps the bytes read by the gate


def _json_or_none(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None


def _strictly_equal(left: Any, right: Any) -> bool:
    return type(left) is type(right) and left == right


def _seconds(value: Any) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 5
