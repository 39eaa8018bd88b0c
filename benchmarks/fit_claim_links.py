"""Fit the weights of compare/align.py's claim links on a hand-labelled gold, and measure them.

    python benchmarks/fit_claim_links.py ../shared/gold/ecbplus-claims [--workdir DIR]

Runs ``storylens eval claims`` on the gold (or reuses ``--workdir`` from an earlier run), then
labels every pair of claims of different reports in each story: 1 when the gold says they report
the same fact, 0 otherwise (pairs the gold lists as related facts are left out). It fits a
logistic regression of that label on :func:`storylens.compare.align.pair_features` and prints

- the cross-validated figures: for each event in turn, weights fitted on the other events, the
  event's comparison made with them and scored by the gold's scorer (what the weights do on news
  they were not fitted on), beside the weights in the code, for a grid of link thresholds;
- the weights fitted on every event, as the Python to paste into compare/align.py.

Needs ../shared; prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression

import storylens.compare.align as align
from storylens.compare.story import compare_story, load_reports
from storylens.config import load_settings
from storylens.evaluation_claims import evaluate_claims, load_scorer, score
from storylens.store import Store
from storylens.store.comparisons import to_json

THRESHOLDS = [  # link, conflict, update
    (2.5, 4.5, 4.5),
    (2.5, 4.5, 3.5),
    (2.5, 4.5, 3.0),
    (2.5, 4.0, 3.5),
    (3.0, 4.5, 3.5),
]


def pairs(scorer: Any, gold: Path, corpus: Path, work: Path) -> tuple[list[Any], dict[str, str]]:
    """(event, label, features) for every pair of claims of different reports, and the event
    of every story."""
    args = argparse.Namespace(
        labels=str(gold / "labels.jsonl"), events=str(gold / "events.json"),
        articles=str(corpus), claims=str(work / "claims.json"),
        quotes=str(work / "quotes.json"), compare=[str(work / "compare")],
    )  # fmt: skip
    s = scorer.Scorer(args)
    s.score_claims()
    fact_of = {}
    for pi, p in enumerate(s.cpreds):
        gi = s.claim_pm.get(pi)
        fact = s.claim_gold[gi].get("fact") if gi is not None else None
        fact_of[(p["article_id"], p["sentence"], p["start"], p["end"])] = fact
    event_of = {f["id"]: e["short"] for e in s.events.values() for f in e["facts"]}
    rows, story_event = [], {}
    with Store(work / "store.db") as store:
        for (sid,) in store.conn.execute("SELECT id FROM stories"):
            _, reports, _ = load_reports(store.conn, sid)
            items = align.make_items(reports)
            events = collections.Counter()
            for i, x in enumerate(items):
                fx = fact_of.get((x.report.id, x.claim.sentence, x.claim.start, x.claim.end))
                if fx:
                    events[event_of[fx]] += 1
                for y in items[i + 1 :]:
                    if x.report.id == y.report.id or x.family != y.family:
                        continue
                    fy = fact_of.get((y.report.id, y.claim.sentence, y.claim.start, y.claim.end))
                    if fx and fy and fx != fy and frozenset((fx, fy)) in s.related:
                        continue
                    label = int(bool(fx) and fx == fy)
                    rows.append((sid, label, align.pair_features(x, y)))
            story_event[sid] = events.most_common(1)[0][0] if events else sid
    return [(story_event[sid], label, f) for sid, label, f in rows], story_event


def fit(rows: list[Any], names: list[str]) -> tuple[dict[str, float], float]:
    x = np.array([[r[2][k] for k in names] for r in rows])
    y = np.array([r[1] for r in rows])
    model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=5000).fit(x, y)
    return dict(zip(names, (round(float(w), 3) for w in model.coef_[0]), strict=True)), round(
        float(model.intercept_[0]), 3
    )


def compare_all(
    work: Path,
    out: Path,
    weights_of: Any,
    thresholds: tuple[float, float, float],
    story_event: dict[str, str],
) -> None:
    (out / "compare").mkdir(parents=True, exist_ok=True)
    for name in ("claims.json", "quotes.json"):
        (out / name).write_text((work / name).read_text(encoding="utf-8"), encoding="utf-8")
    align.LINK_THRESHOLD, align.DISJOINT_THRESHOLD, align.UPDATE_THRESHOLD = thresholds
    with Store(work / "store.db") as store:
        for sid, event in story_event.items():
            align.WEIGHTS, align.BIAS = weights_of(event)
            data = to_json(compare_story(store.conn, sid))
            (out / "compare" / f"{sid}.json").write_text(json.dumps(data, default=str))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("gold", type=Path)
    ap.add_argument("--workdir", type=Path, help="an earlier eval claims --workdir to reuse")
    a = ap.parse_args()
    scorer = load_scorer(a.gold)
    corpus = Path(scorer.CORPUS)
    work = a.workdir
    if work is None or not (work / "store.db").exists():
        work = work or Path(tempfile.mkdtemp(prefix="fit-claim-links-"))
        evaluate_claims(a.gold, load_settings(), corpus, work)
    rows, story_event = pairs(scorer, a.gold, corpus, work)
    names = list(rows[0][2])
    print(f"{len(rows)} pairs, {sum(r[1] for r in rows)} of one fact, "
          f"{len(set(story_event.values()))} events")  # fmt: skip
    folds = {ev: fit([r for r in rows if r[0] != ev], names) for ev in set(story_event.values())}
    shipped = (dict(align.WEIGHTS), align.BIAS)
    keep = (align.LINK_THRESHOLD, align.DISJOINT_THRESHOLD, align.UPDATE_THRESHOLD)
    print(f"{'weights':<22}{'thresholds':<12}{'right/gold':>11}{'right/shown':>12}"
          f"{'conflicts real':>16}")  # fmt: skip
    for label, weights_of, grid in (
        ("fitted on other events", lambda ev: folds[ev], THRESHOLDS),
        ("in the code", lambda ev: shipped, [keep]),
    ):
        for t in grid:
            out = Path(tempfile.mkdtemp(prefix="fit-claim-links-out-"))
            compare_all(work, out, weights_of, t, story_event)
            f, c = score(scorer, a.gold, corpus, out)
            print(f"{label:<22}{t[0]:>4} {t[1]:>4} {t[2]:>4} {f['facts_right_of_gold']:>8.3f}"
                  f"{f['facts_right_of_shown']:>12.3f}"
                  f"{c['conflict_rows_real']:>9} of {c['conflict_rows']:<4}")  # fmt: skip
    align.WEIGHTS, align.BIAS = shipped
    align.LINK_THRESHOLD, align.DISJOINT_THRESHOLD, align.UPDATE_THRESHOLD = keep
    weights, bias = fit(rows, names)
    print("\n# fitted on every event (compare/align.py):")
    print("WEIGHTS = " + json.dumps(weights, indent=4).replace("\n}", ",\n}"))
    print(f"BIAS = {bias}")


if __name__ == "__main__":
    sys.exit(main())
