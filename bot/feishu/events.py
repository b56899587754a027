"""The SDK's event dispatcher, wired to hand every event to our loop at once.

The SDK calls these handlers synchronously (on the long connection's own thread, or inside the
webhook request) and acks only after they return; an exception would become a 500 and a
redelivery. So each handler converts the event to plain JSON, schedules the work on our loop with
``call_soon_threadsafe`` and returns; a card click answers at once with a toast and the card without
its buttons (one job per click of a card; the ledger's one job per job and model guards the rest).
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import lark_oapi as lark
from lark_oapi.event.callback.model.p2_card_action_trigger import P2CardActionTriggerResponse

from bot.feishu.cards import FOLLOW_UPS, answered_card, clicked_card
from bot.feishu.clicks import read_click
from bot.feishu.receiver import Receiver
from messages.control import cancelling_toast
from messages.platform_feishu import going_toast, not_your_card_button, retrying_toast, stopping_toast

log = logging.getLogger(__name__)

MESSAGE_EVENT = "im.message.receive_v1"
# Events an app commonly subscribes to that we ignore; unregistered ones would be answered 500 and resent.
IGNORED_EVENTS = (
    "im.message.message_read_v1",
    "im.message.recalled_v1",
    "im.message.reaction.created_v1",
    "im.message.reaction.deleted_v1",
    "im.chat.member.bot.added_v1",
    "im.chat.member.bot.deleted_v1",
    "im.chat.access_event.bot_p2p_chat_entered_v1",
)


class EventBridge:
    """Builds the SDK's dispatcher; its handlers pass events to ``receiver`` on ``loop``."""

    def __init__(self, loop: asyncio.AbstractEventLoop, receiver: Receiver) -> None:
        self._loop = loop
        self._receiver = receiver

    def dispatcher(self, encrypt_key: str = "", verification_token: str = "") -> Any:
        """An ``EventDispatcherHandler`` (both keys unused by the long connection; set for webhooks)."""
        builder = (
            lark.EventDispatcherHandler.builder(encrypt_key, verification_token)
            .register_p2_customized_event(MESSAGE_EVENT, self._message)
            .register_p2_card_action_trigger(self._click)
        )
        for event_type in IGNORED_EVENTS:
            builder = builder.register_p2_customized_event(event_type, _ignore)
        return builder.build()

    def _message(self, data: Any) -> None:
        try:
            event = _as_json(data).get("event")
            self._loop.call_soon_threadsafe(self._receiver.take_message, event)
        except Exception:  # never raise into the SDK: it would answer 500 and Feishu would resend
            log.exception("message event not handed over")

    def _click(self, data: Any) -> Any:
        try:
            click = read_click(_as_json(data))
            if click is None:
                return P2CardActionTriggerResponse({})
            if not click.by_asker:  # someone else's question: the card stays as it is
                toast = not_your_card_button(click.lang)
                return P2CardActionTriggerResponse({"toast": {"type": "info", "content": toast}})
            self._loop.call_soon_threadsafe(self._receiver.take_click, click)
            if click.action in FOLLOW_UPS:  # a new request: the card and its buttons stay for more
                return P2CardActionTriggerResponse(
                    {"toast": {"type": "info", "content": going_toast(click.lang)}}
                )
            if click.action == "cancel":  # the card turns to its cancelled state once that is done
                toast = cancelling_toast(click.lang)
                return P2CardActionTriggerResponse({"toast": {"type": "info", "content": toast}})
            if click.answer is None:
                toast = retrying_toast(click.lang)
                card = clicked_card(click.lang, click.card_text, toast)  # its buttons go at the first click
            else:
                toast = (going_toast if click.answer else stopping_toast)(click.lang)
                card = answered_card(click.lang, click.card_text, toast)
            return P2CardActionTriggerResponse(
                {"toast": {"type": "info", "content": toast}, "card": {"type": "raw", "data": card}}
            )
        except Exception:
            log.exception("card click not handed over")
            return P2CardActionTriggerResponse({})


def _as_json(data: Any) -> dict[str, Any]:
    """The SDK's event object back as the plain JSON Feishu sent."""
    payload = json.loads(lark.JSON.marshal(data))
    return payload if isinstance(payload, dict) else {}


def _ignore(data: Any) -> None:
    return None
