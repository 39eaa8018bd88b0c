"""Shared fixtures: real stores in temporary files, the seeds and corpora from ../shared."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from storylens.config import Settings, load_settings
from storylens.store import Store

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
EXAMPLES = ROOT / "examples"

needs_shared = pytest.mark.skipif(
    not SEEDS.is_dir(), reason=f"../shared is not beside the project (looked for {SEEDS})"
)


@pytest.fixture
def settings() -> Settings:
    return load_settings(environ={}, config_file=None)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "test.db") as s:
        yield s
