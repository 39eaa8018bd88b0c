"""Running a pure function over many items in worker processes, results in input order.

:func:`parallel_map` is the local engine. A stage that maps over its items takes a ``mapper``
(anything shaped like :class:`Mapper`, :func:`parallel_map` by default), so the same stage code
runs on another engine (``storylens.scale.ray``) by being handed that engine's mapper: the
stage keeps its order-dependent steps and all its writes, the mapper only computes.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from itertools import islice
from typing import Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_ITEMS = 500  # below this, starting processes costs more than it saves
WINDOW = 2048  # items handed to the workers at a time


class Mapper(Protocol):
    """``map(func, items)`` somewhere, results in input order (see :func:`parallel_map`)."""

    def __call__(
        self,
        func: Callable[[T], R],
        items: Iterable[T],
        total: int,
        workers: int = 0,
        chunk: int = 64,
        min_items: int = MIN_ITEMS,
        setup: Callable[[], object] | None = None,
    ) -> Iterator[R]: ...


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
    setup: Callable[[], object] | None = None,
) -> Iterator[R]:
    """``map(func, items)`` in worker processes when there are many items; same order, same
    results as running it here. ``func`` must be a module-level function of plain data.

    ``setup`` (loading a model, say) runs once in each process that calls ``func``: here, once,
    before the workers are forked, so they inherit what it loaded."""
    if setup is not None:
        setup()
    count = worker_count(workers)
    if count == 1 or total < min_items:
        yield from map(func, items)
        return
    context = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
    pending = iter(items)
    # a worker that dies (killed, out of memory) raises BrokenProcessPool here instead of
    # leaving the map waiting for its results for ever
    with ProcessPoolExecutor(count, mp_context=context, initializer=_worker_signals) as pool:
        # a window at a time: workers that run ahead of the consumer would otherwise queue
        # every result in memory
        while batch := list(islice(pending, WINDOW)):
            yield from pool.map(func, batch, chunksize=chunk)


def _worker_signals() -> None:
    """Workers take the default signal dispositions, whatever the forking process installed:
    ``watch`` turns SIGTERM into "stop after this report", and a worker that inherited that
    handler would ignore the SIGTERM with which the pool ends it — the pool, and the process
    waiting for it, would hang for ever. Ctrl+C is for the parent: workers ignore SIGINT."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
