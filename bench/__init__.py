"""Benchmarks: scripts that print figures (``make bench``); nothing here is asserted."""
