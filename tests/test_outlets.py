"""Outlet profiles: the example files imported into a real store, listed and edited through
the CLI; bad files refused with the line and field named, and nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storylens.cli.app import app
from storylens.errors import InputError, StorylensError
from storylens.outlets import import_profiles, read_profiles, set_profile, set_scale
from storylens.store import Store
from storylens.store import profiles as table

from .conftest import EXAMPLES

runner = CliRunner()
PROFILES = EXAMPLES / "outlets"
SCALE = ["left", "lean left", "centre", "lean right", "right"]


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout


def test_the_example_files_say_the_same(tmp_path: Path) -> None:
    toml, csv = read_profiles(PROFILES / "profiles.toml"), read_profiles(PROFILES / "profiles.csv")
    assert toml.scale == csv.scale == SCALE
    strip = [(p.name, p.domains, p.country, p.language, p.leaning, p.owner, p.type)
             for p in toml.profiles]  # fmt: skip
    assert strip == [(p.name, p.domains, p.country, p.language, p.leaning, p.owner, p.type)
                     for p in csv.profiles]  # fmt: skip
    herald = next(p for p in toml.profiles if p.name == "The Meridian Herald")
    assert (herald.leaning, herald.type, herald.domains) == ("lean left", "national",
                                                              ["meridianherald.com"])  # fmt: skip
    ledger = next(p for p in toml.profiles if p.name == "Valley Ledger")
    assert ledger.leaning == "lean right" and ledger.owner is None


def test_import_list_and_edit_through_the_cli(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    code, _ = run("ingest", str(EXAMPLES / "corpus"), "--db", str(db))
    assert code == 3  # the corpus holds deliberately broken files
    code, out = run("outlets", "import", str(PROFILES / "profiles.toml"), "--db", str(db))
    assert code == 0 and "6 outlet profiles imported" in out
    code, out = run("outlets", "--db", str(db), "--json")
    data = json.loads(out)
    assert data["scale"] == SCALE
    rows = {o["name"]: o for o in data["outlets"]}
    assert rows["Northgate Post"]["reports"] == 7 and rows["Northgate Post"]["leaning"] == (
        "lean right"
    )
    assert rows["Harbour Wire"]["type"] == "wire"
    code, out = run("outlets", "set", "northgate post", "--leaning", "Right", "--owner", "",
                    "--db", str(db), "--json")  # fmt: skip
    assert code == 0
    assert json.loads(out)["leaning"] == "right" and json.loads(out)["owner"] is None
    assert json.loads(out)["name"] == "Northgate Post"  # the stored name, whatever the case
    code, out = run("outlets", "set", "Saltmere Bugle", "--type", "local", "--country", "GB",
                    "--domains", "https://www.SaltmereBugle.example/news bugle.example",
                    "--db", str(db), "--json")  # fmt: skip
    assert code == 0
    assert json.loads(out)["domains"] == ["saltmerebugle.example", "bugle.example"]
    code, out = run("outlets", "scale", "--db", str(db), "--json")
    assert json.loads(out) == SCALE
    code, _ = run("outlets", "remove", "Saltmere Bugle", "--db", str(db))
    assert code == 0
    code, out = run("outlets", "--db", str(db))
    assert "Saltmere Bugle" not in out and "lean left" in out


def test_set_refuses_what_is_not_on_the_scale(store: Store) -> None:
    with pytest.raises(StorylensError, match="no scale"):
        set_profile(store, "Valley Ledger", leaning="left")
    set_scale(store, ["dove", "hawk"])
    with pytest.raises(StorylensError, match=r"'leaning': 'left' is not on the scale \(dove"):
        set_profile(store, "Valley Ledger", leaning="left")
    with pytest.raises(StorylensError, match="'type': 'blog' is not a type"):
        set_profile(store, "Valley Ledger", type="blog")
    set_profile(store, "Valley Ledger", leaning="Hawk")
    with pytest.raises(StorylensError, match=r"leaves out the leaning of Valley Ledger \(hawk\)"):
        set_scale(store, ["dove", "owl"])
    assert table.scale(store.conn) == ["dove", "hawk"]


BAD_FILES = {
    "columns.csv": (
        "# scale: l, r\nname,leaning,reach\nA,l,10\n",
        r"columns.csv, line 2, field 'reach': unknown column",
    ),
    "type.csv": (
        "# a comment\n# scale: l, r\nname,type\nA,wire\nB,tabloid\n",
        r"type.csv, line 5, field 'type': 'tabloid' is not a type",
    ),
    "leaning.csv": (
        "# scale: l, r\nname,leaning\nA,l\n\nB,middle\n",
        r"leaning.csv, line 5, field 'leaning': 'middle' is not on the scale \(l, r\)",
    ),
    "twice.csv": (
        "name,type\nA,wire\na,local\n",
        r"twice.csv, line 3, field 'name': 'a' is already given on line 2",
    ),
    "noscale.csv": ("name,leaning\nA,left\n", r"noscale.csv: leanings are given but"),
    "domain.csv": (
        "name,domains\nA,ok.example not_a_host\n",
        r"domain.csv, line 2, field 'domains': 'not_a_host' is not a domain",
    ),
    "fields.csv": ("name,type\nA,wire,extra\n", r"fields.csv, line 2: 3 fields where"),
    "quote.csv": ('name,owner\nA,"unclosed\n', r"quote.csv, line \d+: not valid CSV"),
    "noname.csv": ("type,leaning\nwire,\n", r"noname.csv, line 1, field 'name': the header"),
    "emptyname.csv": ("name,type\n ,wire\n", r"emptyname.csv, line 2, field 'name': every"),
    "field.toml": (
        'scale = ["l", "r"]\n\n[[outlet]]\nname = "A"\n\n[[outlet]]\nname = "B"\nleaning = 3\n',
        r"field.toml, line 6, field 'leaning': a string, not int",
    ),
    "unknown.toml": (
        '[[outlet]]\nname = "A"\nbias = "l"\n',
        r"unknown.toml, line 1, field 'bias': unknown field",
    ),
    "syntax.toml": (
        'scale = ["l", "r"]\n[[outlet]]\nname = "A\n',
        r"syntax.toml, line 3: not valid TOML",
    ),
    "scale.toml": ('scale = ["l"]\n', r"scale.toml, line 1, field 'scale': a scale needs"),
    "latin1.csv": ("name,owner\nA,Caf\xe9\n", r"latin1.csv: not UTF-8"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_a_bad_file_names_its_line_and_field_and_writes_nothing(
    tmp_path: Path, store: Store, name: str
) -> None:
    text, message = BAD_FILES[name]
    path = tmp_path / name
    path.write_bytes(text.encode("latin-1" if name.startswith("latin1") else "utf-8"))
    import_profiles(store, PROFILES / "profiles.csv")
    before = (table.scale(store.conn), table.profiles(store.conn))
    with pytest.raises(InputError, match=message):
        import_profiles(store, path)
    assert (table.scale(store.conn), table.profiles(store.conn)) == before


def test_bad_file_through_the_cli_is_one_error_line(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / "bad.csv"
    path.write_text("# scale: l, r\nname,type\nA,tabloid\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "storylens", "outlets", "import", str(path), "--db",
         str(tmp_path / "s.db")], capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 1
    assert proc.stderr.startswith("Error:") and "line 3, field 'type'" in " ".join(
        proc.stderr.split()
    )
    assert "Hint:" in proc.stderr


def test_replace_forgets_the_others_and_a_new_scale_must_hold_the_kept(
    tmp_path: Path, store: Store
) -> None:
    import_profiles(store, PROFILES / "profiles.toml")
    small = tmp_path / "small.csv"
    small.write_text("# scale: dove, hawk\nname,leaning\nHarbour Wire,dove\n", encoding="utf-8")
    with pytest.raises(InputError, match="leaves out the leaning of Coastline Daily"):
        import_profiles(store, small)
    import_profiles(store, small, replace=True)
    assert [(p.name, p.leaning) for p in table.profiles(store.conn)] == [("Harbour Wire", "dove")]
    assert table.scale(store.conn) == ["dove", "hawk"]
