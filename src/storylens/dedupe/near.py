"""Near duplicates: MinHash signatures of word shingles, and an LSH index over them."""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterable
from typing import Any

import numpy as np

from storylens.text import norm

SHINGLE = 5  # words per shingle


_MAX_PERM = 512
_RNG = np.random.default_rng(20200914)
_A = _RNG.integers(0, 2**64 - 1, size=_MAX_PERM, dtype=np.uint64, endpoint=True) | np.uint64(1)
_B = _RNG.integers(0, 2**64 - 1, size=_MAX_PERM, dtype=np.uint64, endpoint=True)
_SHIFT = np.uint64(32)
_MASK = np.uint64(0xFFFFFFFF)
_word_ids: dict[str, int] = {}


def _word_id(word: str) -> int:
    found = _word_ids.get(word)
    if found is None:
        found = _word_ids[word] = zlib.crc32(word.encode("utf-8"))
    return found


def shingle_hashes(words: list[str]) -> np.ndarray[Any, np.dtype[np.uint64]]:
    """32-bit hashes of the distinct 5-word shingles (stable across runs and machines)."""
    get = _word_ids.get
    ids = np.array([get(w) or _word_id(w) for w in words], dtype=np.uint64)
    if len(ids) < SHINGLE:
        hashes = np.zeros(1, dtype=np.uint64)
        for value in ids:
            hashes = (hashes * np.uint64(1000003) + value) & _MASK
        return hashes if len(ids) else np.zeros(0, dtype=np.uint64)
    width = len(ids) - SHINGLE + 1
    hashes = np.zeros(width, dtype=np.uint64)
    for k in range(SHINGLE):
        hashes = (hashes * np.uint64(1000003) + ids[k : k + width]) & _MASK
    return np.unique(hashes)


def signature(words: list[str], num_perm: int) -> np.ndarray[Any, np.dtype[np.uint64]]:
    """The MinHash signature of a text's word shingles: for each of ``num_perm`` random
    multiply-shift hash functions (``(a·x + b) mod 2^64``, high 32 bits), the least image of any
    shingle hash."""
    if not 1 <= num_perm <= _MAX_PERM:
        raise ValueError(f"num_perm must be 1 to {_MAX_PERM}")
    hashes = shingle_hashes(words)
    if not len(hashes):
        return np.full(num_perm, _MASK, dtype=np.uint64)
    images = (np.outer(hashes, _A[:num_perm]) + _B[:num_perm]) >> _SHIFT  # wraps mod 2^64
    least: np.ndarray[Any, np.dtype[np.uint64]] = images.min(axis=0)
    return least


def band_shape(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows per band) of the LSH for ``threshold``: datasketch's choice, which weighs
    false positives and false negatives alike."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return int(lsh.b), int(lsh.r)


def band_keys(sig: np.ndarray[Any, np.dtype[np.uint64]], bands: int, rows: int) -> list[int]:
    """One 63-bit key per LSH band of a signature (band number and values hashed): two texts
    are candidates when they share a key. Stable across runs, so the keys can be stored."""
    raw = sig.astype("<u8").tobytes()
    width = 8 * rows
    return [
        int.from_bytes(
            hashlib.blake2b(
                raw[b * width : (b + 1) * width], digest_size=8, salt=b.to_bytes(16, "little")
            ).digest(),
            "little",
        )
        >> 1
        for b in range(bands)
    ]


def jaccard(
    a: np.ndarray[Any, np.dtype[np.uint64]], b: np.ndarray[Any, np.dtype[np.uint64]]
) -> float:
    """The Jaccard similarity two signatures estimate."""
    return float(np.mean(a == b))


class NearIndex:
    """An LSH index answering: which stored texts are probably at least ``threshold`` alike?

    Held in memory by a batch run; a live process asks the same question of the band keys kept
    in the store (``storylens.store.minhashes``), and gets the same answer."""

    def __init__(self, threshold: float, num_perm: int) -> None:
        self.num_perm = num_perm
        self.bands, self.rows = band_shape(threshold, num_perm)
        self.buckets: dict[int, list[str]] = {}
        self.signatures: dict[str, np.ndarray[Any, np.dtype[np.uint64]]] = {}

    def keys(self, sig: np.ndarray[Any, np.dtype[np.uint64]]) -> list[int]:
        return band_keys(sig, self.bands, self.rows)

    def add(self, key: str, sig: np.ndarray[Any, np.dtype[np.uint64]]) -> None:
        for band in self.keys(sig):
            self.buckets.setdefault(band, []).append(key)
        self.signatures[key] = sig

    def similar(self, sig: np.ndarray[Any, np.dtype[np.uint64]]) -> list[tuple[str, float]]:
        """Stored keys alike to ``sig``, with their estimated Jaccard similarity, best first."""
        found = {k for band in self.keys(sig) for k in self.buckets.get(band, ())}
        return rank(sig, {k: self.signatures[k] for k in found})


def rank(
    sig: np.ndarray[Any, np.dtype[np.uint64]],
    candidates: dict[str, np.ndarray[Any, np.dtype[np.uint64]]],
) -> list[tuple[str, float]]:
    """Candidates with their estimated Jaccard similarity to ``sig``, best first."""
    scored = [(key, jaccard(other, sig)) for key, other in candidates.items()]
    return sorted(scored, key=lambda kv: (-kv[1], kv[0]))


def to_bytes(sig: np.ndarray[Any, np.dtype[np.uint64]]) -> bytes:
    return sig.astype("<u8").tobytes()


def from_bytes(blob: bytes) -> np.ndarray[Any, np.dtype[np.uint64]]:
    return np.frombuffer(blob, dtype="<u8").astype(np.uint64)


def sentence_diff(copy: Iterable[str], original: Iterable[str]) -> tuple[list[str], list[str]]:
    """Sentences the copy adds, and sentences of the original it leaves out (by normalised text)."""
    copy_list, original_list = list(copy), list(original)
    copy_keys = {norm(s) for s in copy_list}
    original_keys = {norm(s) for s in original_list}
    added = [s for s in copy_list if norm(s) not in original_keys]
    removed = [s for s in original_list if norm(s) not in copy_keys]
    return added, removed
