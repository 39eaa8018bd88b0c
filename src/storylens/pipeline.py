"""One pipeline owns the order of the stages: they are declared here, with what each needs and
provides, and every caller (the CLI's ``run`` and single-stage commands, the API, ``watch``,
``make demo``, the evaluation, the tests) goes through this module.

The order (see docs/pipeline.md): **ingest** (read + clean) → **dedupe** → **cluster** →
**enrich** → **compare**. Cluster reads the text alone (the enrich stage's entity features were
measured to add nothing and were dropped), so it comes before enrich, whose folding of
surnames into full names reads the stories.

:func:`run` does the whole job in batches over the store; :class:`storylens.live.LivePipeline`
does the same work one article at a time. Ingest writes each batch of cleaned articles with
its problems in one transaction, so a killed run leaves whole batches only, and running it
again completes the work (already stored inputs count as unchanged).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any, Protocol

from storylens.clean import CleanOptions, clean_item
from storylens.config import Settings
from storylens.errors import InputError
from storylens.ingest import caps, find_sources, read_source
from storylens.ingest.fetch import Fetcher, is_url
from storylens.ingest.fields import pick
from storylens.ingest.sources import Source
from storylens.models import Article, Problem, RawItem
from storylens.parallel import Mapper, parallel_map, worker_count
from storylens.store import Store
from storylens.store.articles import relabel_outlets, unstorable, write_safely
from storylens.store.fetches import FetchRecord
from storylens.store.problems import add_problem, clear_problems
from storylens.store.runs import RunCounts, save_counts, start_run

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

Progress = Callable[[int, int | None, RunCounts], None]
# what an engine that reads datasets itself gives: (origin, its articles and problems)
Cleaned = Iterable[tuple[str, list[Article | Problem]]]
StageProgress = Callable[[str, int, int | None], None]  # stage, done, total


class StageRun(Protocol):
    """A stage's batch run: ``(store, settings, rebuild, progress[, mapper])``."""

    def __call__(
        self,
        store: Store,
        settings: Settings,
        rebuild: bool,
        progress: StageProgress | None,
        mapper: Mapper = ...,
        /,
    ) -> Any: ...


@dataclass(frozen=True, slots=True)
class Stage:
    """One stage of the flow: its name (the folder, the command, the config section and the
    docs page), the store tables it reads and writes, and its batch run over the store
    (``run(store, settings, rebuild, progress, mapper)``, the mapper computing its batch work
    on an engine; ingest reads its inputs instead)."""

    name: str
    needs: tuple[str, ...]
    provides: tuple[str, ...]
    run: StageRun | None
    help: str


def _dedupe(
    store: Store,
    settings: Settings,
    rebuild: bool,
    _: StageProgress | None,
    mapper: Mapper = parallel_map,
) -> Any:
    from storylens.dedupe import run_dedupe

    return run_dedupe(store, settings, rebuild=rebuild, mapper=mapper)


def _cluster(
    store: Store,
    settings: Settings,
    rebuild: bool,
    _: StageProgress | None,
    mapper: Mapper = parallel_map,
) -> Any:
    from storylens.cluster import run_cluster

    return run_cluster(store, settings, rebuild=rebuild, mapper=mapper)


def _enrich(
    store: Store,
    settings: Settings,
    rebuild: bool,
    on: StageProgress | None,
    mapper: Mapper = parallel_map,
) -> Any:
    from storylens.enrich.run import run_enrich

    progress = (lambda done, total: on("enrich", done, total)) if on else None
    return run_enrich(store, settings, rebuild=rebuild, progress=progress, mapper=mapper)


def _compare(
    store: Store,
    settings: Settings,
    rebuild: bool,
    on: StageProgress | None,
    _: Mapper = parallel_map,
) -> Any:
    """Compare runs here, per story, on any engine: it reads the store."""
    from storylens.compare.run import run_compare

    progress = (lambda done, total: on("compare", done, total)) if on else None
    return run_compare(store, progress)


