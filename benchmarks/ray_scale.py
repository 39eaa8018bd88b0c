"""Enrich throughput on the ray engine against the local process pool and spaCy's own nlp.pipe.

Ingests the first ``--posts`` finescoop posts (by file name) into a store, then, in one run and
on exactly the paragraphs the enrich stage reads, times:

- baseline: ``nlp.pipe(texts)`` with 1 and with 2 processes, every doc consumed (spaCy alone);
- local: ``run_enrich`` with the process pool (``enrich.n_process=2``), in a fresh process;
- ray 1 / ray 2: ``run_enrich`` on a local Ray started with 1 and 2 CPUs (an actor pool of one
  model per CPU), each in a fresh process; Ray's start is timed apart;
- Ray's overhead per batch: a stage that does nothing, over the same batches (the same
  payloads shipped to the workers and back), run twice (the first starts its workers), the
  second divided by the number of batches;
- the 2-process baseline again, so drift on a noisy machine shows.

Every enrich run starts from a copy of the same ingested store and writes everything it finds.
It prints articles/s, words/s, each run's ratio to the baseline with as many processes, and the
articles/s per core for the arithmetic of a larger run (docs/scale.md).

    python benchmarks/ray_scale.py [--corpus …/posts.tar.gz] [--posts 2000]
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import finescoop

from storylens.enrich import nlp
from storylens.enrich.run import article_work, run_enrich
from storylens.pipeline import ingest
from storylens.store import Store


def pipe_seconds(texts: list[str], model: str, n_process: int) -> float:
    started = time.perf_counter()
    for _ in nlp.load(model).pipe(texts, n_process=n_process, batch_size=64):
        pass
    return time.perf_counter() - started


def _noop(task: Any) -> int:
    return len(task[1])


def child(mode: str, db: Path, cpus: int) -> None:
    """One enrich run in this fresh process: print its figures as one JSON line."""
    settings = finescoop.settings(**{"enrich.n_process": cpus})
    model = str(settings.get("enrich.model"))
    out: dict[str, Any] = {"mode": mode, "cpus": cpus}
    mapper: Any = None
    if mode == "ray":
        from storylens.scale.ray import RayEngine

        engine = RayEngine(num_cpus=cpus)
        started = time.perf_counter()
        engine.start()
        out["start_s"] = time.perf_counter() - started
        mapper = engine
    nlp.load(model)  # the driver's own load (a fail-early check) is not timed on either side
    with Store(db) as store:
        kwargs = {"mapper": mapper} if mapper else {}
        report = run_enrich(store, settings, **kwargs)
        out.update(seconds=report.seconds, articles=report.articles, claims=report.claims,
                   quotes=report.quotes, mentions=report.mentions)  # fmt: skip
        if mode == "ray":
            batch = int(settings.get("enrich.batch_size"))
            ids = [r[0] for r in store.conn.execute("SELECT id FROM articles ORDER BY id")]
            max_chars = int(settings.get("enrich.max_chars"))
            tasks = [
                (model, article_work(store, ids[i : i + batch], max_chars))
                for i in range(0, len(ids), batch)
            ]
            for key in ("noop_cold_s", "noop_s"):  # the first starts the task workers
                started = time.perf_counter()
                assert sum(mapper(_noop, tasks, len(tasks), chunk=1)) == len(ids)
                out[key] = time.perf_counter() - started
            out["batches"] = len(tasks)
    out["driver_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


def run_child(mode: str, base: Path, cpus: int, scratch: Path) -> dict[str, Any]:
    db = scratch / f"{mode}-{cpus}.db"
    shutil.copy(base, db)
    done = subprocess.run(
        [sys.executable, __file__, "--child", mode, "--db", str(db), "--cpus", str(cpus)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"{mode} run failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    p = finescoop.parser(__doc__ or "")
    p.add_argument("--posts", type=int, default=2000, help="posts to enrich")
    p.add_argument("--child", choices=["local", "ray"], help=argparse_hidden())
    p.add_argument("--db", type=Path, help=argparse_hidden())
    p.add_argument("--cpus", type=int, default=2, help=argparse_hidden())
    args = p.parse_args()
    if args.child:
        child(args.child, args.db, args.cpus)
        return
    settings = finescoop.settings()
    model = str(settings.get("enrich.model"))
    with finescoop.unpacked(args.corpus) as (posts, tmp):
        files = sorted(posts.iterdir())[: args.posts]
        base = tmp / "base.db"
        with Store(base) as store:
            ingest(store, [str(f) for f in files], settings)
            ids = [r[0] for r in store.conn.execute("SELECT id FROM articles ORDER BY id")]
            work = article_work(store, ids, int(settings.get("enrich.max_chars")))
        texts = [t for _, _, paragraphs in work for _, t in paragraphs]
        words = sum(len(t.split()) for t in texts)
        n = len(ids)
        print(f"{n} articles, {len(texts)} paragraphs, {words:,} words")
        nlp.load(model)  # loading is not timed
        pipe = {1: pipe_seconds(texts, model, 1), 2: pipe_seconds(texts, model, 2)}
        for k, s in pipe.items():
            print(f"baseline nlp.pipe(n_process={k}): {s:.1f}s ({n / s:.2f} articles/s, "
                  f"{words / s:,.0f} words/s)")  # fmt: skip
        runs = [
            run_child("local", base, 2, tmp),
            run_child("ray", base, 1, tmp),
            run_child("ray", base, 2, tmp),
        ]
        again = pipe_seconds(texts, model, 2)
        print(f"baseline nlp.pipe(n_process=2) again: {again:.1f}s ({n / again:.2f} articles/s)")
        found = {(r["articles"], r["claims"], r["quotes"], r["mentions"]) for r in runs}
        assert len(found) == 1, f"the engines found different things: {found}"
        for r in runs:
            s, cpus = r["seconds"], r["cpus"]
            name = "local pool" if r["mode"] == "local" else "ray"
            base_s = pipe[cpus] if cpus == 1 else (pipe[2] + again) / 2
            line = (
                f"{name} ({cpus} cpu): enrich {s:.1f}s, {n / s:.2f} articles/s "
                f"({n / s / cpus:.2f} per core), {words / s:,.0f} words/s, "
                f"{s / base_s:.2f}x nlp.pipe(n_process={cpus})"
            )
            if r["mode"] == "ray":
                line += (
                    f"; Ray start {r['start_s']:.1f}s; overhead {r['noop_s'] / r['batches']:.3f}s"
                    f" per batch ({r['batches']} batches of up to"
                    f" {settings.get('enrich.batch_size')} articles through a no-op stage:"
                    f" {r['noop_s']:.1f}s in all, {r['noop_cold_s']:.1f}s the first time,"
                    " starting its workers)"
                )
            print(line)
        a, c, q, m = found.pop()
        print(f"found (every run): {a} articles, {c:,} claims, {q:,} quotes, {m:,} mentions")
        print("driver peak RSS: " + ", ".join(
            f"{r['mode']}-{r['cpus']} {r['driver_rss_mb']:.0f} MB" for r in runs))  # fmt: skip
    sys.stdout.flush()


def argparse_hidden() -> str:
    import argparse

    return argparse.SUPPRESS


if __name__ == "__main__":
    main()
