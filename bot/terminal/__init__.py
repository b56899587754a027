"""The terminal chat: one message per line on stdin, the bot's replies on stdout."""

from bot.terminal.session import run_chat

__all__ = ["run_chat"]
