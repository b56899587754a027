"""videobot: bot."""
