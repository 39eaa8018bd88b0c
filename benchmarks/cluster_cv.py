"""Choose the event settings by cross-validation over topics, on several labelled sets at once.

Each file is ingested, deduped (and enriched with ``--enrich``) once in a temporary store, as
``storylens eval clusters`` does; its topics are split in 5 folds (topic k in fold k mod 5).
For every fold, the grid's setting with the best mean B³ F1 over the *other* folds of every
file is chosen and scored on this fold. Printed: each fold's choice and held-out scores, the
mean held-out score per file, and the mean per file at fixed settings (the defaults, or
``--set``) for comparison.

``--examples`` adds the bundled example corpus (``examples/corpus`` with the event labels of
``examples/gold/stories.jsonl``; its folds are made of storylines, having no topics).

    python benchmarks/cluster_cv.py FILE.jsonl [FILE.jsonl …] [--examples] [--enrich]
        [--set KEY=VALUE] [--thresholds 0.1,0.125 …]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from storylens.cluster.tuning import prepare
from storylens.config import Settings, load_settings
from storylens.dedupe import run_dedupe
from storylens.evaluation import Dataset, Grid, _fold_scores, cross_validate, load_gold, prepared
from storylens.pipeline import ingest
from storylens.store import Store


def examples(stack: ExitStack, settings: Settings) -> Dataset:
    """The example corpus as a labelled set: each gold line's origin, its event as label."""
    root = Path(__file__).resolve().parents[1] / "examples"
    gold = [json.loads(x) for x in (root / "gold/stories.jsonl").read_text().splitlines() if x]
    tmp = Path(stack.enter_context(tempfile.TemporaryDirectory()))
    store = stack.enter_context(Store(tmp / "examples.db"))
    ingest(store, [str(root / "corpus")], settings)
    run_dedupe(store, settings)

    def origin(g: dict[str, Any]) -> str:
        path = str(root / "corpus" / g["path"])
        multi = g["path"].startswith(("feeds/", "exports/")) or g["path"].endswith(".jsonl")
        return f"{path}#{g['item']}" if multi else path

    # events as labels (``event``), storylines as the folds' groups: a storyline's events stay
    # in one fold
    records = [
        {"label": g.get("event", g["story"]), "topic": g["story"], "id": g["path"]} for g in gold
    ]
    return Dataset("examples", prepare(store, settings), records, [origin(g) for g in gold])


def main() -> int:
    p = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    p.add_argument("files", type=Path, nargs="*")
    p.add_argument("--examples", action="store_true", help="add the bundled example corpus")
    p.add_argument("--enrich", action="store_true", help="run the enrich stage first")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    p.add_argument("--json", action="store_true")
    for name in ("thresholds", "split-ratios", "half-lives", "spans"):
        p.add_argument(f"--{name}", help="comma-separated values (default: the Grid's)")
    args = p.parse_args()
    overrides = dict(kv.split("=", 1) for kv in args.set)
    settings = load_settings(environ={}, overrides=overrides)
    given = {
        field: tuple(float(v) for v in raw.split(","))
        for field, raw in (
            ("thresholds", args.thresholds), ("split_ratios", args.split_ratios),
            ("half_lives", args.half_lives), ("spans", args.spans),
        )
        if raw
    }  # fmt: skip
    grid = Grid(**given)  # type: ignore[arg-type]
    started = time.perf_counter()
    with ExitStack() as stack:
        datasets = []
        for path in args.files:
            records = load_gold(path)
            store, origin_of, _ = stack.enter_context(prepared(records, settings, args.enrich))
            datasets.append(Dataset(path.name, prepare(store, settings), records, origin_of))
        if args.examples:
            datasets.append(examples(stack, settings))
        print(f"prepared {len(datasets)} files in {time.perf_counter() - started:.0f} s")
        folds = cross_validate(datasets, settings, grid)
        fixed = tuple(float(settings.get(k)) for k in Grid.KEYS)
        at_fixed = {}
        for d in datasets:
            table = _fold_scores(
                d, settings, Grid(*[(v,) for v in fixed]), 5
            )  # the fixed setting alone
            key = fixed if d.prepared.dated else (fixed[0], fixed[1], fixed[2], 0.0)
            at_fixed[d.name] = sum(table[k, key] for k in range(5)) / 5
    if args.json:
        print(json.dumps({"folds": folds, "fixed": at_fixed}, indent=1))
    for f in folds:
        scores = ", ".join(f"{n} {v:.3f}" for n, v in f["test_bcubed_f1"].items())
        print(
            f"fold {f['fold']}: threshold {f['threshold']}, split {f['split_ratio']},"
            f" half-life {f['half_life_days']}, span {f['span_days']} → {scores}"
        )
    for d in datasets:
        mean = sum(f["test_bcubed_f1"][d.name] for f in folds) / len(folds)
        print(f"{d.name}: cross-validated B³ F1 {mean:.3f}; at {fixed}: {at_fixed[d.name]:.3f}")
    print(f"{time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
