"""Python's garbage collector, tuned for a process that keeps thousands of jobs in memory.

With CPython's defaults (a young collection every 700 new objects, a full one whenever the objects
that survived grew by a quarter), 10,000 jobs in flight cost the bot about a tenth of its CPU in
collections and full collections paused it for up to half a second (``bench/load.py 200 60 5 2000
--limits``): each walks every object the process holds, modules and classes included. Here the objects
that exist once the code is loaded are frozen (never walked again), and a young collection waits for
10,000 new objects: a fifth of the time in collections, the longest pause a tenth. Cycles made later
are still collected.
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 10_000  # new objects between young collections (CPython's default: 700)


def tune() -> None:
    """Freeze what exists now and make young collections rarer; call once, at the process's start."""
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
