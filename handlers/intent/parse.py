"""One chat message (text plus attachments) -> one intent."""

from __future__ import annotations

import re
from collections.abc import Sequence

from handlers.intent.commands import match_command
from handlers.intent.cues import asks_for_video
from handlers.intent.params import extract_params
from handlers.intent.preferences import extract_preference, unknown_model_in_request, unknown_model_name
from handlers.intent.prompt import clean_prompt
from handlers.intent.providers import extract_provider
from handlers.intent.tasks import infer_task_type
from handlers.intent.text import extract_urls, fold_width, is_blank, strip_mentions
from handlers.intent.types import Empty, Generate, Intent, SetModel, UnknownModel
from providers.demo import KEYWORD as DEMO_KEYWORD
from providers.demo import strip_demo_keywords
from providers.types import ImageInput, VideoParams


def parse(text: str, images: Sequence[ImageInput] = ()) -> Intent:
    """What the user wants. ``images`` are the chat attachments; https:// URLs in the text join them
    (any https URL counts: the provider judges it). Free text is a video request, but one without a
    request cue (:mod:`handlers.intent.cues`) is marked ``asked=False``: the bot asks before spending.

    A model or policy with nothing else (no prompt, image or parameter) is a SetModel; a Generate
    with an empty prompt and no image means "a video, but of what?"."""
    text = re.sub(r"\s+", " ", strip_mentions(fold_width(text)))
    urls, text = extract_urls(text)
    inputs = (*images, *(ImageInput(url=url) for url in urls))
    if not inputs:
        command = match_command(text)
        if command is not None:
            return command
        if is_blank(text):
            return Empty()
    params, rest = extract_params(text)
    provider, rest = extract_provider(rest)
    preference, rest = extract_preference(rest)
    prompt = _with_demo_keywords(clean_prompt(strip_demo_keywords(rest)), rest)
    chose = preference.model is not None or preference.policy is not None
    if chose and not inputs and not prompt and params == VideoParams():
        return SetModel(
            model=preference.model, policy=preference.policy, remember=preference.remember, provider=provider
        )
    if not inputs and not chose and (name := unknown_model_name(rest)):
        return UnknownModel(name=name)
    if not chose and (name := unknown_model_in_request(rest)):
        return UnknownModel(name=name)  # seed: an unknown model is "not found" plus the list, no video
    asked = bool(inputs) or chose or provider is not None or params != VideoParams() or asks_for_video(text)
    return Generate(
        prompt=prompt,
        task_type=infer_task_type(text, len(inputs)),
        images=inputs,
        params=params,
        model=preference.model,
        policy=preference.policy,
        remember=preference.remember,
        provider=provider,
        asked=asked,
    )


def _with_demo_keywords(prompt: str, text: str) -> str:
    """The cleaned ``prompt`` with the sandbox's demo keywords of ``text`` kept at its end (they steer
    the offline demo; the words around them are cleaned as if they were not there)."""
    keywords = [match.group() for match in DEMO_KEYWORD.finditer(text)]
    return " ".join([prompt, *keywords]) if keywords and prompt else prompt or " ".join(keywords)
