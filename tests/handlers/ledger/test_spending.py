"""The ledger's money: reservation with admission, charge and release with the job, overrides, audit."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from handlers.budgets import Budget, Charge, Limits, Period, Scope, SpendState
from handlers.controls import AuditEntry, Control
from handlers.inbound import ChatRef
from handlers.jobs import Job, JobState, JobStore
from handlers.ledger import SqliteJobStore
from handlers.ledger.schema import SCHEMA
from handlers.timing import utc_now
from providers.errors import ErrorKind
from providers.types import TaskHandle
from tests.handlers.ledger.factory import EPOCH, make_job, quote_for
from tests.handlers.ledger.stores import opened_store

BUDGET = Budget(Limits(user_day=100_000, user_month=None, chat_day=150_000, chat_month=None, job=80_000))
GROUP = ChatRef(platform="feishu", chat_id="oc_team", user_id="ou_a", space="oc_team")


@pytest.fixture(params=["sqlite", "postgres"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[JobStore]:
    async with opened_store(request, tmp_path) as opened:
        yield opened


def job_of(number: int, cost: int, *, user: str = "ou_a", chat: ChatRef = GROUP) -> Job:
    job = make_job(number, user=user, created_at=EPOCH + timedelta(minutes=number))
    job.chat = chat.model_copy(update={"user_id": user})
    job.cost = cost
    return job


def charge_of(job: Job, budget: Budget = BUDGET) -> Charge:
    return Charge(
        user=job.user_key, chat=job.chat.space_key, millicents=job.cost, at=job.created_at, budget=budget
    )


async def spent(store: JobStore, scope: Scope, key: str) -> int:
    return (await store.usage(scope, key, BUDGET, EPOCH + timedelta(hours=1))).day


async def test_admission_reserves_the_cost_in_the_same_transaction(store: JobStore) -> None:
    job = job_of(1, 60_000)
    assert (await store.admit(job, max_working=5, charge=charge_of(job))).admitted
    assert job.spend is SpendState.RESERVED
    assert await spent(store, Scope.USER, "feishu:ou_a") == 60_000
    assert await spent(store, Scope.CHAT, "feishu:oc_team") == 60_000


async def test_over_budget_records_nothing(store: JobStore) -> None:
    first, second = job_of(1, 60_000), job_of(2, 50_000)
    assert (await store.admit(first, max_working=5, charge=charge_of(first))).admitted
    admission = await store.admit(second, max_working=5, charge=charge_of(second))
    assert not admission.admitted and not admission.busy
    assert admission.over_budget is not None
    assert (admission.over_budget.scope, admission.over_budget.left) == (Scope.USER, 40_000)
    assert await store.get(second.id) is None
    assert await spent(store, Scope.USER, "feishu:ou_a") == 60_000


async def test_two_people_share_the_chat_budget(store: JobStore) -> None:
    alice, bob, alice_again = job_of(1, 70_000), job_of(2, 70_000, user="ou_b"), job_of(3, 20_000)
    assert (await store.admit(alice, max_working=5, charge=charge_of(alice))).admitted
    assert (await store.admit(bob, max_working=5, charge=charge_of(bob))).admitted
    refused = await store.admit(alice_again, max_working=5, charge=charge_of(alice_again))
    assert refused.over_budget is not None and refused.over_budget.scope is Scope.CHAT
    assert refused.over_budget.left == 10_000


async def test_the_per_job_maximum(store: JobStore) -> None:
    job = job_of(1, 90_000)
    refused = await store.admit(job, max_working=5, charge=charge_of(job))
    assert refused.over_budget is not None and refused.over_budget.period is Period.JOB


async def test_charged_once_the_task_exists_and_kept_when_it_fails(store: JobStore) -> None:
    job = job_of(1, 60_000)
    await store.admit(job, max_working=5, charge=charge_of(job))
    job.quote = quote_for(job)
    for state in (JobState.QUOTED, JobState.NOTIFIED, JobState.SUBMITTING, JobState.RUNNING):
        job.advance(state)
    job.handle = TaskHandle(provider="ima", task_id="t1", quote=job.quote, created_at=EPOCH)
    await store.save(job)
    assert job.spend is SpendState.CHARGED
    job.advance(JobState.FAILED)  # the provider ran it: it stays charged
    await store.save(job)
    assert await spent(store, Scope.USER, "feishu:ou_a") == 60_000


@pytest.mark.parametrize("end", [JobState.FAILED, JobState.UNREACHABLE])
async def test_released_when_no_task_was_created(store: JobStore, end: JobState) -> None:
    job = job_of(1, 60_000)
    await store.admit(job, max_working=5, charge=charge_of(job))
    job.advance(JobState.QUOTED)
    job.advance(end)
    job.error_kind = ErrorKind.NETWORK
    await store.save(job)
    assert job.spend is SpendState.RELEASED
    assert await spent(store, Scope.USER, "feishu:ou_a") == 0
    second = job_of(2, 80_000)  # the released money is there again
    assert (await store.admit(second, max_working=5, charge=charge_of(second))).admitted


async def test_an_uncertain_create_stays_reserved(store: JobStore) -> None:
    job = job_of(1, 60_000)
    await store.admit(job, max_working=5, charge=charge_of(job))
    for state in (JobState.QUOTED, JobState.NOTIFIED, JobState.SUBMITTING, JobState.UNCERTAIN):
        job.advance(state)
    await store.save(job)
    assert job.spend is SpendState.RESERVED
    assert await spent(store, Scope.USER, "feishu:ou_a") == 60_000


async def test_a_failover_moves_the_reservation(store: JobStore) -> None:
    job = job_of(1, 60_000)
    await store.admit(job, max_working=5, charge=charge_of(job))
    job.cost = 45_000  # quoted again at the next provider
    await store.save(job)
    assert await spent(store, Scope.USER, "feishu:ou_a") == 45_000


async def test_a_limit_override_and_its_reset_are_audited(store: JobStore) -> None:
    entry = AuditEntry(at=EPOCH, actor="feishu:ou_admin", action="budget", target="user:feishu:ou_a")
    await store.set_limit(Scope.USER, "feishu:ou_a", Period.DAY, 500_000, entry)
    usage = await store.usage(Scope.USER, "feishu:ou_a", BUDGET, EPOCH)
    assert usage.day_limit == 500_000 and usage.job_limit == 80_000
    job = job_of(1, 60_000)
    big = job_of(2, 80_000)
    await store.admit(job, max_working=5, charge=charge_of(job))
    assert (await store.admit(big, max_working=5, charge=charge_of(big))).admitted
    await store.set_limit(Scope.USER, "feishu:ou_a", None, None, entry.model_copy(update={"action": "reset"}))
    assert (await store.usage(Scope.USER, "feishu:ou_a", BUDGET, EPOCH)).day_limit == 100_000
    assert [e.action for e in await store.audit_log()] == ["reset", "budget"]


async def test_controls_are_set_and_removed_with_audit(store: JobStore) -> None:
    entry = AuditEntry(at=EPOCH, actor="cli:root", action="block", target="feishu:ou_a")
    await store.set_control(Control.BLOCKED, "feishu:ou_a", "yes", entry)
    await store.set_control(Control.GATE, "feishu:dms", "off", entry.model_copy(update={"action": "gate"}))
    assert await store.controls() == {
        (Control.BLOCKED, "feishu:ou_a"): "yes",
        (Control.GATE, "feishu:dms"): "off",
    }
    await store.set_control(
        Control.BLOCKED, "feishu:ou_a", None, entry.model_copy(update={"action": "unblock"})
    )
    assert await store.controls() == {(Control.GATE, "feishu:dms"): "off"}
    assert len(await store.audit_log(limit=2)) == 2


async def test_spend_outlives_a_pruned_job(store: JobStore) -> None:
    now = utc_now()
    job = job_of(1, 60_000)
    job.created_at = now
    await store.admit(job, max_working=5, charge=charge_of(job))
    job.quote = quote_for(job)
    for state in (JobState.QUOTED, JobState.NOTIFIED, JobState.SUBMITTING, JobState.RUNNING):
        job.advance(state)
    job.handle = TaskHandle(provider="ima", task_id="t1", quote=job.quote, created_at=now)
    job.advance(JobState.FAILED)
    await store.save(job)
    assert await store.prune(finished_before=now + timedelta(days=1), inbound_before=now) == 1
    assert await store.get(job.id) is None
    assert (await store.usage(Scope.USER, "feishu:ou_a", BUDGET, now)).day == 60_000


async def test_a_version_1_ledger_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = sqlite3.connect(path)
    for statement in SCHEMA:
        old.execute(statement)
    old.execute("PRAGMA user_version = 1")
    old.commit()
    old.close()
    store = await SqliteJobStore.open(path)
    try:
        job = job_of(1, 10_000)
        assert (await store.admit(job, max_working=5, charge=charge_of(job))).admitted
        assert await spent(store, Scope.USER, "feishu:ou_a") == 10_000
    finally:
        await store.close()
