"""Reading ``card.action.trigger``: a tap on "retry with <model>", "make it" / "cancel" of a question,
"Cancel" on a running job's status card, or a finished video's follow-up."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from messages.reply import Lang


class _Loose(BaseModel):
    model_config = ConfigDict(extra="ignore")


class _Header(_Loose):
    event_id: str


class _Operator(_Loose):
    open_id: str
    tenant_key: str = ""


class _Value(_Loose):
    action: Literal["retry", "go", "stop", "cancel", "again", "another", "vertical", "landscape"]
    job: str
    model: str = ""  # retry only
    user: str = ""  # a question's asker: only their tap counts
    lang: Lang = "zh"
    reply_to: str = ""
    text: str = ""  # the failure card's text, to answer the click with the card minus its buttons


class _Action(_Loose):
    value: _Value


class _Context(_Loose):
    open_message_id: str = ""
    open_chat_id: str


class _Event(_Loose):
    token: str = ""  # the callback's own token: one per click, kept when Feishu resends the callback
    operator: _Operator
    action: _Action
    context: _Context


class _Click(_Loose):
    header: _Header
    event: _Event


@dataclass(frozen=True)
class CardClick:
    """Who tapped what on which job (a retry on ``model_key``, or a go-ahead answer), and where to answer."""

    click_id: str  # the callback token (else the event id): the new job's inbound key
    event_id: str
    job_id: str
    model_key: str
    chat_id: str
    user_id: str
    reply_to: str  # the user's original message (else the card itself)
    lang: Lang
    card_text: str = ""
    tenant_key: str = ""
    action: str = "retry"  # "retry", "go", "stop", "cancel", or a follow-up ("again", "another", ...)
    asker: str = ""  # a question's asker (open_id)

    @property
    def answer(self) -> bool | None:
        """A go-ahead question's answer (True: make it), None for a retry."""
        return {"go": True, "stop": False}.get(self.action)

    @property
    def by_asker(self) -> bool:
        return not self.asker or self.asker == self.user_id


def read_click(payload: Any) -> CardClick | None:
    """What a tap asks for; ``None`` for anything else (or anything unreadable)."""
    try:
        click = _Click.model_validate(payload)
    except ValidationError:
        return None
    event, value = click.event, click.event.action.value
    return CardClick(
        click_id=event.token or click.header.event_id,
        event_id=click.header.event_id,
        job_id=value.job,
        model_key=value.model,
        chat_id=event.context.open_chat_id,
        user_id=event.operator.open_id,
        reply_to=value.reply_to or event.context.open_message_id,
        lang=value.lang,
        card_text=value.text,
        tenant_key=event.operator.tenant_key,
        action=value.action,
        asker=value.user,
    )
