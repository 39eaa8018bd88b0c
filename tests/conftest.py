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


# A report written to attack the pages: markup in its title, text and outlet must show as text.
SCRIPT_TITLE = "<script>window.__pwned=1</script> Harbour alarm sounded at Saltmere harbour"
SCRIPT_REPORT = f"""date 2025-06-20
{SCRIPT_TITLE} on Monday, officials said. <img src=x onerror="window.__pwned=3"> Nothing was wrong.

A second paragraph with </textarea> and {{{{ 7*7 }}}} and <b>bold</b> in it.
"""
SCRIPT_JSON = {
    "title": "Alarm drill at the harbour",
    "text": "The drill <script>window.__pwned=2</script> ran on Tuesday at Saltmere harbour.",
    "outlet": "Evil <b>Gazette</b>",
    "published": "2025-06-21T10:00:00Z",
    "url": "https://evil.example/drill",
}


def build_demo_store(db: Path, scratch: Path) -> Path:
    """A store of examples/corpus, the seeds when ../shared is present, and the <script>
    reports, clustered, enriched and compared: what `make demo` builds, plus the attacks.
    (Comparisons are stored for stories of two reports or more; the others are made on read.)"""
    import json

    from storylens.pipeline import run

    scratch.mkdir(parents=True, exist_ok=True)
    (scratch / "script_report.txt").write_text(SCRIPT_REPORT, encoding="utf-8")
    (scratch / "script_report.json").write_text(json.dumps(SCRIPT_JSON), encoding="utf-8")
    inputs = [str(EXAMPLES / "corpus"), str(scratch)]
    if SEEDS.is_dir():
        inputs.append(str(SEEDS))
    settings = load_settings(environ={}, config_file=None)
    with Store(db) as store:
        run(store, inputs, settings)  # what `make demo` runs: storylens run
    return db


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo")
    return build_demo_store(root / "demo.db", root / "attack")


ECBPLUS_GOLD = SHARED / "gold" / "ecbplus-claims"


@pytest.fixture(scope="session")
def ecbplus_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """The ECB+ claims gold's own ``run.sh`` (ingest, cluster, enrich and compare of its 40
    documents in a fresh store, with this checkout's ``storylens``, scored by its ``score.py``),
    run once for the claims, quotes and comparison tests: (what the scorer printed, the folder
    of the store and JSON outputs)."""
    import os
    import subprocess
    import sys

    if not (ECBPLUS_GOLD / "run.sh").is_file():
        pytest.skip(f"the ECB+ claims gold is not in {ECBPLUS_GOLD}")
    pytest.importorskip("spacy")
    work = tmp_path_factory.mktemp("ecbplus")
    bin_dir = Path(sys.executable).parent
    env = {k: v for k, v in os.environ.items() if not k.startswith("STORYLENS_")}
    env.update(PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}", PYTHON=sys.executable)
    done = subprocess.run(
        ["sh", str(ECBPLUS_GOLD / "run.sh"), str(bin_dir / "storylens"), str(work)],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=900, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout, work
