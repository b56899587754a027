"""Builds the running application from settings: providers, catalogue, stores, flow, conversation."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from bot.settings import Settings
from handlers.channel import Outbox
from handlers.conversation import ConversationHandler
from handlers.flow import GenerationFlow
from handlers.jobs import JobStore, MemoryJobStore
from handlers.scheduling import JobScheduler
from handlers.services import Services
from handlers.timing import TimeScale
from prefs import PreferenceStore
from providers.base import VideoProvider
from providers.catalogue import Catalogue
from providers.ima import ImaClient
from providers.sandbox import SandboxProvider


def build_providers(
    settings: Settings, transport: httpx.AsyncBaseTransport | None = None
) -> list[VideoProvider]:
    """The configured providers in priority order; the offline sandbox when no key is set."""
    providers: list[VideoProvider] = []
    if settings.ima_api_key is not None:
        providers.append(
            ImaClient(
                api_key=settings.ima_api_key.get_secret_value(),
                base_url=settings.ima_base_url,
                upload_base_url=settings.ima_upload_base_url,
                language=settings.lang,
                transport=transport,
            )
        )
    if not providers:
        providers.append(SandboxProvider(output_dir=settings.videos_dir, time_scale=settings.time_scale))
    return providers


@dataclass
class App:
    """Everything the adapters need, wired once per process."""

    settings: Settings
    providers: list[VideoProvider]
    catalogue: Catalogue
    jobs: JobStore
    prefs: PreferenceStore
    outbox: Outbox
    scheduler: JobScheduler
    flow: GenerationFlow
    conversation: ConversationHandler

    @property
    def offline(self) -> bool:
        return all(isinstance(p, SandboxProvider) for p in self.providers)

    def start(self) -> None:
        self.scheduler.start()

    async def aclose(self) -> None:
        self.scheduler.shutdown()
        for provider in self.providers:
            await provider.aclose()


def build_app(settings: Settings, *, transport: httpx.AsyncBaseTransport | None = None) -> App:
    timescale = TimeScale(settings.time_scale)
    providers = build_providers(settings, transport)
    catalogue = Catalogue(providers)
    jobs = MemoryJobStore()
    prefs = PreferenceStore(settings.preferences_file)
    outbox = Outbox()
    scheduler = JobScheduler(timescale)
    flow = GenerationFlow(
        catalogue=catalogue,
        providers={p.name: p for p in providers},
        jobs=jobs,
        prefs=prefs,
        outbox=outbox,
        scheduler=scheduler,
        timescale=timescale,
    )
    services = Services(
        catalogue=catalogue,
        flow=flow,
        jobs=jobs,
        prefs=prefs,
        outbox=outbox,
        max_jobs_per_user=settings.max_jobs_per_user,
    )
    conversation = ConversationHandler(services, default_lang=settings.lang)
    return App(settings, providers, catalogue, jobs, prefs, outbox, scheduler, flow, conversation)
