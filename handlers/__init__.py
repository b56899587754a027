"""videobot: handlers."""
