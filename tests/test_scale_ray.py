"""The ray engine: the same answers as a local run, through a worker killed mid-run too.

One local Ray (2 CPUs) serves the whole session; the tests are skipped when the extra is not
installed. The stores are compared table by table, every column but the clock's.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from storylens.cli.app import app
from storylens.compare.run import run_compare
from storylens.config import Settings, load_settings
from storylens.enrich.run import run_enrich
from storylens.parallel import parallel_map
from storylens.pipeline import build_stories, ingest, run
from storylens.store import Store

from .conftest import EXAMPLES

ray = pytest.importorskip(
    "ray", reason="the ray extra is not installed (pip install 'storylens[ray]')"
)
cloudpickle = pytest.importorskip("cloudpickle")

from storylens.scale.ray import RayEngine  # noqa: E402

CORPUS = EXAMPLES / "corpus"
TABLES = (
    "articles", "problems", "duplicates", "stories", "story_members", "storylines", "sentences",
    "mentions", "entities", "quotes", "claims", "comparisons",
)  # fmt: skip
SKIP_TABLES = ("articles_fts", "migrations", "runs", "secrets")  # FTS internals, clocks, pids


@pytest.fixture(scope="module")
def ray_engine() -> Iterator[RayEngine]:
    """The test session's one local Ray (only this module uses it): stopped when the module is
    done, so the tests after it get the machine's cores back."""
    engine = RayEngine(num_cpus=2)
    engine.start()
    yield engine
    ray.shutdown()


