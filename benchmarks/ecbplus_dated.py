"""A dated news stream made from ECB+: a dev proxy for short multi-outlet leads.

ECB+ is undated, and in each topic its two halves are two real events of the same kind. This
script gives every event a date and every document a publication time, so that the two
events of a topic fall a few days apart (the hard case of a dated stream: related subjects a
few days apart), and optionally cuts every document to its first words (a short lead):

- topics in order of their number; topic k's first event (the ``ecb`` half for even k, the
  ``ecbplus`` half for odd k) is dated 2020-01-01 + 1.5·k days (so about two topics are
  active on any day), its second event 2 + (k mod 4) days later (2 to 5 days);
- each document is published at its event's date plus an offset of hours drawn from an
  exponential distribution of mean 14 hours, capped at 96 hours, from a hash of its id
  (deterministic: the same file every run);
- with ``--words N`` (default 90) the body is cut to its first N words; the title is kept.

    python benchmarks/ecbplus_dated.py OUT.jsonl [--ecbplus …/ecbplus.jsonl] [--words 90]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

DEFAULT = Path(__file__).resolve().parents[2] / "shared/corpora/ecbplus/ecbplus.jsonl"
START = datetime(2020, 1, 1, 6, tzinfo=UTC)


def offset_hours(doc_id: str) -> float:
    """Hours after its event's date that a document is published (mean 14, at most 96)."""
    digest = hashlib.sha256(doc_id.encode()).digest()
    u = int.from_bytes(digest[:8], "big") / 2**64
    return min(96.0, -math.log(1.0 - u) * 14.0)


def dated(records: list[dict[str, object]], words: int) -> list[dict[str, object]]:
    topics = sorted({int(str(r["topic"])) for r in records})
    out = []
    for k, topic in enumerate(topics):
        first = "ecb" if k % 2 == 0 else "ecbplus"
        day = START + timedelta(days=1.5 * k)
        for r in records:
            if int(str(r["topic"])) != topic:
                continue
            event_day = day if r["subtopic"] == first else day + timedelta(days=2 + k % 4)
            when = event_day + timedelta(hours=offset_hours(str(r["id"])))
            body = str(r.get("body") or "")
            if words > 0:
                body = " ".join(body.split()[:words])
            out.append({**r, "body": body, "published": when.isoformat()})
    out.sort(key=lambda r: (str(r["published"]), str(r["id"])))
    return out


def main() -> int:
    p = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    p.add_argument("out", type=Path)
    p.add_argument("--ecbplus", type=Path, default=DEFAULT)
    p.add_argument("--words", type=int, default=90, help="words of each body kept (0: all)")
    args = p.parse_args()
    records = [json.loads(line) for line in args.ecbplus.read_text().splitlines() if line.strip()]
    rows = dated(records, args.words)
    args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    print(f"{len(rows)} documents, {len({r['label'] for r in rows})} events → {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