STAGES: tuple[Stage, ...] = (
    Stage("ingest", ("inputs",), ("articles", "problems"), None,
          "read every input and clean it into articles (exact copies are sightings)"),
    Stage("dedupe", ("articles",), ("minhashes", "duplicates"), _dedupe,
          "link near copies and wire copies to their canonical article"),
    Stage("cluster", ("articles", "duplicates"), ("stories", "storylines"), _cluster,
          "place each article in an event (story), each event in a storyline, by its text"),
    Stage("enrich", ("articles", "stories"), ("sentences", "entities", "quotes", "claims"),
          _enrich, "sentences, entities, quotes and numeric claims (surnames fold by story)"),
    Stage("compare", ("stories", "claims", "quotes"), ("comparisons",), _compare,
          "per story: what each outlet reported, aligned"),
)  # fmt: skip


def check_order(stages: Iterable[Stage] = STAGES) -> None:
    """Raise ``ValueError`` when a stage needs a table no earlier stage provides."""
    provided = {"inputs"}
    for stage in stages:
        missing = [n for n in stage.needs if n not in provided]
        if missing:
            raise ValueError(f"stage {stage.name} needs {', '.join(missing)}: nothing before it")
        provided.update(stage.provides)


def stage(name: str) -> Stage:
    """The stage called ``name``."""
    for s in STAGES:
        if s.name == name:
            return s
    raise KeyError(name)


@dataclass(slots=True)
class RunReport:
    """What :func:`run` did: the ingest report, then each later stage's report by name."""

    ingest: IngestReport | None
    stages: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        return self.ingest.exit_code if self.ingest else 0


def run(
    store: Store,
    inputs: list[str],
    settings: Settings,
    *,
    progress: StageProgress | None = None,
    rebuild: bool = False,
    until: str | None = None,
    sources: Iterable[Source | Problem] | None = None,
    mapper: Mapper = parallel_map,
    datasets: Callable[[CleanOptions], Cleaned] | None = None,
) -> RunReport:
    """The whole job: ingest ``inputs`` (none: only what is stored), then every later stage in
    :data:`STAGES` order over the store (through ``until`` when given). Each stage does only
    the work not done yet (everything again for the stages after ingest with ``rebuild``).
    ``mapper`` computes the stages' batch work (this machine's processes, or an engine's
    workers); ``datasets`` are ingested after ``inputs`` (see :func:`ingest`)."""
    check_order()
    started = time.perf_counter()
    on_ingest: Progress | None = None
    if progress is not None:
        on = progress
        on_ingest = lambda done, total, counts: on("ingest", done, total)  # noqa: E731
    report = RunReport(
        ingest(
            store,
            inputs,
            settings,
            progress=on_ingest,
            sources=sources,
            mapper=mapper,
            datasets=datasets,
        )
        if inputs or sources is not None or datasets is not None
        else None
    )
    for s in STAGES[1:]:
        assert s.run is not None
        report.stages[s.name] = s.run(store, settings, rebuild, progress, mapper)
        if s.name == until:
            break
    report.seconds = time.perf_counter() - started
    return report


def build_stories(
    store: Store, settings: Settings, *, rebuild: bool = False, mapper: Mapper = parallel_map
) -> tuple[Any, Any]:
    """The dedupe and cluster stages over what is stored (a re-run: ``storylens cluster``);
    return both stages' reports. ``mapper`` computes the signatures and features; grouping
    and clustering run here, in order."""
    done = run(store, [], settings, rebuild=rebuild, until="cluster", mapper=mapper).stages
    return done["dedupe"], done["cluster"]


@dataclass(slots=True)
class IngestReport:
    """What one ingest run did."""

    run_id: int
    counts: RunCounts
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    sources: int = 0
    fetches: list[FetchRecord] = field(default_factory=list)  # the URLs fetched (and robots.txt)

    @property
    def exit_code(self) -> int:
        """0 when every input was used, 3 when some failed (the CLI's exit code)."""
        return 3 if self.counts.problems else 0


def clean_options(settings: Settings) -> CleanOptions:
    return CleanOptions(
        zone=settings.zone,
        repeat_share=float(settings.get("clean.repeat_share")),
        caption_max_words=int(settings.get("clean.caption_max_words")),
        title_max_chars=int(settings.get("clean.title_max_chars")),
        outlet=settings.get("ingest.outlet") or None,
        via=settings.get("ingest.via") or None,
        outlet_domains=settings.outlet_domains,
    )


