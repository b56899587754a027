"""Direct messages: free text and photos without a slash command, as in the terminal chat.

No privileged intent is needed: Discord delivers the content and attachments of DMs with the bot.
"""

from __future__ import annotations

import logging

import discord

from bot.discord_bot.attachments import AttachmentRefused, read_images, refusal_text
from bot.discord_bot.chats import PLATFORM, message_chat, message_who
from bot.discord_bot.host import Host
from handlers.channel import DeliveryError
from handlers.inbound import ChatRef, InboundMessage
from messages import not_allowed, unsupported_message
from messages.reply import Reply, ReplyKind

log = logging.getLogger(__name__)

USER_MESSAGES = frozenset({discord.MessageType.default, discord.MessageType.reply})


async def on_direct_message(host: Host, message: discord.Message) -> None:
    """Hand a user's DM to the conversation; pictures are read at once (their links expire)."""
    if message.author.bot or message.type not in USER_MESSAGES:
        return
    if not isinstance(message.channel, discord.DMChannel):
        return  # server messages: slash commands only (no message content intent)
    chat = message_chat(message)
    answer_to = chat.model_copy(
        update={"reply_to": str(message.id), "lang": host.app.conversation.lang_for(chat, message.content)}
    )
    if not host.app.access.allows(PLATFORM, message_who(message)):  # told once a day, never a flood
        log.info("discord %s is outside the access policy for direct messages", message.author.id)
        if host.refusals.first_today(chat.user_key, host.app.timescale.now()):
            await _say(host, answer_to, not_allowed(answer_to.lang or "zh"))
        return
    max_bytes = host.settings.max_image_bytes
    try:
        images = await read_images(message.attachments, max_bytes)
    except AttachmentRefused as refused:
        await _say(host, answer_to, refusal_text(answer_to.lang or "zh", refused.refusal, max_bytes))
        return
    if not message.content.strip() and not images:
        await _say(host, answer_to, unsupported_message(answer_to.lang or "zh"))
        return
    inbound = InboundMessage(chat=chat, message_id=str(message.id), text=message.content, images=images)
    await host.app.conversation.handle(inbound)


async def _say(host: Host, chat: ChatRef, text: str) -> None:
    try:
        await host.app.outbox.send(chat, Reply(kind=ReplyKind.TEXT, text=text))
    except DeliveryError:
        log.warning("could not answer a direct message in %s", chat.chat_id)
