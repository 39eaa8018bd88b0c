"""Choose the event settings by cross-validation over topics, on several labelled sets at once.

Each file is ingested, deduped (and enriched with ``--enrich``) once in a temporary store, as
``storylens eval clusters`` does; its topics are split in 5 folds (topic k in fold k mod 5).
For every fold, the grid's setting with the best mean B³ F1 over the *other* folds of every
file is chosen and scored on this fold. Printed: each fold's choice and held-out scores, the
mean held-out score per file, and the mean per file at fixed settings (the defaults, or
``--set``) for comparison.

    python benchmarks/cluster_cv.py FILE.jsonl [FILE.jsonl …] [--enrich] [--set KEY=VALUE]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from contextlib import ExitStack
from pathlib import Path

from storylens.cluster.tuning import prepare
from storylens.config import load_settings
from storylens.evaluation import Dataset, Grid, _fold_scores, cross_validate, load_gold, prepared


def main() -> int:
    p = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    p.add_argument("files", type=Path, nargs="+")
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
