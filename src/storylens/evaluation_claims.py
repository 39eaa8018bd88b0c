"""Scoring numeric claims, quotes and the cross-outlet comparison on hand-labelled real news.

:func:`evaluate_claims` runs storylens on the documents of a gold folder laid out as
``../shared/gold/ecbplus-claims`` is (``events.json`` naming each event's documents and their
outlets, ``labels.jsonl``, and the gold's own scorer ``score.py``): ingest, dedupe, cluster,
enrich and compare in a temporary store, the outputs written as ``storylens claims / quotes /
compare --json`` print them, then scored by the gold's scorer (imported from the gold folder, so
the figures are the gold's own, not a re-implementation). It refuses to score when some
documents were not stored.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storylens.config import Settings
from storylens.errors import InputError
from storylens.store import Store

# What the command prints, in order: (key, label, target or None). Targets are issue 9's.
FIGURES: list[tuple[str, str, float | None]] = [
    ("claims_subject_p", "claims, subject + value: precision", 0.88),
    ("claims_subject_r", "claims, subject + value: recall", 0.85),
    ("claims_value_p", "claims, value only: precision", 0.95),
    ("claims_value_r", "claims, value only: recall", 0.92),
    ("attribution", "claims: attribution accuracy", None),
    ("facts_right_of_gold", "facts of 2+ outlets, right status / gold", 0.80),
    ("facts_right_of_shown", "facts of 2+ outlets, right status / shown", 0.92),
    ("conflicts_real", "conflict rows that are real conflicts", 0.90),
    ("quote_facts", "quote facts of 2+ outlets lined up", 0.65),
    ("quotes_p", "quotes: precision", None),
    ("quotes_r", "quotes: recall", 0.92),
    ("quotes_direct_r", "quotes: recall, direct", 0.95),
    ("quotes_reported_r", "quotes: recall, reported", 0.85),
    ("speaker", "quotes: speaker right", 0.93),
]


@dataclass(slots=True)
class ClaimScores:
    """The figures of one run (see :data:`FIGURES`), the counts behind the comparison ones,
    and where the outputs were written."""

    figures: dict[str, float]
    counts: dict[str, int] = field(default_factory=dict)
    workdir: str = ""
    documents: int = 0


def load_scorer(gold: Path) -> Any:
    """The gold folder's own ``score.py``, imported as a module."""
    path = gold / "score.py"
    if not path.is_file():
        raise InputError(
            f"{gold} has no score.py",
            "Point at the gold folder, e.g. ../shared/gold/ecbplus-claims",
        )
    spec = importlib.util.spec_from_file_location("storylens_gold_score", path)
    if spec is None or spec.loader is None:
        raise InputError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def gold_documents(gold: Path, corpus: Path) -> list[dict[str, Any]]:
    """The gold's documents as export records, each with its gold outlet as ``source``."""
    events = json.loads((gold / "events.json").read_text(encoding="utf-8"))["events"]
    outlet = {doc: name for e in events.values() for name, doc in e["articles"].items()}
    records = []
    with corpus.open(encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if r["id"] in outlet:
                records.append({
                    "title": r.get("title") or "", "body": r["body"],
                    "source": r.get("source") or outlet[r["id"]],
                    "published": r.get("published"), "url": r.get("url"),
                })  # fmt: skip
    if len(records) != len(outlet):
        raise InputError(
            f"{corpus} holds {len(records)} of the gold's {len(outlet)} documents",
            "Pass the corpus the gold was labelled on with --corpus",
        )
    return records


def evaluate_claims(
    gold: Path, settings: Settings, corpus: Path | None = None, workdir: Path | None = None
) -> ClaimScores:
    """Run storylens on the gold's documents and score it with the gold's scorer."""
    from storylens import queries
    from storylens.pipeline import ingest_records, run
    from storylens.store.comparisons import to_json

    scorer = load_scorer(gold)
    corpus = corpus or Path(scorer.CORPUS)
    records = gold_documents(gold, corpus)
    out = Path(workdir or tempfile.mkdtemp(prefix="storylens-eval-claims-"))
    (out / "compare").mkdir(parents=True, exist_ok=True)
    with Store(out / "store.db") as store:
        ingest_records(store, records, settings)
        stored = store.conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        if stored != len(records):
            raise InputError(
                f"only {stored} of the {len(records)} gold documents were stored: not scoring",
                f"See what failed: storylens problems --db {out / 'store.db'}",
            )
        run(store, [], settings)  # dedupe, cluster, enrich, compare, in the pipeline's order
        _dump(out / "claims.json", queries.list_claims(store, limit=100_000))
        _dump(out / "quotes.json", queries.list_quotes(store, limit=100_000))
        for story in queries.list_stories(store, limit=100_000):
            data = to_json(queries.story_comparison(store, story["id"]))
            _dump(out / "compare" / f"{story['id']}.json", data)
    figures, counts = score(scorer, gold, corpus, out)
    return ClaimScores(figures, counts, str(out), len(records))


def score(
    scorer: Any, gold: Path, corpus: Path, out: Path
) -> tuple[dict[str, float], dict[str, int]]:
    """The figures of :data:`FIGURES` from the gold's scorer over the outputs in ``out``."""
    args = argparse.Namespace(
        labels=str(gold / "labels.jsonl"), events=str(gold / "events.json"),
        articles=str(corpus), claims=str(out / "claims.json"), quotes=str(out / "quotes.json"),
        compare=[str(out / "compare")],
    )  # fmt: skip
    s = scorer.Scorer(args)
    c, q = s.score_claims(), s.score_quotes()
    compared = s.score_compare()
    figures = {
        "claims_subject_p": c["subject"][0], "claims_subject_r": c["subject"][1],
        "claims_value_p": c["value"][0], "claims_value_r": c["value"][1],
        "attribution": c["attr"]["acc"],
        "quotes_p": q["cover"][0], "quotes_r": q["cover"][1],
        "quotes_direct_r": _ratio(q["direct_recall"]),
        "quotes_reported_r": _ratio(q["indirect_recall"]),
        "speaker": _ratio(q["speaker_acc"]),
    }  # fmt: skip
    counts: dict[str, int] = {}
    for kind in ("claim", "quote"):
        per_event, details, _ = compared[kind]
        total: Counter[str] = Counter()
        for v in per_event.values():
            total.update(v)
        gold_n = total["right"] + total["wrong"] + total["missed"]
        shown = total["right"] + total["wrong"] + total["invented"]
        for k in ("right", "wrong", "missed", "invented"):
            counts[f"{kind}_{k}"] = total[k]
        counts[f"{kind}_gold"] = gold_n
        if kind == "claim":
            figures["facts_right_of_gold"] = total["right"] / gold_n if gold_n else 0.0
            figures["facts_right_of_shown"] = total["right"] / shown if shown else 0.0
            # conflict rows: found facts and invented alignments shown as a conflict
            conflicts = [
                d for d in details if d[3] == "conflict" and d[0] in ("right", "wrong", "invented")
            ]
            real = [d for d in conflicts if d[0] == "right"]
            counts["conflict_rows"], counts["conflict_rows_real"] = len(conflicts), len(real)
            figures["conflicts_real"] = len(real) / len(conflicts) if conflicts else 1.0
        else:
            figures["quote_facts"] = total["right"] / gold_n if gold_n else 0.0
    return figures, counts


def _ratio(pair: tuple[int, int]) -> float:
    return pair[0] / pair[1] if pair[1] else 0.0


def _dump(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8")
