"""A fake Discord for real discord.py: see :mod:`tests.fakes.discord.fake`."""

from tests.fakes.discord.fake import MIB, FakeDiscord
from tests.fakes.discord.model import Call, FakeInteraction, FakeMessage, Upload

__all__ = ["MIB", "Call", "FakeDiscord", "FakeInteraction", "FakeMessage", "Upload"]
