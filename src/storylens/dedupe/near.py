"""Near duplicates: MinHash signatures of word shingles, and an LSH index over them."""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from typing import Any

import numpy as np

from storylens.text import norm

SHINGLE = 5  # words per shingle


def _hash32(data: bytes) -> int:
    return zlib.crc32(data)


def shingles(words: list[str]) -> set[bytes]:
    if len(words) < SHINGLE:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + SHINGLE]).encode() for i in range(len(words) - SHINGLE + 1)}


def signature(words: list[str], num_perm: int) -> np.ndarray[Any, np.dtype[np.uint64]]:
    """The MinHash signature of a text's word shingles (stable across runs and machines)."""
    from datasketch import MinHash

    mh = MinHash(num_perm=num_perm, seed=1, hashfunc=_hash32, scheme="affine32")
    mh.update_batch(list(shingles(words)))
    return np.asarray(mh.hashvalues, dtype=np.uint64)


class NearIndex:
    """An LSH index answering: which stored texts are probably at least ``threshold`` alike?"""

    def __init__(self, threshold: float, num_perm: int) -> None:
        from datasketch import MinHashLSH

        self.num_perm = num_perm
        self.lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self.signatures: dict[str, np.ndarray[Any, np.dtype[np.uint64]]] = {}

    def _minhash(self, sig: np.ndarray[Any, np.dtype[np.uint64]]) -> Any:
        from datasketch import MinHash

        return MinHash(num_perm=self.num_perm, seed=1, hashvalues=sig, scheme="affine32")

    def add(self, key: str, sig: np.ndarray[Any, np.dtype[np.uint64]]) -> None:
        self.lsh.insert(key, self._minhash(sig))
        self.signatures[key] = sig

    def similar(self, sig: np.ndarray[Any, np.dtype[np.uint64]]) -> list[tuple[str, float]]:
        """Stored keys alike to ``sig``, with their estimated Jaccard similarity, best first."""
        found = []
        for key in self.lsh.query(self._minhash(sig)):
            other = self.signatures[key]
            found.append((key, float(np.mean(other == sig))))
        return sorted(found, key=lambda kv: (-kv[1], kv[0]))


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
