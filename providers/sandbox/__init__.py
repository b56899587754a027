"""The offline sandbox: free, local, real MP4s; the default when no provider key is set."""

from providers.sandbox.provider import SandboxProvider

__all__ = ["SandboxProvider"]
