"""The access policy on Feishu: outside it nobody spends; a DM hears why once a day, a group nothing."""

from __future__ import annotations

import json
from pathlib import Path

from tests.bot.feishu.harness import ALICE, running_feishu
from tests.fakes.feishu.fake import GROUP

BOB = "ou_bob00000000000000000000000002"


async def test_dms_on_an_allowlist_let_in_only_who_is_named(tmp_path: Path) -> None:
    policy = {"FEISHU_DM_ACCESS": "allowlist", "FEISHU_ALLOWED_USERS": ALICE}
    async with running_feishu(tmp_path, feishu=policy) as feishu:
        fake = feishu.fake
        for _ in range(3):  # asked three times: told once
            await fake.deliver(fake.text("make a video of a kite", dm=True, sender=BOB))
        await fake.deliver(fake.text("make a video of a kite", dm=True))
        await feishu.settle()
        jobs = await feishu.app.jobs.recent()
        texts = [json.loads(m.content)["text"] for m in fake.state.bot_messages("text")]
    assert [job.user_key for job in jobs] == [f"feishu:{ALICE}"]
    assert sum("isn't switched on for you here" in text for text in texts) == 1


async def test_a_group_outside_the_policy_hears_nothing_and_an_allowed_one_works(tmp_path: Path) -> None:
    closed = {"FEISHU_GROUP_ACCESS": "allowlist", "FEISHU_ALLOWED_CHATS": "oc_some_other_group"}
    async with running_feishu(tmp_path, feishu=closed) as feishu:
        await feishu.fake.deliver(feishu.fake.text("make a video of a kite"))
        await feishu.fake.wait_quiet(0.4)
        assert not await feishu.app.jobs.recent() and not feishu.fake.state.sends
    opened = {"FEISHU_GROUP_ACCESS": "allowlist", "FEISHU_ALLOWED_CHATS": f"oc_some_other_group,{GROUP}"}
    async with running_feishu(tmp_path / "again", feishu=opened) as feishu:
        await feishu.fake.deliver(feishu.fake.text("make a video of a kite"))
        await feishu.settle()
        assert len(await feishu.app.jobs.recent()) == 1


async def test_a_tenant_on_the_list_lets_its_people_in_and_off_means_off(tmp_path: Path) -> None:
    async with running_feishu(
        tmp_path,
        feishu={
            "FEISHU_GROUP_ACCESS": "allowlist",
            "FEISHU_ALLOWED_TENANTS": "tk",
            "FEISHU_DM_ACCESS": "off",
        },
    ) as feishu:
        await feishu.fake.deliver(feishu.fake.text("make a video of a kite"))  # the fake's tenant is "tk"
        await feishu.fake.deliver(feishu.fake.text("make a video of a boat", dm=True))
        await feishu.settle()
        jobs = await feishu.app.jobs.recent()
    assert [job.request.prompt for job in jobs] == ["a kite"]
