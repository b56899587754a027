"""The videobot command tunes the interpreter at start (collector, thread switching); cycles made later
are still collected."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]
AFTER_A_COMMAND = """
import gc, sys, weakref
from bot.cli import main
sys.argv = ["videobot", "jobs"]
main()
class Node: ...
node = Node(); node.self = node  # a cycle made after start
gone = weakref.ref(node); del node
gc.collect()
print(gc.get_threshold()[0], gc.get_freeze_count() > 0, gone() is None, sys.getswitchinterval())
"""


def test_a_command_tunes_the_collector_and_thread_switching(tmp_path: Path) -> None:
    env = {"VIDEOBOT_DATA_DIR": str(tmp_path), "VIDEOBOT_LANG": "en", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", AFTER_A_COMMAND], capture_output=True, text=True, env=env, cwd=ROOT, timeout=60
    )
    assert done.stdout.split()[-4:] == ["10000", "True", "True", "0.001"], done.stderr
