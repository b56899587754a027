"""The interface every provider client implements."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol, runtime_checkable

from providers.types import (
    CreditUnit,
    GenerationRequest,
    LiveModel,
    Offer,
    Quote,
    TaskHandle,
    TaskStatus,
    TaskType,
)


@runtime_checkable
class VideoProvider(Protocol):
    """An async client for one video API. It knows no chat.

    The life of a job: ``quote`` (exact parameters and credits, nothing spent), ``submit``
    (creates the paid task; returns the handle with the quote actually sent), then ``poll``
    until the status is done. Every failure is a :class:`providers.errors.ProviderError`:
    ``quote``/``submit`` raise; ``poll`` raises for a failure to *ask* (network, rate limit,
    auth) and returns ``TaskState.FAILED`` with an ``error_kind`` when the *task* failed.
    """

    name: str
    unit: CreditUnit

    async def list_models(self, task_type: TaskType) -> list[LiveModel]:
        """What this provider offers now for ``task_type`` (cached by the client)."""
        ...

    async def quote(self, request: GenerationRequest, offer: Offer) -> Quote:
        """Resolve parameters and price for ``request`` on ``offer``; spends nothing."""
        ...

    async def submit(self, quote: Quote, request: GenerationRequest, *, key: str | None = None) -> TaskHandle:
        """Create the task (uploading input images as needed). Charges credits.

        ``key`` names the intent (our job id): a provider that takes an idempotency key sends it, one
        that can look tasks up (:class:`TaskFinder`) may use it to find this task again.
        """
        ...

    async def poll(self, handle: TaskHandle) -> TaskStatus:
        """One status check of a created task."""
        ...

    async def aclose(self) -> None:
        """Release connections."""
        ...


@runtime_checkable
class TaskFinder(Protocol):
    """A provider that can look up a task whose create answer was lost: reconciliation.

    ``find_task`` returns the task created for ``key`` (or, where the API keeps no key, the task whose
    input matches ``request`` created at or after ``since``), or ``None`` when the provider proves no
    such task exists (nothing was paid). It raises a :class:`providers.errors.ProviderError` when it
    cannot tell (yet): the caller asks again later or reports the job as uncertain.
    """

    async def find_task(
        self, quote: Quote, request: GenerationRequest, *, key: str, since: datetime
    ) -> TaskHandle | None: ...


@runtime_checkable
class TaskCanceller(Protocol):
    """A provider whose API can withdraw a task it has not started (AIVideoMaker while ``SUBMITTED``).

    ``cancel`` returns True when the task was withdrawn and nothing is charged for it, False when the
    provider refuses because the work has begun (it runs on and is charged). It raises a
    :class:`providers.errors.ProviderError` when it could not ask.
    """

    async def cancel(self, handle: TaskHandle) -> bool: ...
