"""Fake IMA tasks: failure modes, prompt keywords, canned answers, and a task's detail over time."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from aiohttp import web

Json = dict[str, Any]


class Fault(StrEnum):
    """An injected answer in place of the real one."""

    RATE_LIMITED = "rate_limited"  # HTTP 429 + Retry-After
    UNAVAILABLE = "unavailable"  # HTTP 503 {code: 503}
    SERVER_ERROR = "server_error"  # HTTP 500 {code: 500}
    MALFORMED = "malformed"  # HTTP 200, truncated JSON
    WRONG_SHAPE = "wrong_shape"  # HTTP 200 {code: 0, data: "unexpected"}
    UNAUTHORIZED = "unauthorized"  # HTTP 401 {code: 401}
    INSUFFICIENT_POINTS = "insufficient_points"  # HTTP 200 {code: 4008}
    CREDIT_MISMATCH = "credit_mismatch"  # HTTP 400 {code: 6006}
    NO_MATCHING_RULE = "no_matching_rule"  # HTTP 400 {code: 6009}
    RULE_MISMATCH = "rule_mismatch"  # HTTP 400 {code: 6010}
    INVALID_ATTRIBUTE = "invalid_attribute"  # HTTP 400 {code: 6001, "Invalid product attribute"}
    BAD_PARAMS = "bad_params"  # HTTP 400 {code: 400}
    CONTENT_REJECTED = "content_rejected"  # HTTP 200 {code: 1301, "...sensitive content..."}


class Outcome(StrEnum):
    """How a created task ends."""

    SUCCESS = "success"
    FAILED = "failed"  # rs 2
    DELETED = "deleted"  # rs 3
    STATUS_FAILED = "status_failed"  # rs 1 with status "failed"
    CONTENT_POLICY = "content_policy"  # rs 2 with a moderation text


CREATE_FAULTS = {
    "ima-429": Fault.RATE_LIMITED,
    "ima-503": Fault.UNAVAILABLE,
    "ima-500": Fault.SERVER_ERROR,
    "ima-malformed": Fault.MALFORMED,
}
POLL_FAULTS = {
    "ima-poll-429": Fault.RATE_LIMITED,
    "ima-poll-503": Fault.UNAVAILABLE,
    "ima-poll-malformed": Fault.MALFORMED,
}
OUTCOMES = {
    "ima-fail": Outcome.FAILED,
    "ima-deleted": Outcome.DELETED,
    "ima-status-failed": Outcome.STATUS_FAILED,
    "ima-policy": Outcome.CONTENT_POLICY,
}
POLICY_TEXT = "Output blocked by content moderation: sensitive content detected"


def keywords(prompt: str) -> set[str]:
    """The ``ima-…`` keywords in a prompt."""
    return set(re.findall(r"ima-[a-z0-9-]+", prompt.lower()))


@dataclass(frozen=True)
class Timings:
    """Seconds a task spends in each phase before the finished media appears."""

    queued_s: float
    processing_s: float
    empty_url_s: float


@dataclass
class FakeTask:
    id: str
    category: str
    model_id: str
    prompt: str
    created_at: float
    n: int
    duration_s: int
    outcome: Outcome = Outcome.SUCCESS
    cover_field: str = "cover"
    poll_faults: list[Fault] = field(default_factory=list)

    def detail(self, elapsed: float, timings: Timings, origin: str) -> Json:
        """The detail answer's ``data`` ``elapsed`` seconds after creation (media files under ``origin``)."""
        medias = [self._media(index, elapsed, timings, origin) for index in range(self.n)]
        top = "failed" if any(media["status"] == "failed" for media in medias) else medias[0]["status"]
        return {
            "id": self.id,
            "task_type": self.category,
            "prompt": self.prompt,
            "status": top,
            "medias": medias,
        }

    def _media(self, index: int, elapsed: float, timings: Timings, origin: str) -> Json:
        media: Json = {"id": f"{self.id}_{index}", "model_id": self.model_id, "format": "mp4", "url": ""}
        media[self.cover_field] = ""
        processing_until = timings.queued_s + timings.processing_s
        if elapsed < timings.queued_s:
            return {**media, "resource_status": None, "status": "pending"}
        if elapsed < processing_until:
            return {**media, "resource_status": 0, "status": "processing"}
        ended = {
            Outcome.FAILED: {
                "resource_status": 2,
                "status": "failed",
                "error_msg": "Video generation failed",
            },
            Outcome.DELETED: {"resource_status": 3, "status": "success"},
            Outcome.STATUS_FAILED: {"resource_status": 1, "status": "failed", "remark": "provider error"},
            Outcome.CONTENT_POLICY: {"resource_status": 2, "status": "failed", "error_msg": POLICY_TEXT},
        }.get(self.outcome)
        if ended is not None:
            return {**media, **ended}
        if elapsed < processing_until + timings.empty_url_s:
            return {**media, "resource_status": 1, "status": "success"}
        files = f"{origin}/cdn/{self.id}/{index}"
        return {
            **media,
            "resource_status": 1,
            "status": "success",
            "url": f"{files}.mp4",
            self.cover_field: f"{files}.jpg",
            "duration_str": f"{self.duration_s}s",
            "width": 1280,
            "height": 720,
        }


class ManualClock:
    """A clock tests move by hand: ``FakeIma(clock=clock)``, then ``clock.advance(seconds)``."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def answer(code: int, message: str, data: Any = None, *, status: int = 200) -> web.Response:
    """An IMA envelope."""
    return web.json_response({"code": code, "message": message, "data": data}, status=status)


_REFUSALS = {
    Fault.UNAVAILABLE: (503, "Service temporarily unavailable", 503),
    Fault.SERVER_ERROR: (500, "Internal server error", 500),
    Fault.UNAUTHORIZED: (401, "Unauthorized: invalid API key", 401),
    Fault.INSUFFICIENT_POINTS: (4008, "Insufficient points", 200),
    Fault.CREDIT_MISMATCH: (6006, "Credit does not match the rule's points", 400),
    Fault.NO_MATCHING_RULE: (6009, "No matching rule for the given parameters", 400),
    Fault.RULE_MISMATCH: (6010, "Attribute ID does not match the calculated rule", 400),
    Fault.INVALID_ATTRIBUTE: (6001, "Invalid product attribute", 400),
    Fault.BAD_PARAMS: (400, "Invalid parameters", 400),
    Fault.CONTENT_REJECTED: (1301, "Prompt contains sensitive content and was rejected by moderation", 200),
}


def fault_response(fault: Fault, retry_after_s: int | None) -> web.Response:
    """The canned answer for ``fault`` (the same codes and texts the validating paths use); a 429
    carries ``Retry-After`` unless ``retry_after_s`` is ``None``."""
    if fault in _REFUSALS:
        code, message, status = _REFUSALS[fault]
        return answer(code, message, status=status)
    if fault is Fault.RATE_LIMITED:
        response = answer(429, "Too many requests", status=429)
        if retry_after_s is not None:
            response.headers["Retry-After"] = str(retry_after_s)
        return response
    if fault is Fault.MALFORMED:
        return web.Response(status=200, text='{"code": 0, "data": {"id": ', content_type="application/json")
    return answer(0, "success", "unexpected")  # WRONG_SHAPE
