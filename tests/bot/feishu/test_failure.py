"""A failed job: the status card turns red with "retry with" buttons, and a click starts a new job."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from tests.bot.feishu.harness import ALICE, running_feishu
from tests.fakes.feishu.content import card_buttons, card_text


async def test_failure_card_and_its_retry_button(tmp_path: Path) -> None:
    async with running_feishu(tmp_path) as feishu:
        fake = feishu.fake
        event = fake.text("make a video of a storm #fail")
        await fake.deliver(event)
        await feishu.settle()
        asked = event["event"]["message"]["message_id"]
        card = feishu.status_card(asked)
        assert [m.msg_type for m in fake.replies_to(asked)] == ["interactive"]  # one card, updated in place
        failed = card.body
        assert "The video wasn't made" in card_text(failed) and "Reason" in card_text(failed)
        buttons = card_buttons(failed)
        assert buttons and all(b["behaviors"][0]["type"] == "callback" for b in buttons)
        label = buttons[0]["text"]["content"]
        model_key = buttons[0]["behaviors"][0]["value"]["model"]

        click = fake.click(card.message_id, label)
        double = json.loads(json.dumps(click))  # a double click: a new callback token and event
        double["event"]["token"], double["header"]["event_id"] = "c-second-click", "ev-second-click"
        ack = await fake.deliver(click)
        assert ack.code == 200 and ack.data is not None
        assert ack.data["toast"] == {"type": "info", "content": "🔄 On it, trying again"}
        assert ack.data["card"]["type"] == "raw"  # the card answers the click: its buttons are gone
        assert card_buttons(card.body) == [] and "Reason" in card_text(card.body)
        assert "On it, trying again" in card_text(card.body)
        again = await fake.deliver(fake.redelivered(click))  # the same click resent
        second = await fake.deliver(double)  # and clicked twice before the card changed
        assert again.code == 200 and second.code == 200
        await asyncio.sleep(0.1)
        await feishu.settle()

        jobs = await feishu.app.jobs.recent(user_key=f"feishu:{ALICE}")
        assert len(jobs) == 2 and jobs[0].model_key == model_key  # one new job: one per job and model
        assert jobs[0].inbound_key == f"retry:{jobs[1].id}:{model_key}"
        cards = [m for m in fake.replies_to(asked) if m.msg_type == "interactive"]
        first_card, retry_card = cards  # the retry's own card, in the same thread
        assert json.loads(retry_card.content)["body"] != json.loads(first_card.content)["body"]
        assert jobs[0].model_name in card_text(json.loads(retry_card.content))  # its pre-notification
        (note,) = [m for m in fake.replies_to(asked) if m.msg_type == "text"]  # the second click hears:
        assert "still being made" in json.loads(note.content)["text"]


async def test_a_recalled_status_card_gets_a_new_failure_card(tmp_path: Path) -> None:
    async with running_feishu(tmp_path) as feishu:
        fake = feishu.fake
        event = fake.text("make a video of a storm #fail #slow")
        await fake.deliver(event)
        asked = event["event"]["message"]["message_id"]
        await fake.wait_for(lambda: fake.replies_to(asked))
        fake.recall(fake.replies_to(asked)[0].message_id)  # from now on a patch is 230011
        await feishu.settle()
        cards = fake.replies_to(asked)
        assert len(cards) == 2 and "Reason" in card_text(json.loads(cards[1].content))
        patches = [c for c in fake.state.calls_to("patch") if c.code == 230011]
        assert len(patches) == 1  # never patched again once Feishu said recalled