def ingest(
    store: Store,
    inputs: list[str],
    settings: Settings,
    progress: Progress | None = None,
    sources: Iterable[Source | Problem] | None = None,
    *,
    ignore_robots: bool = False,
    mapper: Mapper = parallel_map,
    datasets: Callable[[CleanOptions], Cleaned] | None = None,
) -> IngestReport:
    """Read, clean and store everything named in ``inputs``: files, folders, globs, ``-``, and
    URLs (``http(s)://``: a page or a feed, fetched by :class:`~storylens.ingest.fetch.Fetcher`;
    ``ignore_robots`` for one's own sites); then what ``datasets`` reads and cleans with the
    options (Parquet or JSON Lines that an engine reads itself).

    Bad inputs never stop the run: each becomes a :class:`Problem`, stored in ``problems`` and
    returned in the report. What every fetch did is stored with the run (``fetches``).
    ``mapper`` reads and cleans the sources (worker processes here, or another engine's
    workers); the writes stay in this process, in input order.
    """
    started = time.perf_counter()
    options = clean_options(settings)
    batch_size = max(1, int(settings.get("ingest.batch_size")))
    limits = Limits.of(settings)
    with store.transaction() as conn:
        run_id = start_run(conn, "ingest", inputs)
    report = IngestReport(run_id=run_id, counts=RunCounts())
    fetcher = None
    if sources is None and any(is_url(spec) for spec in inputs):
        fetcher = Fetcher(store, settings, ignore_robots=ignore_robots)
    try:  # every fetch happens here, before the first write
        found = list(sources if sources is not None else _find(inputs, fetcher))
    finally:
        if fetcher is not None:
            fetcher.close()
            report.fetches = list(fetcher.record)
    total: int | None = None if datasets else len(found)
    pending: list[tuple[str, Article | Problem]] = []
    done = 0
    cleared: set[str] = set()  # inputs whose earlier problems this run has already replaced

    def flush(status: str = "running") -> None:
        with store.transaction() as conn:
            for origin in dict.fromkeys(o for o, _ in pending):
                if origin not in cleared:
                    clear_problems(conn, origin)
                    cleared.add(origin)
            for origin, entry in pending:
                if isinstance(entry, Problem):
                    add_problem(conn, run_id, entry)
                    continue
                try:
                    outcome = write_safely(conn, entry, run_id)
                except InputError as exc:  # a value SQLite cannot take: this report only
                    problem = Problem(origin, exc.message, _item_of(entry, origin), exc.hint)
                    report.problems.append(problem)
                    add_problem(conn, run_id, problem)
                else:
                    if outcome == "duplicate":
                        report.counts.duplicates += 1
                    else:
                        setattr(report.counts, outcome, getattr(report.counts, outcome) + 1)
            report.counts.problems = len(report.problems)
            if status == "done":
                relabel_outlets(conn)
                if fetcher is not None:  # with the last batch: validators only once stored
                    fetcher.save(conn, run_id)
            save_counts(conn, run_id, report.counts, status)
        pending.clear()

    try:
        workers = _workers(settings, len(found))
        read = _process_all(found, options, limits, workers, mapper)
        by_origin = ((entry.origin, results) for entry, results in read)
        for origin, results in chain(by_origin, datasets(options) if datasets else ()):
            for result in results:
                if isinstance(result, Problem):
                    _problem(report, pending, result)
                else:
                    pending.append((origin, result))
                if len(pending) >= batch_size:
                    flush()  # short transactions, even inside one big export: others may write
            done += 1
            if progress:
                progress(done, total, report.counts)
        flush("done")
    except BaseException:
        # The open batch rolls back with its transaction; the run is marked interrupted.
        pending.clear()
        with store.transaction() as conn:
            if fetcher is not None:  # what was fetched, but no validators: fetch again next time
                fetcher.save(conn, run_id, remember=False)
            save_counts(conn, run_id, report.counts, "interrupted")
        raise
    report.seconds = time.perf_counter() - started
    report.sources = done
    log.info(
        "ingest run %d: %d added, %d updated, %d unchanged, %d duplicates, %d problems in %.1fs",
        run_id,
        report.counts.added,
        report.counts.updated,
        report.counts.unchanged,
        report.counts.duplicates,
        report.counts.problems,
        report.seconds,
    )
    return report


def _find(inputs: list[str], fetcher: Fetcher | None) -> Iterator[Source | Problem]:
    """Each input in order: URLs through the fetcher, everything else from the file system."""
    for spec in inputs:
        if fetcher is not None and is_url(spec):
            yield from fetcher.sources(spec)
        else:
            yield from find_sources([spec])


