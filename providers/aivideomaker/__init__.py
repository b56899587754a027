"""AIVideoMaker (aivideomaker.ai): seed 002's text/image-to-video API."""

from providers.aivideomaker.client import AivideomakerClient

__all__ = ["AivideomakerClient"]
