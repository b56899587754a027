"""AI Media Studio (AIMS): a synchronous video API behind our submit/poll interface."""

from providers.aims.client import AimsClient

__all__ = ["AimsClient"]
