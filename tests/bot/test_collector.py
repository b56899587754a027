"""The videobot command tunes the garbage collector at start; cycles made later are still collected."""

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
print(gc.get_threshold()[0], gc.get_freeze_count() > 0, gone() is None)
"""


def test_a_command_freezes_what_is_loaded_and_collects_young_objects_less_often(tmp_path: Path) -> None:
    env = {"VIDEOBOT_DATA_DIR": str(tmp_path), "VIDEOBOT_LANG": "en", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", AFTER_A_COMMAND], capture_output=True, text=True, env=env, cwd=ROOT, timeout=60
    )
    assert done.stdout.split()[-3:] == ["10000", "True", "True"], done.stderr
