"""Choosing an engine: local by default and free of Ray; a clear error when the extra is missing.

These run whether or not the ray extra is installed (the Ray runs are in test_scale_ray.py).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storylens.cli.app import app
from storylens.errors import ConfigError, EngineError
from storylens.parallel import parallel_map
from storylens.scale import engine_mapper
from storylens.scale.ray import dataset_kind, import_ray

from .conftest import EXAMPLES, ROOT


def test_local_is_the_process_pool_and_unknown_engines_are_refused() -> None:
    assert engine_mapper("local") is parallel_map
    with pytest.raises(ConfigError, match="unknown engine 'spark'"):
        engine_mapper("spark")
    with pytest.raises(ConfigError, match="options of the ray engine"):
        engine_mapper("local", address="ray://head:10001")
    result = CliRunner().invoke(app, ["ingest", "x", "--engine", "spark"])
    assert result.exit_code == 2
    assert "not an engine" in result.output


def test_a_missing_extra_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # what `import ray` meets when not installed
    with pytest.raises(EngineError) as caught:
        import_ray()
    assert "storylens[ray]" in caught.value.hint


def test_cli_without_ray_says_what_to_install(tmp_path: Path) -> None:
    argv = ["storylens", "enrich", "--db", str(tmp_path / "x.db"), "--engine", "ray"]
    code = (
        f"import sys; sys.modules['ray'] = None; sys.argv = {argv!r}\n"
        "from storylens.cli.app import main; main()"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 1, done.stderr
    assert "the ray engine needs Ray" in done.stderr
    assert "pip install 'storylens[ray]'" in done.stderr


def test_the_default_commands_never_import_ray(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    code = (
        "import sys; from typer.testing import CliRunner; from storylens.cli.app import app\n"
        f"r = CliRunner().invoke(app, ['ingest', {str(EXAMPLES / 'corpus')!r}, '--db', {db!r}])\n"
        "assert r.exit_code == 3, r.output\n"
        f"r = CliRunner().invoke(app, ['cluster', '--db', {db!r}])\n"
        "assert r.exit_code == 0, r.output\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'ray'))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_which_inputs_ray_reads_as_datasets() -> None:
    assert dataset_kind("data/reports.parquet") == "parquet"
    assert dataset_kind("s3://bucket/reports/") == "parquet"
    assert dataset_kind("gs://bucket/2020/part-0.jsonl.gz") == "jsonl"
    # local JSON Lines and every other file go through the readers, as on the local engine
    assert dataset_kind("exports/newsdesk.jsonl") is None
    assert dataset_kind("examples/corpus") is None
    assert dataset_kind("https://news.example/feed.xml") is None  # fetched, as without Ray
