"""Ingest throughput and peak memory on the finescoop corpus (24,833 real posts).

Prints articles/s and peak RSS for storylens's ingest (read, clean, store with FTS), beside a
baseline measured in the same run on the same files: reading every file and parsing its YAML
front matter, the least any reader must do. Absolute times vary between machines; the ratio
says how much storylens adds to that floor.

    python benchmarks/ingest_finescoop.py [--corpus ../shared/corpora/finescoop-2020/posts.tar.gz]
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

import finescoop
import yaml

from storylens.pipeline import ingest
from storylens.store import Store


def peak_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def baseline(files: list[Path]) -> float:
    start = time.perf_counter()
    for path in files:
        text = path.read_text(encoding="utf-8")
        head = text.split("\n---", 2)[0]
        yaml.load(head.lstrip("-\n "), Loader=yaml.CSafeLoader)
    return time.perf_counter() - start


def main() -> int:
    parser = finescoop.parser(__doc__ or "")
    parser.add_argument("--workers", type=int, default=0)
    args = parser.parse_args()
    with finescoop.unpacked(args.corpus) as (posts, tmp):
        files = sorted(posts.glob("*.md"))
        base = baseline(files)
        settings = finescoop.settings(**{"ingest.workers": args.workers})
        with Store(tmp / "bench.db") as store:
            report = ingest(store, [str(posts)], settings)
            again = time.perf_counter()
            rerun = ingest(store, [str(posts)], settings)
            rerun_s = time.perf_counter() - again
        own, children = peak_mb()
    c = report.counts
    n = len(files)
    print(f"files                 {n}")
    print(
        f"stored                {c.added} added, {c.duplicates} exact duplicates, "
        f"{c.problems} problems"
    )
    reasons: dict[str, int] = {}
    for p in report.problems:
        reasons[p.reason] = reasons.get(p.reason, 0) + 1
    for reason, count in sorted(reasons.items(), key=lambda kv: -kv[1]):
        print(f"  problem x{count}: {reason}")
    print(f"baseline read+YAML    {base:6.1f} s  {n / base:7.0f} files/s")
    print(f"storylens ingest      {report.seconds:6.1f} s  {n / report.seconds:7.0f} files/s")
    print(f"ratio ingest/baseline {report.seconds / base:6.1f}x")
    print(f"re-ingest (unchanged) {rerun_s:6.1f} s  ({rerun.counts.unchanged} unchanged)")
    print(f"peak RSS              {own:6.0f} MB main process, {children:.0f} MB largest worker")
    print("target                >= 500 files/s, < 500 MB peak RSS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
