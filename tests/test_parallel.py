"""The local engine: :func:`storylens.parallel.parallel_map` in worker processes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from storylens.parallel import parallel_map

# A process that turns SIGTERM into "stop later" (as `storylens watch` does) and then maps in
# workers: the pool ends its workers with SIGTERM, so workers that kept the inherited handler
# would never exit and the map would hang for ever.
HANDLER_THEN_MAP = """
import signal
from storylens.parallel import parallel_map
stopped = []
signal.signal(signal.SIGTERM, lambda signum, frame: stopped.append(signum))
for _ in range(5):
    out = list(parallel_map(abs, range(-3000, 0), total=3000, workers=2, min_items=1))
    assert out == list(range(3000, 0, -1)), out[:5]
print("done", stopped)
"""


def test_results_come_in_input_order_from_the_workers() -> None:
    items = list(range(-2500, 2500))
    assert list(parallel_map(abs, items, total=len(items), workers=2, min_items=1)) == [
        abs(i) for i in items
    ]


def test_a_process_that_handles_sigterm_still_ends_its_pool() -> None:
    run = subprocess.run(
        [sys.executable, "-c", HANDLER_THEN_MAP], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "done []"


# A worker that dies mid-map (killed, out of memory): the map raises instead of waiting for ever.
WORKER_DIES = """
import os
from concurrent.futures.process import BrokenProcessPool
from storylens.parallel import parallel_map

def die_on_seven(x):
    if x == 7:
        os._exit(9)
    return x

try:
    list(parallel_map(die_on_seven, range(2000), total=2000, workers=2, min_items=1))
except BrokenProcessPool:
    print("raised")
"""


def test_a_worker_that_dies_makes_the_map_raise_not_hang(tmp_path: Path) -> None:
    script = tmp_path / "dies.py"  # a file, so the workers can find die_on_seven by name
    script.write_text(WORKER_DIES, encoding="utf-8")
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "raised"
