"""Numeric claims on the example corpus, scored against the hand-written gold file.

``examples/gold/claims.jsonl`` holds the claims a careful reader finds in the body text of 41 of
the 47 reports (how it was written: examples/gold/README.md). Matching rule: a predicted claim
matches a gold claim of the same report when the values are equal (``lo`` and ``hi`` to 1e-6,
None for an open end) and the subjects agree: equal, or the words of one are a prefix or a suffix
of the other's ("pay rise" / "rise", "duration in power" / "duration"). Each gold claim matches
at most one prediction. A second, value-only score drops the subject condition.

Measured (``.venv/bin/pytest tests/test_claims_gold.py -s``): 357 gold, 350 predicted, 301
matched: precision 0.860, recall 0.843; value only (an upper bound: any claim of the same
value in the report matches) precision 0.991, recall 0.972. The floors
sit just under the strict figures.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from storylens.config import load_settings
from storylens.enrich.claims import extract_claims
from storylens.models import Claim
from storylens.pipeline import ingest
from storylens.queries import list_articles
from storylens.store import Store

from .conftest import EXAMPLES

CORPUS = EXAMPLES / "corpus"
GOLD_FILE = EXAMPLES / "gold" / "claims.jsonl"
PRECISION_FLOOR = 0.84
RECALL_FLOOR = 0.82


def _gold() -> list[dict[str, Any]]:
    lines = GOLD_FILE.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _key(origin: str) -> tuple[str, int | None]:
    path, _, item = origin.partition("#")
    return Path(path).resolve().relative_to(CORPUS.resolve()).as_posix(), (
        int(item) if item else None
    )


def _same_subject(a: str, b: str) -> bool:
    x, y = a.lower().split(), b.lower().split()
    short, long = (x, y) if len(x) <= len(y) else (y, x)
    return bool(short) and (long[: len(short)] == short or long[-len(short) :] == short)


def _same_value(a: float | None, b: float | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and abs(a - b) < 1e-6)


@pytest.fixture(scope="module")
def predicted(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, int | None], Any]:
    pytest.importorskip("spacy")
    from storylens.enrich import nlp as nlp_module

    nlp = nlp_module.load()
    settings = load_settings(environ={}, config_file=None)
    out: dict[tuple[str, int | None], Any] = {}
    with Store(tmp_path_factory.mktemp("gold") / "gold.db") as store:
        ingest(store, [str(CORPUS)], settings)
        articles = list_articles(store, limit=None)
    for art in articles:
        texts = [p.text for p in art.paragraphs if p.kind == "body"]
        found: list[Claim] = []
        for doc in nlp.pipe(texts):
            found += [c for i, s in enumerate(doc.sents) for c in extract_claims(s, i)]
        out[_key(art.origin)] = (texts, found)
    return out


def test_gold_claims_are_words_of_their_reports(predicted: dict[Any, Any]) -> None:
    gold = _gold()
    assert len({(g["path"], g["item"]) for g in gold}) >= 25
    missing = []
    for g in gold:
        texts, _ = predicted[(g["path"], g["item"])]
        if not any(g["text"] in t for t in texts):
            missing.append((g["path"], g["text"]))
    assert missing == []


def _score(
    predicted: dict[Any, Any], gold: list[dict[str, Any]], subjects: bool
) -> tuple[int, int, list[str], list[str]]:
    """(matched, predicted, missed, extra) over the reports that have gold claims."""
    by_report: dict[tuple[str, int | None], list[dict[str, Any]]] = {}
    for g in gold:
        by_report.setdefault((g["path"], g["item"]), []).append(g)
    tp = n_pred = 0
    missed: list[str] = []
    extra: list[str] = []
    for key, golds in by_report.items():
        _, found = predicted[key]
        n_pred += len(found)
        left = list(golds)
        for c in found:
            match = next(
                (
                    g
                    for g in left
                    if _same_value(c.lo, g["lo"])
                    and _same_value(c.hi, g["hi"])
                    and (not subjects or _same_subject(c.subject, g["subject"]))
                ),
                None,
            )
            if match is None:
                extra.append(f"{key[0]}: {c.text!r} {c.subject} [{c.lo}, {c.hi}]")
            else:
                tp += 1
                left.remove(match)
        missed += [f"{key[0]}: {g['text']!r} {g['subject']} [{g['lo']}, {g['hi']}]" for g in left]
    return tp, n_pred, missed, extra


def test_claims_against_the_gold_file(predicted: dict[Any, Any]) -> None:
    gold = _gold()
    tp, n_pred, missed, extra = _score(predicted, gold, subjects=True)
    vtp, _, _, _ = _score(predicted, gold, subjects=False)
    precision, recall = tp / n_pred, tp / len(gold)
    print(f"\nclaims gold: {len(gold)} gold, {n_pred} predicted, {tp} matched")
    print(f"precision {precision:.3f}  recall {recall:.3f}")
    print(f"value only: precision {vtp / n_pred:.3f}  recall {vtp / len(gold):.3f}")
    print("missed:", *missed, sep="\n  ")
    print("extra:", *extra, sep="\n  ")
    assert precision >= PRECISION_FLOOR
    assert recall >= RECALL_FLOOR
