"""Interactive cards (JSON 2.0, ``update_multi``): the job's status card in its states, the video card.

Text goes in ``markdown`` elements, escaped first, so that nothing a user typed (a prompt in a caption)
can turn into formatting, links or @all; then the labels of our bullet lines ("• 模型:") are set in
bold. Titles and buttons stay ``plain_text``. Words come from :mod:`messages`; this module only
arranges them.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from messages import open_video_label
from messages.platform_feishu import (
    card_title_cancelled,
    card_title_done,
    card_title_failed,
    card_title_question,
    card_title_video,
    card_title_working,
)
from messages.reply import Button, Lang

Json = dict[str, Any]
Template = Literal["blue", "green", "red", "indigo", "grey"]
MAX_TEXT_CHARS = 8000  # cards are capped at 30 KB (230025); our texts are far shorter


def working_card(
    lang: Lang, text: str, buttons: tuple[Button, ...] = (), context: dict[str, str] | None = None
) -> Json:
    """The status card while a job runs: the pre-notification, then the progress under it, and its
    Cancel button. The button's value names the job, the asker (``user``: only their tap counts) and
    ``context`` (where to answer)."""
    elements = [_text(text)]
    for button in buttons:
        if button.action == "cancel" and button.job_id:
            value = {"action": "cancel", "job": button.job_id, **(context or {})}
            elements.append(_button(button.label, {"type": "callback", "value": value}, "danger"))
    return _card(card_title_working(lang), "blue", elements)


FOLLOW_UPS = frozenset({"again", "another", "vertical", "landscape"})
TAPPABLE = frozenset({"cancel", *FOLLOW_UPS})  # buttons a plain answer may carry (a queue notice, a pick)


def note_card(text: str, buttons: tuple[Button, ...], context: dict[str, str]) -> Json:
    """A plain answer with buttons (a queued video's notice, a list of videos to cancel): no header,
    the words, then each button naming its job and the asker (``context``)."""
    elements = [_text(text)]
    for button in buttons:
        if button.action in TAPPABLE and button.job_id:
            value = {"action": button.action, "job": button.job_id, **context}
            kind = "danger" if button.action == "cancel" else "default"
            elements.append(_button(button.label, {"type": "callback", "value": value}, kind))
    return {
        "schema": "2.0",
        "config": {"update_multi": True, "width_mode": "fill"},
        "body": {"elements": elements},
    }


def cancelled_card(lang: Lang, text: str) -> Json:
    """The status card's last state when its user called the job off: what that means for the money."""
    return _card(card_title_cancelled(lang), "grey", [_text(text)])


def done_card(
    lang: Lang,
    caption: str,
    video_url: str | None,
    buttons: tuple[Button, ...] = (),
    context: dict[str, str] | None = None,
    *,
    cover_key: str | None = None,
) -> Json:
    """The status card's last state on success: the cover (when there is one), the caption, an "open
    video" button and the follow-ups (again, another model, the other shape), each naming the job and
    the asker (``context``)."""
    cover = [{"tag": "img", "img_key": cover_key, "alt": _plain(caption[:100])}] if cover_key else []
    elements = [*cover, _text(caption), *_open_button(lang, video_url)]
    for button in buttons:
        if button.action in FOLLOW_UPS and button.job_id:
            value = {"action": button.action, "job": button.job_id, **(context or {})}
            elements.append(_button(button.label, {"type": "callback", "value": value}, "default"))
    return _card(card_title_done(lang), "green", elements)


def failed_card(lang: Lang, text: str, buttons: tuple[Button, ...], retry_value: dict[str, str]) -> Json:
    """The status card's last state on failure: the translated reason and "retry with" buttons.

    ``retry_value`` is added to each retry button's callback value (where to answer a click); the value
    also carries the card's text, so a click can answer with this card, its buttons gone.
    """
    elements = [_text(text)]
    for button in buttons:
        if button.action == "retry" and button.job_id and button.model_key:
            value = {
                "action": "retry",
                "job": button.job_id,
                "model": button.model_key,
                "text": text,
                **retry_value,
            }
            elements.append(_button(button.label, {"type": "callback", "value": value}, "primary"))
        elif button.action == "open" and button.url:
            elements.extend(_open_button(lang, button.url, button.label))
    return _card(card_title_failed(lang), "red", elements)


def question_card(lang: Lang, text: str, buttons: tuple[Button, ...], context: dict[str, str]) -> Json:
    """A go-ahead question: the quote and "make it" / "cancel" buttons.

    Each button's value names the job, the asker (``user``: only their tap counts) and ``context``
    (where to answer), and carries the card's text, so a tap can answer with this card, its buttons gone.
    """
    elements = [_text(text)]
    for button in buttons:
        if button.action in ("go", "stop") and button.job_id:
            value = {"action": button.action, "job": button.job_id, "text": text, **context}
            kind = "primary" if button.action == "go" else "default"
            elements.append(_button(button.label, {"type": "callback", "value": value}, kind))
    return _card(card_title_question(lang), "indigo", elements)


def answered_card(lang: Lang, text: str, note: str) -> Json:
    """A question card once answered: its words and the answer, no buttons (one answer per question)."""
    return _card(card_title_question(lang), "indigo", [_text(f"{text}\n\n{note}" if text else note)])


def clicked_card(lang: Lang, text: str, note: str) -> Json:
    """The failure card once one of its "retry with" buttons was clicked: the reason, a note, no buttons
    (a second click of the same card cannot start a second paid job)."""
    return _card(card_title_failed(lang), "red", [_text(f"{text}\n\n{note}" if text else note)])


def video_card(lang: Lang, text: str, image_key: str | None, video_url: str | None) -> Json:
    """Stands in for a video that could not play inline: the cover, the words, an "open video" button."""
    elements: list[Json] = []
    if image_key:
        elements.append({"tag": "img", "img_key": image_key, "alt": _plain(text[:100])})
    elements.append(_text(text))
    elements.extend(_open_button(lang, video_url))
    return _card(card_title_video(lang), "indigo", elements)


def _card(title: str, template: Template, elements: list[Json]) -> Json:
    return {
        "schema": "2.0",
        "config": {"update_multi": True, "width_mode": "fill"},
        "header": {"title": _plain(title), "template": template},
        "body": {"elements": elements},
    }


def _plain(text: str) -> Json:
    return {"tag": "plain_text", "content": text[:MAX_TEXT_CHARS]}


def _text(text: str) -> Json:
    """Our words as markdown: everything escaped, then each bullet's label in bold."""
    return {"tag": "markdown", "content": _BULLET.sub(r"\1• **\2**", escape_markdown(text[:MAX_TEXT_CHARS]))}


def escape_markdown(text: str) -> str:
    """``text`` shown as typed in a card's markdown: formatting characters backslash-escaped, tags
    (``<at id=all>``) as entities."""
    text = _SPECIAL.sub(r"\\\g<0>", text)
    text = text.replace("<", "&lt;").replace(">", "&gt;")
    text = _NUMBERED.sub(r"\1\2\\.", text)
    return _LINE_START.sub(r"\1\\\2", text)


_SPECIAL = re.compile(r"[\\`*_~\[\]()|$]")
_LINE_START = re.compile(r"(^|\n)([#+\-])")  # headings and lists begin a line
_NUMBERED = re.compile(r"(^|\n)(\d+)\.")
_BULLET = re.compile(r"(^|\n)• ([^\n:：]{1,20}[:：])")


def _button(label: str, behavior: Json, kind: str) -> Json:
    return {"tag": "button", "text": _plain(label), "type": kind, "behaviors": [behavior]}


def _open_button(lang: Lang, url: str | None, label: str | None = None) -> list[Json]:
    """An "open video" link button, only for a web link (a local file cannot be opened from a chat)."""
    if not url or not url.startswith(("https://", "http://")):
        return []
    return [_button(label or open_video_label(lang), {"type": "open_url", "default_url": url}, "default")]
