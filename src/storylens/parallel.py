"""Running a pure function over many items in worker processes, results in input order."""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_ITEMS = 500  # below this, starting processes costs more than it saves
WINDOW = 2048  # items handed to the workers at a time


def worker_count(wanted: int = 0) -> int:
    """``wanted`` processes, or one per core when 0 (at most 8)."""
    return max(1, min(wanted or (os.cpu_count() or 1), 8))


def parallel_map(
    func: Callable[[T], R],
    items: Iterable[T],
    total: int,
    workers: int = 0,
    chunk: int = 64,
    min_items: int = MIN_ITEMS,
) -> Iterator[R]:
    """``map(func, items)`` in worker processes when there are many items; same order, same
    results as running it here. ``func`` must be a module-level function of plain data."""
    count = worker_count(workers)
    if count == 1 or total < min_items:
        yield from map(func, items)
        return
    context = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
    pending = iter(items)
    with context.Pool(count) as pool:
        # a window at a time: workers that run ahead of the consumer would otherwise queue
        # every result in memory
        while batch := list(islice(pending, WINDOW)):
            yield from pool.imap(func, batch, chunksize=chunk)
