"""The operator console: nothing without its token; jobs filtered by state, user, chat and provider; one
job's history; cancelling a job; the spending guard's admin commands (audited); balances and figures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from bot.console import ConsoleSettings
from bot.operations import start_operations
from bot.webserver import WebServer
from handlers.jobs import JobState
from messages.web import console_locked
from tests.bot.test_cancel import job_in
from tests.bot.web.support import CONSOLE_TOKEN, Page, running_web, settled
from tests.support import running_app

AUTH = {"Authorization": f"Bearer {CONSOLE_TOKEN}"}
SLOW: dict[str, Any] = {"VIDEOBOT_TIME_SCALE": 0.02}


async def test_nothing_is_served_without_the_token(tmp_path: Path) -> None:
    async with running_web(tmp_path) as (_, server), httpx.AsyncClient(base_url=server.url) as client:
        for path in ("/console", "/console/api/jobs", "/console/api/figures", "/console/api/balances"):
            assert (await client.get(path)).status_code == 401
            assert (await client.get(path, headers={"Authorization": "Bearer wrong"})).status_code == 401
        assert (await client.post("/console/api/jobs/job_x/cancel")).status_code == 401
        answer = await client.post("/console/api/admin", json={"command": "block web:abc"})
        assert answer.status_code == 401 and answer.text == console_locked("zh")  # VIDEOBOT_LANG's default
        page = await client.get("/console", params={"token": CONSOLE_TOKEN})  # the link sets a cookie
        assert page.status_code == 200 and "videobot_console" in page.headers["set-cookie"]
        assert '"jobs": "Jobs"' in page.text or '"jobs": "任务"' in page.text
        assert (await client.get("/console/api/jobs")).status_code == 200  # the cookie now
        cross = await client.post(
            "/console/api/admin", json={"command": "audit"}, headers={"Sec-Fetch-Site": "cross-site"}
        )
        assert cross.status_code == 403


async def test_no_token_configured_no_console(tmp_path: Path) -> None:
    async with running_app(tmp_path) as (app, _):
        server = WebServer("127.0.0.1", 0)
        await server.start()
        try:
            operations = await start_operations(app, server, ConsoleSettings())
            async with httpx.AsyncClient(base_url=server.url) as client:
                assert (await client.get("/console", params={"token": ""})).status_code == 404
                assert (await client.get("/metrics")).status_code == 200
            assert operations.console_url is None
            await operations.metrics.aclose()
        finally:
            await server.aclose()


async def test_jobs_their_history_figures_and_balances(tmp_path: Path) -> None:
    async with running_web(tmp_path) as (app, server), Page.opened(server.url) as page:
        await page.say("make a video of a kite")
        await page.until(lambda: page.bot("link"))
        await page.say("make a video of a storm #fail")
        await page.until(lambda: page.bot("failure"))
        await settled(app)
        async with httpx.AsyncClient(base_url=server.url, headers=AUTH) as client:
            jobs = (await client.get("/console/api/jobs")).json()
            failed = (await client.get("/console/api/jobs", params={"state": "failed"})).json()
            user = jobs[0]["user"]
            mine = (
                await client.get("/console/api/jobs", params={"user": user, "chat": jobs[0]["chat"]})
            ).json()
            other = (await client.get("/console/api/jobs", params={"provider": "ima"})).json()
            detail = (await client.get(f"/console/api/jobs/{failed[0]['id']}")).json()
            missing = await client.get("/console/api/jobs/job_nope")
            figures = (await client.get("/console/api/figures")).json()
            balances = (await client.get("/console/api/balances")).json()
    assert [job["state"] for job in jobs] == ["failed", "delivered"] and len(mine) == 2 and other == []
    assert [job["prompt"] for job in failed] == ["a storm #fail"] and user.startswith("web:")
    assert detail["error"] == "generation_failed" and [e["state"] for e in detail["history"]][-1] == "failed"
    assert missing.status_code == 404
    assert figures["jobs"] == {"delivered": 1, "failed": 1} and figures["loop_lag_s"] >= 0
    assert (
        balances == [{"provider": "sandbox", "amount": None, "unit": "free"}]
        or balances[0]["provider"] == "sandbox"
    )


async def test_an_operator_cancels_a_running_job_and_its_user_sees_it(tmp_path: Path) -> None:
    async with running_web(tmp_path, **SLOW) as (app, server), Page.opened(server.url) as page:
        await page.say("make a video of a slow glacier #slow")
        await page.until(lambda: page.bot("progress"))
        job = await job_in(app, (await app.jobs.recent())[0].user_key, JobState.RUNNING)
        async with httpx.AsyncClient(base_url=server.url, headers=AUTH) as client:
            answer = await client.post(f"/console/api/jobs/{job.id}/cancel")
            unknown = await client.post("/console/api/jobs/job_nope/cancel")
        await page.until(lambda: page.bot("cancelled"))
        ended = await app.jobs.get(job.id)
    assert answer.json() == {"outcome": "free", "state": "cancelled"} and unknown.status_code == 404
    assert ended is not None and ended.state is JobState.CANCELLED


async def test_admin_commands_are_the_spending_guards_own_and_audited(tmp_path: Path) -> None:
    async with (
        running_web(tmp_path) as (app, server),
        httpx.AsyncClient(base_url=server.url, headers=AUTH) as client,
    ):
        done = await client.post("/console/api/admin", json={"command": "budget user web:abc day 5"})
        usage = await client.post("/console/api/admin", json={"command": "usage user web:abc"})
        bad = await client.post("/console/api/admin", json={"command": "make me a sandwich"})
        unreadable = await client.post("/console/api/admin", content=b"not json")
        log = await app.jobs.audit_log()
    assert done.status_code == 200 and "5" in done.json()["answer"]
    assert "web:abc" in usage.json()["answer"]
    assert bad.status_code == 400 and unreadable.status_code == 400
    assert [(entry.actor, entry.target) for entry in log] == [("console:operator", "user:web:abc")]
