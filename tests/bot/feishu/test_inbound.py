"""Reading received messages: mentions, placeholders, posts in both shapes, pictures, broken content."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.feishu.clicks import read_click
from bot.feishu.inbound import MalformedEvent, read_content, read_message
from tests.fakes.feishu.events import card_action, mention, message_event

BOT = "ou_bot"


def event(msg_type: str, content: Any, *, mentions: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    payload = message_event(
        app_id="cli_x", token="t", message_id="om_1", chat_id="oc_1", chat_type="group", sender="ou_alice",
        msg_type=msg_type, content=content, mentions=mentions,
    )  # fmt: skip
    return dict(payload["event"])


def test_text_mentions_of_the_bot_vanish_and_other_people_keep_their_names() -> None:
    mentions = [mention("@_user_1", BOT, "videobot"), mention("@_user_2", "ou_tom", "Tom")]
    message = read_message(
        event("text", {"text": "@_user_1  a video of @_user_2 dancing @_all"}, mentions=mentions), BOT
    )
    assert message.text == "a video of Tom dancing" and message.mentions_bot and not message.is_dm


def test_a_mention_of_someone_else_is_not_a_mention_of_the_bot() -> None:
    message = read_message(
        event("text", {"text": "@_user_1 hi"}, mentions=[mention("@_user_1", "ou_tom", "Tom")]), BOT
    )
    assert not message.mentions_bot and message.mentions_anyone and message.text == "Tom hi"


@pytest.mark.parametrize("wrapped", [False, True])
def test_posts_give_words_and_pictures_in_either_shape(wrapped: bool) -> None:
    post = {
        "title": "Sunset",
        "content": [
            [
                {"tag": "at", "user_id": "@_user_1", "user_name": "videobot"},
                {"tag": "text", "text": " make it move"},
            ],
            [{"tag": "img", "image_key": "img_1"}, {"tag": "a", "text": " slowly", "href": "https://x"}],
            [{"tag": "emotion", "emoji_type": "SMILE"}, {"tag": "img", "image_key": "img_2"}],
        ],
    }
    body = {"zh_cn": post} if wrapped else post
    message = read_message(event("post", body, mentions=[mention("@_user_1", BOT, "videobot")]), BOT)
    assert message.text == "Sunset\nmake it move\nslowly" and message.image_keys == ("img_1", "img_2")
    assert message.mentions_bot


def test_a_post_that_ats_the_bot_by_open_id_counts_as_a_mention() -> None:
    post = {
        "content": [[{"tag": "at", "user_id": BOT, "user_name": "videobot"}, {"tag": "text", "text": "hi"}]]
    }
    assert read_message(event("post", post), BOT).mentions_bot


def test_images_stickers_and_unreadable_content() -> None:
    assert read_message(event("image", {"image_key": "img_9"}), BOT).image_keys == ("img_9",)
    sticker = read_message(event("sticker", {"file_key": "f"}), BOT)
    assert not sticker.supported and sticker.text == ""
    broken = read_message(event("text", "{oops"), BOT)
    assert not broken.supported and broken.message_type == "unreadable"
    with pytest.raises(MalformedEvent):
        read_content("text", json.dumps(["not", "an", "object"]))


@pytest.mark.parametrize("damage", ["message", "sender", "chat_id"])
def test_events_missing_their_parts_are_malformed(damage: str) -> None:
    broken = event("text", {"text": "hi"})
    if damage == "chat_id":
        del broken["message"]["chat_id"]
    else:
        del broken[damage]
    with pytest.raises(MalformedEvent):
        read_message(broken, BOT)
    with pytest.raises(MalformedEvent):
        read_message("not even an object", BOT)


def test_clicks_are_read_and_anything_else_is_none() -> None:
    value = {"action": "retry", "job": "job_1", "model": "kling-o1", "lang": "en", "reply_to": "om_user"}
    payload = card_action(
        app_id="cli_x", token="t", operator="ou_bob", chat_id="oc_1", message_id="om_card", value=value
    )
    click = read_click(payload)
    assert click is not None and (click.job_id, click.model_key, click.user_id) == (
        "job_1",
        "kling-o1",
        "ou_bob",
    )
    assert click.click_id == payload["event"]["token"] and click.reply_to == "om_user" and click.lang == "en"
    assert (
        read_click({**payload, "event": {**payload["event"], "action": {"value": {"action": "other"}}}})
        is None
    )
    assert read_click({"schema": "2.0"}) is None
