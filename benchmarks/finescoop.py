"""The finescoop corpus for the benchmark scripts: arguments, unpacking, settings."""

from __future__ import annotations

import argparse
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from storylens.config import Settings, load_settings

DEFAULT = Path(__file__).resolve().parents[2] / "shared/corpora/finescoop-2020/posts.tar.gz"


EXTRA: dict[str, object] = {}  # settings given with --set


class _Set(argparse.Action):
    def __call__(self, parser: Any, namespace: Any, value: Any, option: Any = None) -> None:
        key, sep, raw = str(value).partition("=")
        if not sep:
            parser.error(f"--set wants KEY=VALUE, not {value!r}")
        EXTRA[key.strip()] = raw.strip()


def parser(doc: str) -> argparse.ArgumentParser:
    """An argument parser with ``--corpus`` (the posts.tar.gz) and ``--set KEY=VALUE``
    (a setting, e.g. ``--set cluster.threshold=0.2``), described by ``doc``."""
    p = argparse.ArgumentParser(description=doc.splitlines()[0])
    p.add_argument("--corpus", type=Path, default=DEFAULT, help="finescoop posts.tar.gz")
    p.add_argument("--set", action=_Set, metavar="KEY=VALUE", help="a setting (repeatable)")
    return p


def settings(**overrides: object) -> Settings:
    """Default settings, with the corpus's scrape times read as Europe/London, and --set."""
    return load_settings(
        environ={}, overrides={"ingest.timezone": "Europe/London", **overrides, **EXTRA}
    )


@contextmanager
def unpacked(corpus: Path) -> Iterator[tuple[Path, Path]]:
    """A temporary folder holding the unpacked ``posts/``: yields (posts folder, scratch dir)."""
    if not corpus.exists():
        raise SystemExit(f"corpus not found: {corpus} (pass --corpus PATH)")
    with tempfile.TemporaryDirectory() as tmp:
        with tarfile.open(corpus) as tar:
            tar.extractall(tmp, filter="data")
        yield Path(tmp) / "posts", Path(tmp)


def pct(values: list[float]) -> str:
    """p50 / p95 / p99 of latencies given in milliseconds."""
    v = sorted(values)
    at = {p: v[min(len(v) - 1, int(len(v) * p / 100))] for p in (50, 95, 99)}
    return f"p50 {at[50]:6.1f} ms  p95 {at[95]:6.1f} ms  p99 {at[99]:6.1f} ms"
