"""The interface every provider client implements."""

from __future__ import annotations

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

    async def submit(self, quote: Quote, request: GenerationRequest) -> TaskHandle:
        """Create the task (uploading input images as needed). Charges credits."""
        ...

    async def poll(self, handle: TaskHandle) -> TaskStatus:
        """One status check of a created task."""
        ...

    async def aclose(self) -> None:
        """Release connections."""
        ...
