"""The batch stages on Ray: :class:`RayEngine` is a mapper (see :mod:`storylens.parallel`)
that computes on a Ray cluster through Ray Data, and a reader of Parquet / JSON Lines datasets
(local or object-store paths Ray reads).

A stage maps a module-level function over its items; here the items go into a Ray Dataset
(``from_items``, a window of them at a time), each batch runs in ``map_batches`` (Ray tasks;
an actor pool when the stage has a ``setup``, so enrich loads its spaCy model once per actor),
and the results stream back to this process in input order (``preserve_order``), where the
stage writes them in its usual transactions. Items and results cross as pickles in a binary
column, so any stage's plain data goes through unchanged. Ray retries a task or restarts an
actor whose worker died; the function is pure, so a retry gives the same result.

Ray is the optional extra ``storylens[ray]``: this module imports it inside its functions, and
nothing on the default path imports this module.
"""

from __future__ import annotations

import json
import logging
import os
import pickle
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from itertools import chain, islice
from typing import Any, TypeVar

from storylens.clean import CleanOptions, clean_item
from storylens.errors import EngineError, InputError
from storylens.ingest.fields import record_to_item
from storylens.models import Article, Problem
from storylens.parallel import MIN_ITEMS

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

T = TypeVar("T")
R = TypeVar("R")

EXTRA = "pip install 'storylens[ray]'"
WINDOW = 20_000  # items in one Ray Dataset at most: bounds what this process holds at a time
BATCHES_PER_CPU = 64  # and batches per CPU of the cluster (an enrich item is a whole batch)
DATASET_SUFFIXES = {".parquet": "parquet", ".jsonl": "jsonl", ".ndjson": "jsonl"}
# object stores Ray reads through pyarrow (http(s) URLs are pages and feeds: ingest fetches them)
OBJECT_STORES = ("s3://", "s3a://", "gs://", "gcs://", "abfs://", "abfss://", "az://", "hdfs://")
ROWS_PER_BATCH = 256  # dataset rows cleaned per Ray task


def import_ray() -> Any:
    """The ``ray`` module with Ray Data, or an :class:`EngineError` naming the extra."""
    try:
        import ray
        import ray.data
    except ImportError as exc:
        raise EngineError(
            f"the ray engine needs Ray, which is not installed ({exc.msg})",
            f"install the extra: {EXTRA}",
        ) from None
    return ray