def dump(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, sorted, without the columns that hold times."""
    conn = sqlite3.connect(db)
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    out = {}
    for name in names:
        if name.startswith(SKIP_TABLES):
            continue
        cols = [r[1] for r in conn.execute(f"PRAGMA table_info({name})")]
        kept = ", ".join(f'"{c}"' for c in cols if not c.endswith("_at"))
        out[name] = sorted(conn.execute(f"SELECT {kept} FROM {name}").fetchall(), key=repr)
    conn.close()
    return out


def small_batches() -> Settings:
    # several enrich batches and ingest flushes even on the example corpus
    return load_settings(environ={}, config_file=None, overrides={"enrich.batch_size": 8})


def build(db: Path, mapper: Any, settings: Settings, inputs: tuple[Path, ...] = (CORPUS,)) -> Path:
    """A store of ``inputs``, ingested, deduped, clustered, enriched and compared."""
    with Store(db) as store:
        run(store, [str(i) for i in inputs], settings, mapper=mapper)
    return db


@pytest.fixture(scope="module")
def local_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("local") / "local.db", parallel_map, small_batches())


def test_cli_on_ray_stores_what_a_local_run_stores(
    ray_engine: RayEngine, local_db: Path, tmp_path: Path
) -> None:
    db = str(tmp_path / "ray.db")
    runner = CliRunner()
    ray_args = ["--db", db, "--engine", "ray", "--num-cpus", "2"]
    result = runner.invoke(app, ["ingest", str(CORPUS), *ray_args, "--json"])
    assert result.exit_code == 3, result.output  # the corpus's broken files, as locally
    assert json.loads(result.stdout)["added"] >= 40
    result = runner.invoke(app, ["cluster", *ray_args])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["run", *ray_args, "--json"])  # enrich and compare what is left
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["enrich"]["articles"] >= 40
    result = runner.invoke(app, ["enrich", *ray_args])  # nothing left to do
    assert result.exit_code == 0 and "0 articles enriched" in result.stdout, result.output
    local, distributed = dump(local_db), dump(Path(db))
    for table in TABLES:
        assert distributed[table] == local[table], table
        assert local[table] or table == "duplicates", f"{table} is empty: a test that cannot fail"
    assert distributed == local
    # a re-run finds nothing to do: resume by content hash
    result = runner.invoke(app, ["ingest", str(CORPUS), *ray_args, "--json"])
    assert json.loads(result.stdout)["added"] == 0
    assert json.loads(result.stdout)["unchanged"] >= 40


def die_once(tmp: Path, func: Callable[[Any], Any], item: Any) -> Any:
    """``func(item)``, except that the worker that meets the third item of the stage (or the
    first after it) kills its own process, once: a crashed or pre-empted node mid-run."""
    fd = os.open(tmp / "count", os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    try:
        os.write(fd, b".")
        seen = os.fstat(fd).st_size
    finally:
        os.close(fd)
    if seen >= 3:
        try:
            (tmp / "killed").open("x").close()
        except FileExistsError:
            pass
        else:
            os._exit(1)
    return func(item)


class DyingEngine(RayEngine):
    """The session's Ray, with a worker that kills itself once in every stage it runs."""

    def __init__(self, tmp: Path) -> None:
        super().__init__()
        self.tmp = tmp
        self.calls = 0

    def __call__(self, func: Any, items: Any, total: int, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        stage = self.tmp / f"stage-{self.calls}"
        stage.mkdir()
        return super().__call__(partial(die_once, stage, func), items, total, *args, **kwargs)


def test_results_come_back_in_input_order_across_windows(ray_engine: RayEngine) -> None:
    engine = RayEngine(window=7)  # the session's Ray, 7 items per Dataset
    items = [f"item {n}" for n in range(40, 0, -1)]
    assert list(engine(str.upper, iter(items), len(items), chunk=3)) == [i.upper() for i in items]
    assert engine.batches >= 6  # six windows of up to three batches each
    assert list(engine(str.upper, iter([]), 0)) == []


def test_parquet_dataset_read_by_ray(ray_engine: RayEngine, tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    lines = (CORPUS / "exports" / "newsdesk_export_2025-q2.jsonl").read_text(encoding="utf-8")
    records = [json.loads(line) for line in lines.splitlines() if line.strip()]
    keys = sorted({k for r in records for k in r if not isinstance(r[k], dict)})
    rows = [{k: r.get(k) for k in keys} for r in records]
    rows.append({**rows[0], "title": "", **{k: None for k in keys if k in ("text", "body")}})
    shards = tmp_path / "reports.parquet"
    shards.mkdir()
    half = len(rows) // 2
    pq.write_table(pa.Table.from_pylist(rows[:half]), shards / "part-0.parquet")
    pq.write_table(pa.Table.from_pylist(rows[half:]), shards / "part-1.parquet")
    settings = load_settings(environ={}, config_file=None)
    with Store(tmp_path / "local.db") as store:
        ingest(store, [str(CORPUS / "exports" / "newsdesk_export_2025-q2.jsonl")], settings)
        local = store.conn.execute("SELECT id, title, body, published FROM articles").fetchall()
    with Store(tmp_path / "ray.db") as store:
        report = ingest(
            store, [], settings, datasets=partial(ray_engine.clean_datasets, [str(shards)])
        )
        stored = store.conn.execute("SELECT id, title, body, published FROM articles").fetchall()
        origins = {r[0] for r in store.conn.execute("SELECT origin FROM articles")}
    assert sorted(map(tuple, stored)) == sorted(map(tuple, local)) and local
    assert origins == {str(shards / "part-0.parquet"), str(shards / "part-1.parquet")}
    assert len(report.problems) == 1  # the row with no text, named by its file
    assert report.problems[0].origin == str(shards / "part-1.parquet")


class Stop(Exception):
    """Raised by a progress callback: the run is cut off between two batches."""


def test_a_killed_worker_and_an_interrupted_run_change_nothing(
    ray_engine: RayEngine, local_db: Path, tmp_path: Path
) -> None:
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    engine = DyingEngine(tmp_path)
    settings = small_batches()
    db = tmp_path / "dying.db"

    def stop_after_two(done: int, total: int) -> None:
        if done >= 16:
            raise Stop

    with Store(db) as store:
        ingest(store, [str(CORPUS)], settings, mapper=engine)  # a task's worker dies
        build_stories(store, settings)
        with pytest.raises(Stop):
            run_enrich(store, settings, mapper=engine, progress=stop_after_two)
        count = "SELECT count(DISTINCT article_id) FROM {}"
        kept = [
            store.conn.execute(count.format(t)).fetchone()[0] for t in ("enrichments", "sentences")
        ]
        assert kept == [16, 16]  # two whole batches of eight, nothing of the third
        report = run_enrich(store, settings, mapper=engine)  # an actor holding the model dies
        total = store.conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        assert report.articles == total - 16  # the re-run does the rest, by content hash
        run_compare(store)
    assert engine.calls == 3
    assert (tmp_path / "stage-1" / "killed").exists()  # read + clean (Ray tasks)
    assert (tmp_path / "stage-3" / "killed").exists()  # enrich (the actor pool)
    assert dump(db) == dump(local_db)


@pytest.mark.slow
@pytest.mark.shared
@pytest.mark.skipif(
    not os.environ.get("STORYLENS_SLOW"),
    reason="slow (minutes): set STORYLENS_SLOW=1 to compare a few thousand finescoop posts",
)
def test_finescoop_posts_on_ray_match_a_local_run(ray_engine: RayEngine, tmp_path: Path) -> None:
    import tarfile

    from .conftest import SHARED

    corpus = SHARED / "corpora" / "finescoop-2020" / "posts.tar.gz"
    if not corpus.is_file():
        pytest.skip(f"the finescoop corpus is not in {corpus}")
    count = int(os.environ.get("STORYLENS_RAY_POSTS", "2000"))
    with tarfile.open(corpus) as tar:
        members = sorted(
            (m for m in tar.getmembers() if m.name.endswith(".md")), key=lambda m: m.name
        )
        tar.extractall(tmp_path / "posts", members=members[:count], filter="data")
    settings = load_settings(
        environ={}, config_file=None, overrides={"ingest.timezone": "Europe/London"}
    )
    posts = (tmp_path / "posts",)
    local = build(tmp_path / "local.db", parallel_map, settings, posts)
    distributed = build(tmp_path / "ray.db", ray_engine, settings, posts)
    a, b = dump(local), dump(distributed)
    assert len(a["articles"]) >= count * 0.9 and a["duplicates"] and a["claims"]
    for table in TABLES:
        assert b[table] == a[table], table
