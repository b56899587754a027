"""IMA Studio Open API provider."""

from providers.ima.client import ImaClient

__all__ = ["ImaClient"]
