"""Webhook mode: Feishu POSTs encrypted, signed events to /feishu/events on our HTTP server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from tests.bot.feishu.harness import ENCRYPT_KEY, Feishu, running_feishu
from tests.fakes.feishu.events import encrypt, signed_headers, url_verification

WEBHOOK = {"FEISHU_CONNECTION": "webhook", "FEISHU_ENCRYPT_KEY": ENCRYPT_KEY}


async def post(feishu: Feishu, payload: dict[str, Any], *, key: str = ENCRYPT_KEY) -> httpx.Response:
    body = encrypt(payload, key)
    async with httpx.AsyncClient() as client:
        return await client.post(
            f"{feishu.web.url}/feishu/events",
            content=body,
            headers={"Content-Type": "application/json", **signed_headers(body, key)},
        )


async def test_url_verification_then_an_encrypted_signed_message(tmp_path: Path) -> None:
    async with running_feishu(tmp_path, feishu=WEBHOOK) as feishu:
        challenge = url_verification(feishu.fake.verification_token)
        answer = await post(feishu, challenge)
        assert answer.status_code == 200 and answer.json() == {"challenge": challenge["challenge"]}

        event = feishu.fake.text("做一个风筝在天上飞的视频")
        answer = await post(feishu, event)
        assert answer.status_code == 200 and answer.elapsed.total_seconds() < 3
        await feishu.settle()
        asked = event["event"]["message"]["message_id"]
        assert [m.msg_type for m in feishu.fake.replies_to(asked)] == ["interactive", "media", "text"]

        assert (await post(feishu, feishu.fake.redelivered(event))).status_code == 200  # a retry: acked
        await feishu.fake.wait_quiet(0.3)
        assert len(await feishu.app.jobs.recent()) == 1


async def test_forged_or_mistaken_requests_are_refused(tmp_path: Path) -> None:
    async with running_feishu(tmp_path, feishu=WEBHOOK) as feishu:
        fake = feishu.fake
        forged = fake.text("a video of a forged request")
        body = encrypt(forged, ENCRYPT_KEY)
        headers = {**signed_headers(body, ENCRYPT_KEY), "x-lark-signature": "0" * 64}
        async with httpx.AsyncClient() as client:
            refused = await client.post(f"{feishu.web.url}/feishu/events", content=body, headers=headers)
            plain = await client.post(f"{feishu.web.url}/feishu/events", content=json.dumps(forged).encode())
            health = await client.get(f"{feishu.web.url}/healthz")
        assert refused.status_code != 200 and plain.status_code != 200
        wrong_token = fake.text("a video with the wrong token")
        wrong_token["header"]["token"] = "not-the-token"
        assert (await post(feishu, wrong_token)).status_code != 200
        assert (await post(feishu, fake.text("a video, wrong key"), key="another-key")).status_code != 200
        await fake.wait_quiet(0.3)
        assert not fake.state.sends and not await feishu.app.jobs.recent()
        assert health.status_code == 200 and health.json()["ok"] is True
