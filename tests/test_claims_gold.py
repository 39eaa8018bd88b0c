"""Numeric claims scored against two golds: the example corpus and real news (ECB+).

**Real news** (``../shared/gold/ecbplus-claims``: 533 claims hand-labelled on 40 ECB+ documents,
independently of this code; its README gives the conventions). :func:`test_claims_on_ecbplus_gold`
runs the gold's own ``run.sh`` (ingest, cluster, enrich, compare in a fresh store, with this
checkout's ``storylens``) and its ``score.py``, and pins floors a little under what was measured
(``.venv/bin/pytest tests/test_claims_gold.py -k ecbplus -s`` prints the scorer's figures):

    subject + value P 0.916 / R 0.916, value only P 0.991 / R 0.991, attribution accuracy
    0.922 (found 159 of 189 gold attributions), split numbers ("6. 1") found 55 of 56
    (before issue 9: 0.638 / 0.593, 0.824 / 0.765, 0.865 (104 of 152), 5 of 56)

**Example corpus** (``examples/gold/claims.jsonl``: 357 claims a reader found in 41 of the 47
reports, written alongside the first rules; how: examples/gold/README.md). A regression guard,
not an accuracy figure. Matching rule: a predicted claim matches a gold claim of the same
report when the values are equal (``lo`` and ``hi`` to 1e-6, None for an open end) and the
subjects agree: equal, or the words of one are a prefix or a suffix of the other's ("pay rise"
/ "rise", "duration in power" / "duration"). Each gold claim matches at most one prediction.
A second, value-only score drops the subject condition.

Measured (``.venv/bin/pytest tests/test_claims_gold.py -s``): precision 0.787, recall 0.784;
value only precision 0.930, recall 0.927 (0.860 / 0.843 and 0.991 / 0.972 under the first
rules). The fall is the conventions issue 9 and the real-news gold set, which this file's gold
predates: "within ten days" is [–, 10] (about 10 claims), relative anchors ("two years ago",
"three days after the tunnel opened") are not claims (about 8), and subjects are the words of
the text, not merged ("died"/"killed" not "dead", "arrested" not "detained", "marched" /
"took part" not "protesters": about 15), "the two sides" is no count (2).
The floors sit just under the new figures; the gold file is unchanged.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from storylens.config import load_settings
from storylens.enrich.claims import extract_claims
from storylens.models import Claim
from storylens.pipeline import ingest
from storylens.queries import list_articles
from storylens.store import Store

from .conftest import EXAMPLES, SHARED, needs_shared

CORPUS = EXAMPLES / "corpus"
GOLD_FILE = EXAMPLES / "gold" / "claims.jsonl"
PRECISION_FLOOR = 0.76
RECALL_FLOOR = 0.75
ECBPLUS = SHARED / "gold" / "ecbplus-claims"
# floors on the real-news gold: (precision, recall) per matching, and attribution accuracy
ECBPLUS_FLOORS = {"subject + value": (0.90, 0.90), "value only": (0.97, 0.97)}
ATTRIBUTION_FLOOR = 0.90
SPLIT_NUMBERS_FLOOR = 50  # of the 56 numbers the corpus split ("6. 1", "230, 000")


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


@needs_shared
def test_claims_on_ecbplus_gold(ecbplus_run: tuple[str, Path]) -> None:
    """The real pipeline on the 40 ECB+ gold documents, scored by the gold's own scorer."""
    out = ecbplus_run[0]
    claims = out[out.index("== Numeric claims ==") : out.index("== Quotes ==")]
    print("\n" + claims)
    for name, (p_floor, r_floor) in ECBPLUS_FLOORS.items():
        m = re.search(rf"^{re.escape(name)}\s+([\d.]+)\s+([\d.]+)", claims, re.MULTILINE)
        assert m is not None, name
        assert float(m.group(1)) >= p_floor, name
        assert float(m.group(2)) >= r_floor, name
    accuracy = re.search(r"attribution on \d+ value-matched claims: accuracy ([\d.]+)", claims)
    assert accuracy is not None and float(accuracy.group(1)) >= ATTRIBUTION_FLOOR
    split = re.search(r"detokenisation .*value-matched (\d+)/56", claims)
    assert split is not None and int(split.group(1)) >= SPLIT_NUMBERS_FLOOR