def _item_of(article: Article, origin: str) -> int | None:
    rest = article.origin[len(origin) + 1 :] if article.origin.startswith(origin + "#") else ""
    return int(rest) if rest.isdigit() else None


def ingest_records(store: Store, records: list[dict[str, Any]], settings: Settings) -> list[str]:
    """Ingest in-memory records (JSON objects with the export field names); return each
    record's origin, in order, so callers can find what became of it."""
    data = "\n".join(json.dumps(r, ensure_ascii=False) for r in records).encode("utf-8")
    source = Source(origin="<records>", path=Path("records.jsonl"), data=data)  # path: a hint
    ingest(store, ["<records>"], settings, sources=[source])
    return [f"<records>#{i}" for i in range(len(records))]


def read_articles(
    sources: Iterable[Source | Problem], settings: Settings
) -> Iterator[tuple[Source | Problem, list[Article | Problem]]]:
    """Read and clean every source, in order, without storing anything: each source with its
    articles and problems (what a live caller feeds to ``LivePipeline.add``)."""
    found = list(sources)
    limits = Limits.of(settings)
    options = clean_options(settings)
    yield from _process_all(found, options, limits, _workers(settings, len(found)))


def record_has_text(record: dict[str, Any]) -> bool:
    """Whether a record (as :func:`ingest_records` takes) has a text field with words in it."""
    text = pick(record)[0].get("text")
    return bool(text and str(text).strip())


def _workers(settings: Settings, total: int) -> int:
    return 1 if total < 64 else worker_count(int(settings.get("ingest.workers")))


@dataclass(frozen=True, slots=True)
class Limits:
    """What one input may hold: bytes of a single document, characters of a field."""

    max_bytes: int | None
    max_field_chars: int = caps.MAX_FIELD_CHARS

    @classmethod
    def of(cls, settings: Settings) -> Limits:
        """The limits the settings set (``ingest.max_file_mb`` 0: no size limit)."""
        max_bytes = int(float(settings.get("ingest.max_file_mb")) * 1_000_000) or None
        return cls(max_bytes, int(settings.get("ingest.max_field_chars")))


def _process_packed(
    work: tuple[Source | Problem, CleanOptions, Limits],
) -> list[Article | Problem]:
    return _process(*work)


def _process(
    entry: Source | Problem, options: CleanOptions, limits: Limits
) -> list[Article | Problem]:
    """Read and clean one source: its articles and problems, in order. Never raises for input:
    an error storylens did not foresee becomes a problem too (logged with its traceback), so
    one input cannot stop a batch."""
    if isinstance(entry, Problem):
        return [entry]
    out: list[Article | Problem] = []
    try:
        for item in read_source(entry, limits.max_bytes, limits.max_field_chars):
            if isinstance(item, Problem):
                out.append(item)
                continue
            try:
                out.append(clean_item(item, options))
            except InputError as exc:
                out.append(_item_problem(item, exc))
            except (UnicodeEncodeError, RecursionError) as exc:
                out.append(Problem(item.origin, unstorable(exc), item.item))
    except Exception as exc:  # a bug, not bad input: record it and go on with the batch
        log.warning("unexpected error reading %s", entry.origin, exc_info=True)
        out.append(
            Problem(
                entry.origin,
                f"{INTERNAL_ERROR}: {type(exc).__name__}: {exc}"[:500],
                detail="This is a bug in storylens; please report it with this input.",
            )
        )
    return out


INTERNAL_ERROR = "storylens failed on this input"


def _process_all(
    found: list[Source | Problem],
    options: CleanOptions,
    limits: Limits,
    workers: int,
    mapper: Mapper = parallel_map,
) -> Iterator[tuple[Source | Problem, list[Article | Problem]]]:
    """Read and clean every source, in input order; in worker processes when there are many.

    Only reading and cleaning run in the workers; all writes stay in this process, in order,
    so the result is the same whatever the number of workers.
    """
    work = ((entry, options, limits) for entry in found)
    results = mapper(_process_packed, work, len(found), workers=workers, chunk=32, min_items=2)
    yield from zip(found, results, strict=True)


def _item_problem(item: RawItem, exc: InputError) -> Problem:
    return Problem(item.origin, exc.message, item.item, exc.hint)


def _problem(
    report: IngestReport, pending: list[tuple[str, Article | Problem]], p: Problem
) -> None:
    report.problems.append(p)
    pending.append((p.origin, p))
