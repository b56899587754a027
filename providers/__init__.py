"""videobot: providers."""
