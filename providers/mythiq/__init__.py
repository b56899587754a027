"""MythIQ: a synchronous multi-provider video API behind our submit/poll interface."""

from providers.mythiq.client import MythiqClient
from providers.mythiq.models import ROUTING_MEANINGS, Routing

__all__ = ["ROUTING_MEANINGS", "MythiqClient", "Routing"]