class RayEngine:
    """Runs stage functions on Ray. Without ``address`` a local Ray starts (``num_cpus``, or
    every core); with one (``ray://host:10001``, ``host:6379`` or ``auto``) it joins that
    cluster, whose workers must have the same storylens installed."""

    def __init__(
        self, address: str | None = None, num_cpus: int | None = None, window: int = WINDOW
    ) -> None:
        self.address = address
        self.num_cpus = num_cpus
        self.window = max(1, window)
        self.batches = 0  # Ray batches run, for the benchmark's overhead per batch

    def start(self) -> Any:
        """Start (or join) Ray once per process; set Ray Data to keep input order, quietly."""
        ray = import_ray()
        if not ray.is_initialized():
            os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # nothing leaves the machine
            try:
                self._init(ray)
            except Exception as exc:
                # Ray gives its raylet 30 s to start: on a loaded machine, try once more
                if self.address or "timed out during startup" not in str(exc):
                    raise
                log.warning("a local Ray timed out starting; trying again")
                ray.shutdown()
                self._init(ray)
        ctx = ray.data.DataContext.get_current()
        ctx.execution_options.preserve_order = True
        if ctx.enable_progress_bars:
            logging.getLogger("ray.data").setLevel(logging.WARNING)
            ctx.enable_progress_bars = False
            ctx.print_on_execution_start = False
        return ray

    def _init(self, ray: Any) -> None:
        quiet = {"include_dashboard": False, "logging_level": logging.WARNING}
        try:
            if self.address:
                ray.init(address=self.address, **quiet)
            else:
                ray.init(num_cpus=self.num_cpus, **quiet)
        except (ConnectionError, ValueError) as exc:
            where = self.address or "a local Ray"
            raise EngineError(
                f"cannot start Ray at {where}: {exc}",
                "check --address (ray://HOST:10001 for a remote cluster) and that the"
                " cluster runs the same Ray version",
            ) from None

    def cpus(self) -> int:
        """The cluster's CPUs: the size of an actor pool."""
        ray = self.start()
        return max(1, int(ray.cluster_resources().get("CPU", 1)))

    def __call__(
        self,
        func: Callable[[T], R],
        items: Iterable[T],
        total: int,
        workers: int = 0,
        chunk: int = 64,
        min_items: int = MIN_ITEMS,
        setup: Callable[[], object] | None = None,
    ) -> Iterator[R]:
        """``map(func, items)`` on Ray, ``chunk`` items per batch, results in input order.
        ``workers`` and ``min_items`` are the local engine's: the cluster's size decides here.
        With ``setup``, batches run in an actor pool (one actor per CPU) that calls it once."""
        chunk = max(1, chunk)
        pending = iter(items)
        first = list(islice(pending, 1))
        if not first:
            return  # nothing to do: no need to start Ray
        size = min(self.window, BATCHES_PER_CPU * self.cpus() * chunk)
        pending = chain(first, pending)
        while window := list(islice(pending, size)):
            yield from self._window(func, window, chunk, setup)

    def _window(
        self,
        func: Callable[[T], R],
        window: list[T],
        chunk: int,
        setup: Callable[[], object] | None,
    ) -> Iterator[R]:
        ray = self.start()
        import numpy as np

        rows = [{"i": i, "task": pickle.dumps(item)} for i, item in enumerate(window)]
        blocks = min(-(-len(rows) // chunk), 4096)
        ds = ray.data.from_items(rows, override_num_blocks=blocks)
        if setup is None:
            ds = ds.map_batches(
                _apply, fn_args=(func,), batch_size=chunk, batch_format="numpy", num_cpus=1
            )
        else:
            ds = ds.map_batches(
                _SetUpWorker,
                fn_constructor_args=(func, setup),
                compute=ray.data.ActorPoolStrategy(size=self.cpus()),
                batch_size=chunk,
                batch_format="numpy",
                num_cpus=1,
            )
        expected = 0
        early: dict[int, bytes] = {}  # results ahead of their turn (kept in order anyway)
        for batch in ds.iter_batches(batch_size=None, batch_format="numpy"):
            self.batches += 1
            for i, out in zip(batch["i"].tolist(), batch["out"], strict=True):
                early[int(i)] = bytes(out) if isinstance(out, np.ndarray) else out
            while expected in early:
                yield pickle.loads(early.pop(expected))
                expected += 1
        if expected != len(window):
            raise EngineError(
                f"Ray returned {expected} of {len(window)} results",
                "run the command again: stored work is kept and the rest is completed",
            )

    # ---- datasets: Parquet and JSON Lines that Ray reads itself ----

    def clean_datasets(
        self, specs: list[str], options: CleanOptions
    ) -> Iterator[tuple[str, list[Article | Problem]]]:
        """Read each dataset with Ray's reader, clean its rows on Ray, and yield (origin,
        articles and problems) per file, in the order Ray read them."""
        ray = self.start()
        for spec in specs:
            kind = dataset_kind(spec)
            try:
                if kind == "parquet":
                    ds = ray.data.read_parquet(spec, include_paths=True)
                else:
                    ds = ray.data.read_json(spec, lines=True, include_paths=True)
            except (OSError, ValueError) as exc:
                yield spec, [Problem(spec, f"cannot read the dataset: {exc}")]
                continue
            ds = ds.map_batches(
                _clean_rows,
                fn_args=(options, kind),
                batch_size=ROWS_PER_BATCH,
                batch_format="pyarrow",
                num_cpus=1,
            )
            try:
                for batch in ds.iter_batches(batch_size=None, batch_format="numpy"):
                    self.batches += 1
                    for origin, out in zip(batch["origin"], batch["out"], strict=True):
                        yield str(origin), [pickle.loads(out)]
            except Exception as exc:  # Ray wraps a reader's error in its own
                if "RayTaskError" not in type(exc).__name__ and not isinstance(exc, OSError):
                    raise
                yield spec, [Problem(spec, f"cannot read the dataset: {_first_line(exc)}")]


def dataset_kind(spec: str) -> str | None:
    """``parquet`` or ``jsonl`` for an input Ray reads as a dataset: a ``.parquet`` file or
    folder, or an object-store path (``s3://…``, ``gs://…``) of Parquet or JSON Lines. Local
    JSON Lines files are read like any file (the local engine's reader, the same answers)."""
    lowered = spec.lower().rstrip("/")
    remote = lowered.startswith(OBJECT_STORES)
    for suffix, kind in DATASET_SUFFIXES.items():
        named = lowered.endswith(suffix) or lowered.endswith(suffix + ".gz")
        if named and (kind == "parquet" or remote):
            return kind
    if remote:
        return "parquet"  # a folder of shards on object storage
    return None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[-1] if text else type(exc).__name__


def _apply(batch: dict[str, Any], func: Callable[[Any], Any]) -> dict[str, Any]:
    import numpy as np

    out = [pickle.dumps(func(pickle.loads(task))) for task in batch["task"]]
    return {"i": batch["i"], "out": np.array(out, dtype=object)}


class _SetUpWorker:
    """An actor of the pool: ``setup`` once (the model load), then batch after batch."""

    def __init__(self, func: Callable[[Any], Any], setup: Callable[[], object]) -> None:
        setup()
        self.func = func

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        return _apply(batch, self.func)


def _jsonable(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    raise TypeError(f"cannot store a {type(value).__name__} in a report")


def _clean_rows(batch: Any, options: CleanOptions, kind: str) -> dict[str, Any]:
    """Clean a batch of dataset rows (a pyarrow Table) the way the JSON Lines reader would."""
    import numpy as np

    origins, out = [], []
    for row in batch.to_pylist():
        origin = str(row.pop("path", "") or "")
        try:
            # the values a JSON line would hold (dates as ISO text), then the JSON reader's path
            record = json.loads(json.dumps(row, default=_jsonable))
            item = record_to_item(record, origin, kind, None)
            entry: Article | Problem = clean_item(item, options)
        except InputError as exc:
            key = row.get("id") or row.get("url") or row.get("title") or "a row"
            entry = Problem(origin, exc.message, None, f"{key}: {exc.hint}".strip(": "))
        except TypeError as exc:
            entry = Problem(origin, str(exc), None)
        origins.append(origin)
        out.append(pickle.dumps(entry))
    return {"origin": np.array(origins, dtype=object), "out": np.array(out, dtype=object)}
