"""The SDK's requests go out on the adapter's one pooled client: no client (and no TLS context, about
30 ms of CPU each) is made per message, as lark-oapi's own async methods do."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.bot.feishu.harness import running_feishu


async def test_videos_are_told_without_a_new_http_client_per_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running_feishu(tmp_path) as feishu:
        made: list[object] = []
        init = httpx.AsyncClient.__init__

        def counted(self: httpx.AsyncClient, *args: Any, **kwargs: Any) -> None:
            made.append(self)
            init(self, *args, **kwargs)

        monkeypatch.setattr(httpx.AsyncClient, "__init__", counted)
        fake = feishu.fake
        asked = [fake.text(f"做一个小船第 {n} 号的视频", dm=True) for n in range(2)]  # two: within the limit
        for event in asked:
            await fake.deliver(event)
        await feishu.settle()
        for event in asked:  # notice card, the video (uploaded, then sent), its link: all through the SDK
            kinds = [m.msg_type for m in fake.replies_to(event["event"]["message"]["message_id"])]
            assert kinds == ["interactive", "media", "text"]
        assert fake.state.uploads and made == [], "every request reused the adapter's client"
