"""``storylens eval extraction``: HTML text extraction scored on pages with a gold article body.

The corpus is a folder with ``ground-truth.json`` (page key → ``{"articleBody", "url"}``, the
layout of the Article Extraction Benchmark, ../shared/corpora/aeb) and the pages, named
``KEY.html`` or ``KEY.html.gz``, in ``html/`` or beside it. Every page is ingested into a temporary
store exactly as a user's files would be (read → clean → store), and the stored text of the article
each page became (its body: paragraphs without captions) is scored against the gold. An article
that another page overwrote scores what the store kept, and a page that became a problem scores
an empty text: nothing is forgiven. In the same run trafilatura's own ``extract()`` (its defaults)
is scored the same way on the same bytes, as the baseline.

Scores are token precision / recall / F1: tokens are the ``\\w+`` runs of the case-folded text,
matched as multisets (a word extracted twice but written once counts once right, once wrong).
``micro`` sums the matches of every page; ``mean`` averages each page's figures.
"""

from __future__ import annotations

import gzip
import json
import re
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storylens.config import Settings
from storylens.errors import InputError
from storylens.ingest.sources import Source
from storylens.pipeline import ingest
from storylens.store import Store

__all__ = [
    "ExtractionReport",
    "MethodScores",
    "PageScore",
    "evaluate_extraction",
    "load_pages",
    "token_scores",
    "tokens",
]

_TOKEN = re.compile(r"\w+")
_SUFFIXES = (".html.gz", ".htm.gz", ".html", ".htm")


def tokens(text: str) -> Counter[str]:
    """The multiset of word tokens of ``text`` (case-folded ``\\w+`` runs)."""
    return Counter(_TOKEN.findall(text.casefold()))


def token_scores(gold: Counter[str], found: Counter[str]) -> tuple[int, int, int]:
    """(true positives, extracted tokens, gold tokens)."""
    return sum((gold & found).values()), sum(found.values()), sum(gold.values())


def _prf(tp: int, extracted: int, expected: int) -> tuple[float, float, float]:
    # An empty extraction of an empty gold is perfect; an empty extraction otherwise has P = 0.
    p = tp / extracted if extracted else float(not expected)
    r = tp / expected if expected else float(not extracted)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


@dataclass(slots=True)
class PageScore:
    """One page, one method."""

    tp: int
    extracted: int
    expected: int
    problem: str | None = None

    @property
    def prf(self) -> tuple[float, float, float]:
        return _prf(self.tp, self.extracted, self.expected)


@dataclass(slots=True)
class MethodScores:
    """One method over the corpus: micro and mean-per-page P/R/F1."""

    name: str
    pages: dict[str, PageScore] = field(default_factory=dict)
    seconds: float = 0.0

    def figures(self) -> dict[str, float]:
        tp = sum(p.tp for p in self.pages.values())
        extracted = sum(p.extracted for p in self.pages.values())
        expected = sum(p.expected for p in self.pages.values())
        micro = _prf(tp, extracted, expected)
        each = [p.prf for p in self.pages.values()]
        n = len(each) or 1
        mean = tuple(sum(x[i] for x in each) / n for i in range(3))
        return {
            "micro_p": micro[0], "micro_r": micro[1], "micro_f1": micro[2],
            "mean_p": mean[0], "mean_r": mean[1], "mean_f1": mean[2],
        }  # fmt: skip

    @property
    def empty(self) -> int:
        """Pages with no text extracted (or a problem instead)."""
        return sum(1 for p in self.pages.values() if not p.extracted)


@dataclass(slots=True)
class ExtractionReport:
    corpus: str
    methods: list[MethodScores]

    def to_json(self) -> dict[str, Any]:
        names = [m.name for m in self.methods]
        pages: dict[str, dict[str, Any]] = {}
        for m in self.methods:
            for key, s in m.pages.items():
                row = pages.setdefault(key, {"page": key, "gold_tokens": s.expected})
                row[m.name] = {"f1": round(s.prf[2], 4), "p": round(s.prf[0], 4),
                               "r": round(s.prf[1], 4), "tokens": s.extracted}  # fmt: skip
                if s.problem:
                    row[m.name]["problem"] = s.problem
        return {
            "corpus": self.corpus,
            "pages": len(pages),
            "methods": {
                m.name: {
                    **{k: round(v, 4) for k, v in m.figures().items()},
                    "empty": m.empty,
                    "seconds": round(m.seconds, 2),
                }
                for m in self.methods
            },
            "order": names,
            "per_page": list(pages.values()),
        }


