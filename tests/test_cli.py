"""The CLI as a user runs it: real store files, exit codes, --json output, error messages."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
from typer.testing import CliRunner

from storylens.cli.app import app

from .conftest import EXAMPLES

runner = CliRunner()
CORPUS = EXAMPLES / "corpus"


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout


def _demo(tmp_path: Path) -> Path:
    db = tmp_path / "demo.db"
    code, out = run("ingest", str(CORPUS), "--db", str(db), "--json")
    assert code == 3, out  # the corpus holds deliberately broken files
    summary = json.loads(out)
    assert summary["added"] >= 40
    assert {Path(p["origin"]).name for p in summary["problems"]} == {
        "bad_line.jsonl", "empty.md", "not_a_date.txt", "truncated_front_matter.md",
    }  # fmt: skip
    return db


def test_listing_commands_print_json(tmp_path: Path) -> None:
    db = _demo(tmp_path)
    code, out = run("articles", "--db", str(db), "--json", "--limit", "100")
    assert code == 0
    rows = json.loads(out)
    assert len(rows) == 47
    assert rows == sorted(rows, key=lambda r: r["published"], reverse=True)
    code, out = run("articles", "--db", str(db), "--json", "--outlet", "harbour wire")
    assert {r["outlet"] for r in json.loads(out)} == {"Harbour Wire"}
    code, out = run("articles", "--db", str(db), "--json", "--since", "2025-06-01")
    assert all(r["published"] >= "2025-06-01" for r in json.loads(out))
    code, out = run("show", rows[0]["id"][:8], "--db", str(db), "--json")
    assert code == 0 and json.loads(out)["id"] == rows[0]["id"]
    code, out = run("stats", "--db", str(db), "--json")
    assert json.loads(out)["articles"] == 47
    code, out = run("problems", "--db", str(db), "--json")
    assert len(json.loads(out)) == 4
    code, out = run("search", "marched Saltmere", "--db", str(db), "--json")
    hits = json.loads(out)
    assert hits and all("**" in h["snippet"] for h in hits)


def test_exports_round_trip(tmp_path: Path) -> None:
    db = _demo(tmp_path)
    for fmt in ("jsonl", "csv", "parquet"):
        out = tmp_path / f"all.{fmt}"
        code, _ = run("export", "--db", str(db), "--format", fmt, "-o", str(out))
        assert code == 0
        if fmt == "jsonl":
            rows = [json.loads(line) for line in out.read_text().splitlines()]
        elif fmt == "csv":
            rows = list(csv.DictReader(out.open(encoding="utf-8")))
        else:
            rows = pq.read_table(out).to_pylist()
        assert len(rows) == 47
        assert all(r["title"] and r["body"] for r in rows)
    # an export is itself an input storylens reads back to the same articles
    code, out = run("ingest", str(tmp_path / "all.jsonl"), "--db", str(tmp_path / "re.db"))
    assert code == 0


def test_errors_are_one_line_with_a_hint(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "storylens", "show", "nope", "--db", str(tmp_path / "none.db")],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1
    assert proc.stderr.startswith("Error: no store at")
    assert "Hint:" in proc.stderr and "Traceback" not in proc.stderr
    db = _demo(tmp_path)
    code, _ = run("show", "zzzzzzzz", "--db", str(db))
    assert code == 1
    code, _ = run("articles", "--db", str(db), "--since", "last tuesday")
    assert code == 2  # usage error
    code, _ = run("export", "--db", str(db), "--format", "xml")
    assert code == 2


def test_stdin_and_globs(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    text = (CORPUS / "dateline").glob("*.txt").__next__().read_text(encoding="utf-8")
    result = runner.invoke(app, ["ingest", "-", "--db", str(db), "--json"], input=text)
    assert result.exit_code == 0 and json.loads(result.stdout)["added"] == 1
    code, out = run("ingest", str(CORPUS / "posts" / "*.md"), "--db", str(db), "--json")
    assert code == 0 and json.loads(out)["added"] == len(list((CORPUS / "posts").glob("*.md")))
