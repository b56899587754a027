"""Admins in the chat and the CLI: usage of a user or chat, budget overrides, blocks, pauses and the
access policy at run time; every action recorded in the ledger's audit."""