def load_pages(corpus: Path) -> list[tuple[str, Path, str]]:
    """(key, page file, gold article body) for every page of the gold, in key order."""
    gold_file = corpus / "ground-truth.json"
    try:
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(
            f"no ground-truth.json in {corpus}",
            "The folder needs ground-truth.json (key → {articleBody, url}) and the pages"
            " KEY.html[.gz], e.g. ../shared/corpora/aeb.",
        ) from None
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read {gold_file}: {exc}") from None
    if not isinstance(gold, dict) or not gold:
        raise InputError(f"{gold_file} is not an object of pages")
    folders = [corpus / "html", corpus]
    out = []
    missing = []
    for key in sorted(gold):
        entry = gold[key]
        body = entry.get("articleBody") if isinstance(entry, dict) else None
        if not isinstance(body, str):
            raise InputError(f"{gold_file}: page {key!r} has no articleBody")
        page = next(
            (f / (key + s) for f in folders for s in _SUFFIXES if (f / (key + s)).is_file()),
            None,
        )
        if page is None:
            missing.append(key)
            continue
        out.append((key, page, body))
    if missing:
        raise InputError(
            f"{len(missing)} of the {len(gold)} pages of the gold are missing"
            f" (first: {missing[0]})",
            f"Pages are looked for as KEY.html or KEY.html.gz in {folders[0]} and {corpus}.",
        )
    return out


def _page_bytes(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def _storylens(
    pages: list[tuple[str, Path, str]], raw: dict[str, bytes], settings: Settings
) -> tuple[dict[str, str], dict[str, str]]:
    """The stored body of each page's article, and the problem of each page that has one."""
    sources = [Source(origin=key, data=raw[key]) for key, _, _ in pages]
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "eval.db") as store:
        ingest(store, [str(p) for _, p, _ in pages], settings, sources=sources)
        texts = dict(
            store.conn.execute(
                "SELECT s.origin, a.body FROM sightings s JOIN articles a ON a.id = s.article_id"
            ).fetchall()
        )
        problems = dict(store.conn.execute("SELECT origin, reason FROM problems").fetchall())
    return texts, problems


def evaluate_extraction(
    corpus: Path, settings: Settings, *, baseline: bool = True
) -> ExtractionReport:
    """Score storylens (and trafilatura's ``extract()``, with ``baseline``) on ``corpus``."""
    pages = load_pages(corpus)
    raw = {key: _page_bytes(path) for key, path, _ in pages}
    gold = {key: tokens(body) for key, _, body in pages}

    ours = MethodScores("storylens")
    started = time.perf_counter()
    texts, problems = _storylens(pages, raw, settings)
    ours.seconds = time.perf_counter() - started
    for key, _, _ in pages:
        found = tokens(texts.get(key) or "")
        problem = problems.get(key) or (None if key in texts else "not stored")
        ours.pages[key] = PageScore(*token_scores(gold[key], found), problem=problem)
    methods = [ours]

    if baseline:
        import trafilatura  # heavy: only for the baseline

        theirs = MethodScores(f"trafilatura {trafilatura.__version__} extract()")
        started = time.perf_counter()
        for key, _, _ in pages:
            try:
                text = trafilatura.extract(raw[key]) or ""
                problem = None if text else "no text"
            except Exception as exc:  # the baseline's failures are scored, not raised
                text, problem = "", f"{type(exc).__name__}: {exc}"
            theirs.pages[key] = PageScore(*token_scores(gold[key], tokens(text)), problem=problem)
        theirs.seconds = time.perf_counter() - started
        methods.append(theirs)
    return ExtractionReport(str(corpus), methods)
