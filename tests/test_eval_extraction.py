"""``storylens eval extraction``: pages with a gold body, scored through a real store, beside
trafilatura's extract(); on a small corpus written here and on ../shared/corpora/aeb."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storylens.cli.app import app
from storylens.config import load_settings
from storylens.errors import InputError
from storylens.evaluation_extraction import evaluate_extraction, token_scores, tokens

from .conftest import SHARED

AEB = SHARED / "corpora" / "aeb"
runner = CliRunner()

QUAY = [
    "Dock workers at Saltmere walked out on Tuesday after talks over night-shift pay broke down,"
    " leaving eleven container ships waiting outside the harbour wall.",
    "The union said its members had been offered a rise of 2.5 per cent, well below the 6 per"
    " cent they had asked for after two years without an increase.",
    "“Nobody wants to stand at the gate in the rain,” said Maria Okafor, a crane driver for"
    " fourteen years. “But we cannot keep doing nights for day rates.”",
    "The port authority said perishable cargo would be unloaded by managers and that it hoped"
    " to return to the table before the weekend.",
]
FERRY = [
    "The island ferry will run on a reduced timetable until March while one of its two boats"
    " is refitted at the yard in Penrith Bay, the operator said on Monday.",
    "Passengers travelling with cars are asked to book ahead: the remaining boat carries"
    " forty vehicles, half the usual number, and the early crossing is already full.",
    "Councillors said the cut would hurt shop owners on the island, who rely on the first"
    " crossing for their deliveries of bread and newspapers.",
]


def news_page(title: str, paragraphs: list[str], url: str, published: str) -> str:
    """A news page as sites write them: navigation, a header, the article, related links."""
    body = "\n".join(f"      <p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{title} | The Coast Courier</title>
<link rel="canonical" href="{url}">
<meta property="article:published_time" content="{published}">
</head><body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
<li><a href="/sport">Sport</a></li><li><a href="/weather">Weather</a></li></ul></nav></header>
<main><article>
  <h1>{title}</h1>
  <div class="byline">By Tom Reyes</div>
  <div class="story-body">
{body}
  </div>
</article>
<aside><h2>Most read</h2><ul><li><a href="/a">Storm closes coast road</a></li>
<li><a href="/b">School wins robotics prize</a></li></ul></aside></main>
<footer><p>© 2024 The Coast Courier. All rights reserved.</p></footer>
</body></html>
"""


def write_corpus(root: Path, pages: dict[str, tuple[str, str, bool]]) -> Path:
    """``pages``: key → (page HTML, gold body, gzip it)."""
    (root / "html").mkdir(parents=True)
    gold = {}
    for key, (page, body, zipped) in pages.items():
        data = page.encode("utf-8")
        name = key + (".html.gz" if zipped else ".html")
        (root / "html" / name).write_bytes(gzip.compress(data) if zipped else data)
        gold[key] = {"articleBody": body, "url": f"https://coastcourier.example/{key}"}
    (root / "ground-truth.json").write_text(json.dumps(gold), encoding="utf-8")
    return root


def test_tokens_are_casefolded_words_matched_as_multisets() -> None:
    gold = tokens("The ship, the SHIP and the harbour.")
    assert gold == Counter({"the": 3, "ship": 2, "and": 1, "harbour": 1})
    found = tokens("the ship the ship the ship harbour")  # one "ship" too many, no "and"
    assert token_scores(gold, found) == (6, 7, 7)


