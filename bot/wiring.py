"""Builds the running application from settings: providers, catalogue, stores, flow, conversation."""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import timedelta

import httpx

from bot.providers import build_providers
from bot.settings import Settings
from bot.stores import build_stores
from handlers.access import AccessControl
from handlers.channel import Outbox
from handlers.conversation import ConversationHandler
from handlers.flow import GenerationFlow
from handlers.image_links import Resolver, system_resolver
from handlers.jobs import JobStore
from handlers.scheduling import JobScheduler
from handlers.services import Services
from handlers.timing import TimeScale
from prefs.base import Preferences
from providers.base import VideoProvider
from providers.catalogue import Catalogue
from providers.links import redirect_probe
from providers.routing import Strategy
from providers.types import CreditUnit

log = logging.getLogger(__name__)

# Inbound message ids are remembered this long (Feishu redelivers for about 7 hours).
INBOUND_RETENTION = timedelta(hours=24)
PRUNE_EVERY_S = 24 * 3600
ACCESS_REFRESH_S = 30


@dataclass
class App:
    """Everything the adapters need, wired once per process."""

    settings: Settings
    timescale: TimeScale
    providers: list[VideoProvider]
    catalogue: Catalogue
    jobs: JobStore
    prefs: Preferences
    outbox: Outbox
    scheduler: JobScheduler
    flow: GenerationFlow
    conversation: ConversationHandler
    access: AccessControl
    serving: set[tuple[frozenset[str], str | None]] = field(default_factory=set)  # what resume was asked

    @property
    def offline(self) -> bool:
        """Only the offline sandbox (or other free providers) configured: the demo, nothing is paid."""
        return all(provider.unit is CreditUnit.FREE for provider in self.catalogue.providers)

    async def prepare(self) -> None:
        """Open the job ledger now (a damaged or locked file fails here, at start), prune it and read
        the admins' run-time access changes."""
        await self.jobs.recent(limit=1)
        await self.prune()
        await self.refresh_access()

    async def refresh_access(self) -> None:
        """Admins' changes made elsewhere (the CLI, another process) reach this one within a minute."""
        self.access.load(await self.jobs.controls())

    async def prune(self) -> None:
        now = self.timescale.now()
        removed = await self.jobs.prune(
            finished_before=now - timedelta(days=self.settings.job_retention_days),
            inbound_before=now - INBOUND_RETENTION,
        )
        if removed:
            log.info("pruned %d finished jobs", removed)

    def start(self) -> None:
        self.catalogue.warm()
        self.scheduler.start()
        self.scheduler.every("prune", PRUNE_EVERY_S, self.prune)
        self.scheduler.every("access", ACCESS_REFRESH_S, self.refresh_access)
        if self.jobs.shared:  # several instances: hold our jobs, take those of an instance that died
            every_s = self.settings.lease_s / 3
            self.scheduler.every("leases", every_s, self.renew_leases)
            self.scheduler.every("take-over", every_s, self.take_over)

    async def resume(self, platforms: Collection[str], user_key: str | None = None) -> int:
        """Pick up unfinished jobs of the platforms whose adapters are running (with a shared ledger,
        again every few seconds: the jobs of an instance that stopped)."""
        self.serving.add((frozenset(platforms), user_key))
        return await self.flow.resume(platforms=platforms, user_key=user_key)

    async def renew_leases(self) -> None:
        """Hold our jobs a lease longer; let go of those another instance took meanwhile."""
        working = self.flow.watched()
        held = await self.jobs.renew_leases()
        self.flow.let_go(working - held)

    async def take_over(self) -> None:
        for platforms, user_key in list(self.serving):
            taken = await self.flow.resume(platforms=platforms, user_key=user_key)
            if taken:
                log.info("took over %d jobs of an instance that stopped", taken)

    async def aclose(self) -> None:
        """Drain the flow (creates in flight get the grace period), then close clients and the ledger."""
        await self.flow.drain(self.settings.shutdown_grace_s)
        await self.catalogue.aclose()
        for provider in self.providers:
            await provider.aclose()
        await self.jobs.close()


def build_app(
    settings: Settings,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    jobs: JobStore | None = None,
    resolve: Resolver = system_resolver,
) -> App:
    timescale = TimeScale(settings.time_scale)
    providers = build_providers(settings, transport)
    catalogue = Catalogue(providers, strategy=Strategy(settings.routing), pin=settings.pinned_provider)
    stores = build_stores(settings)
    jobs = jobs or stores.jobs
    prefs = stores.prefs
    outbox = Outbox()
    access = AccessControl(settings.admin_keys)
    scheduler = JobScheduler(timescale)
    flow = GenerationFlow(
        catalogue=catalogue,
        providers={p.name: p for p in providers},
        jobs=jobs,
        prefs=prefs,
        outbox=outbox,
        scheduler=scheduler,
        timescale=timescale,
        budget=settings.budget,
        max_working=settings.max_jobs_per_user,
    )
    services = Services(
        catalogue=catalogue,
        flow=flow,
        jobs=jobs,
        prefs=prefs,
        outbox=outbox,
        max_jobs_per_user=settings.max_jobs_per_user,
        max_queued_per_user=settings.max_queued_per_user,
        timescale=timescale,
        resolve=resolve,
        probe=redirect_probe(transport),
        budget=settings.budget,
        confirm=settings.confirmation,
        access=access,
    )
    conversation = ConversationHandler(services, default_lang=settings.lang)
    return App(
        settings, timescale, providers, catalogue, jobs, prefs, outbox, scheduler, flow, conversation, access
    )
