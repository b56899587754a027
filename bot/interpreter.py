"""The Python interpreter, tuned for a process that keeps thousands of jobs in memory and a ledger thread.

**Garbage collector.** With CPython's defaults (a young collection every 700 new objects, a full one
whenever the objects that survived grew by a quarter), 10,000 jobs in flight cost the bot about a
tenth of its CPU in collections and full collections paused it for up to half a second
(``bench/load.py 200 60 5 2000 --limits``): each walks every object the process holds, modules and
classes included. Here the objects that exist once the code is loaded are frozen (never walked
again), and a young collection waits for 10,000 new objects: a fifth of the time in collections, the
longest pause a tenth. Cycles made later are still collected.

**Thread switching.** The ledger's worker thread gives up the interpreter's lock around each SQLite
statement and must get it back from the busy event loop, which CPython forces only after the switch
interval (5 ms by default). A dozen statements an admission made a ledger call wait tens of
milliseconds under load. At 1 ms, in the same run at a busy hour of a shared machine, the ledger's
batches took half as long at the 99th percentile and the first answer's p99 fell from 0.3 to 0.8 s to
0.03 to 0.2 s (0.5 ms was no better again); at a quiet hour both settings gave 20 to 70 ms. The loop
is interrupted only while another thread waits for the lock.
"""

from __future__ import annotations

import gc
import sys

YOUNG_THRESHOLD = 10_000  # new objects between young collections (CPython's default: 700)
SWITCH_INTERVAL_S = 0.001  # how long a thread may keep the lock another thread waits for (default: 5 ms)


def tune() -> None:
    """Freeze what exists now, make young collections rarer and thread switches prompter; call once,
    at the process's start."""
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
    sys.setswitchinterval(SWITCH_INTERVAL_S)
