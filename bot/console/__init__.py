"""The operator console: jobs, one job's history, usage and budgets, balances and live figures."""

from bot.console.routes import Console, ConsoleSettings

__all__ = ["Console", "ConsoleSettings"]