def test_small_corpus_scores_stored_text_and_trafilatura(tmp_path: Path) -> None:
    quay_url = "https://coastcourier.example/news/dock-strike"
    corpus = write_corpus(
        tmp_path / "corpus",
        {
            "quay": (
                news_page("Dock workers walk out", QUAY, quay_url, "2024-11-05T09:00:00Z"),
                "\n\n".join(QUAY),
                True,
            ),
            "ferry": (
                news_page(
                    "Ferry timetable cut",
                    FERRY,
                    "https://coastcourier.example/news/ferry",
                    "2024-11-04T08:00:00Z",
                ),
                "\n\n".join(FERRY),
                False,
            ),
            # Only navigation: storylens records a problem, and the page scores nothing.
            "navonly": (
                "<html><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
                "</body></html>",
                "Text that is not on the page at all.",
                False,
            ),
        },
    )
    report = evaluate_extraction(corpus, load_settings(environ={}, config_file=None))
    ours, theirs = report.methods
    assert ours.name == "storylens" and theirs.name.startswith("trafilatura")
    for key in ("quay", "ferry"):
        p, r, _ = ours.pages[key].prf
        assert r == 1.0 and p > 0.9, (key, p, r)  # the whole article, little around it
    assert ours.pages["navonly"].extracted == 0
    assert ours.pages["navonly"].problem == "no article text found in the page"
    assert ours.empty == 1
    figures = ours.figures()
    assert figures["mean_f1"] < figures["micro_f1"]  # the empty page weighs one in three
    data = report.to_json()
    assert data["pages"] == 3 and data["order"] == [ours.name, theirs.name]
    assert data["methods"]["storylens"]["empty"] == 1


def test_an_overwritten_page_scores_what_the_store_kept(tmp_path: Path) -> None:
    # Two pages claiming one canonical URL: the store keeps the later one, and the earlier
    # page is scored against that text (the evaluation forgives nothing).
    url = "https://coastcourier.example/news/dock-strike"
    corpus = write_corpus(
        tmp_path / "corpus",
        {
            "early": (
                news_page("Dock strike", QUAY, url, "2024-11-05T09:00:00Z"),
                "\n\n".join(QUAY),
                False,
            ),
            "late": (
                news_page("Ferry cut", FERRY, url, "2024-11-06T09:00:00Z"),
                "\n\n".join(FERRY),
                False,
            ),
        },
    )
    report = evaluate_extraction(
        corpus, load_settings(environ={}, config_file=None), baseline=False
    )
    [ours] = report.methods
    assert ours.pages["late"].prf[1] == 1.0
    assert ours.pages["early"].extracted == ours.pages["late"].extracted  # one stored text
    assert ours.pages["early"].prf[1] < 0.3


def test_cli_prints_json_and_refuses_a_folder_without_gold(tmp_path: Path) -> None:
    corpus = write_corpus(
        tmp_path / "corpus",
        {"ferry": (news_page("Ferry timetable cut", FERRY, "https://coastcourier.example/f",
                             "2024-11-04T08:00:00Z"), "\n\n".join(FERRY), True)},
    )  # fmt: skip
    result = runner.invoke(app, ["eval", "extraction", str(corpus), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data["methods"]) == {"storylens", data["order"][1]}
    assert data["per_page"][0]["page"] == "ferry"
    result = runner.invoke(app, ["eval", "extraction", str(tmp_path), "--json"])
    assert isinstance(result.exception, InputError)  # main() prints it as Error:/Hint:
    assert "no ground-truth.json" in result.exception.message
    with pytest.raises(InputError, match="1 of the 2 pages of the gold are missing"):
        gold = json.loads((corpus / "ground-truth.json").read_text())
        gold["absent"] = {"articleBody": "x", "url": "https://x.example/a"}
        (corpus / "ground-truth.json").write_text(json.dumps(gold))
        evaluate_extraction(corpus, load_settings(environ={}, config_file=None))


@pytest.mark.slow
@pytest.mark.skipif(not AEB.is_dir(), reason=f"../shared is not beside the project ({AEB})")
def test_aeb_storylens_beats_trafilatura() -> None:
    report = evaluate_extraction(AEB, load_settings(environ={}, config_file=None))
    ours, theirs = (m.figures() for m in report.methods)
    assert len(report.methods[0].pages) == 181
    assert ours["micro_f1"] > theirs["micro_f1"]
    assert ours["mean_f1"] > theirs["mean_f1"]
