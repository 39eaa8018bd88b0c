"""The local engine: :func:`storylens.parallel.parallel_map` in worker processes."""

from __future__ import annotations

import subprocess
import sys

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
