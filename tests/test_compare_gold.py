"""The comparison on real news: the ECB+ claims gold (8 events × 5 outlets, facts labelled by
reading: agree / compatible / conflict / update / only one), scored by the gold's own scorer
through :func:`storylens.evaluation_claims.score` (what ``storylens eval claims`` prints).

Measured 2026-12-02 (``storylens eval claims ../shared/gold/ecbplus-claims``): claim facts of two
or more outlets with the right status 90 of 109 (0.826; 0.798 the session before, 0.440 before
issue 9), 0.938 of the multi-outlet facts shown (0.879; 0.706); conflict rows that are real
conflicts 2 of 2; quote facts lined up 40 of 43 (0.930; 0.279). The pair model's weights were
fitted on this gold; fitted on the other events only (leave one event out,
``benchmarks/fit_claim_links.py``) the claim facts score 0.780 / 0.914. The floors sit under the
cross-validated figures.
"""

from __future__ import annotations

from pathlib import Path

from storylens.evaluation_claims import load_scorer, score

from .conftest import ECBPLUS_GOLD, needs_shared

FLOORS = {
    "facts_right_of_gold": 0.76,
    "facts_right_of_shown": 0.9,
    "quote_facts": 0.85,
    "conflicts_real": 0.9,
}


@needs_shared
def test_comparison_on_ecbplus_gold(ecbplus_run: tuple[str, Path]) -> None:
    scorer = load_scorer(ECBPLUS_GOLD)
    figures, counts = score(scorer, ECBPLUS_GOLD, Path(scorer.CORPUS), ecbplus_run[1])
    print({k: round(figures[k], 3) for k in FLOORS}, counts)
    assert {k: v for k, v in FLOORS.items() if figures[k] < v} == {}
    # every multi-outlet fact of the gold was scored (found, wrong or missed)
    assert counts["claim_right"] + counts["claim_wrong"] + counts["claim_missed"] == 109
