"""Story commands: cluster, stories, story, storylines, storyline, dupes, why, eval."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from storylens.cli.app import (
    ConfigOption,
    DbOption,
    JsonOption,
    _open,
    _settings,
    app,
)  # fmt: skip
from storylens.cli.engine import AddressOption, EngineOption, NumCpusOption, _engine
from storylens.cli.output import console, day, print_json
from storylens.store import Store


@app.command()
def cluster(
    db: DbOption = None,
    config: ConfigOption = None,
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Forget all stories and derive them again.")
    ] = False,
    engine: EngineOption = "local",
    address: AddressOption = None,
    num_cpus: NumCpusOption = None,
    as_json: JsonOption = False,
) -> None:
    """Link duplicates and group articles into stories (only new articles, unless --rebuild)."""
    from storylens.pipeline import build_stories

    settings = _settings(db, config)
    mapper = _engine(engine, address, num_cpus)
    with Store.for_settings(settings, create=False) as store:
        dedupe, report = build_stories(store, settings, rebuild=rebuild, mapper=mapper)
    if as_json:
        print_json(
            {
                "articles": report.articles,
                "assigned": report.assigned,
                "stories": report.stories,
                "new_stories": report.new_stories,
                "near_duplicates": dedupe.near,
                "wire_copies": dedupe.wire,
                "seconds": round(report.seconds + dedupe.seconds, 3),
            }
        )
        return
    console.print(
        f"{dedupe.near} near duplicates and {dedupe.wire} wire copies linked "
        f"({dedupe.seconds:.1f}s); {report.assigned} articles assigned, "
        f"{report.new_stories} new stories, {report.stories} stories in all ({report.seconds:.1f}s)"
    )


@app.command()
def stories(
    db: DbOption = None,
    limit: Annotated[int, typer.Option(min=1)] = 20,
    min_size: Annotated[int, typer.Option(min=1, help="Only stories with this many reports.")] = 1,
    as_json: JsonOption = False,
) -> None:
    """Stories, most recently active first."""
    from storylens import queries

    with _open(db) as store:
        rows = queries.list_stories(store, limit=limit, min_size=min_size)
    if as_json:
        print_json(rows)
        return
    if not rows:
        console.print("No stories yet: run storylens cluster.")
        return
    table = Table(show_edge=False, pad_edge=False)
    for col in ("story", "span", "reports", "outlets", "title"):
        table.add_column(col, overflow="fold" if col in {"title", "outlets"} else "ellipsis")
    for s in rows:
        span = day(s["first_seen"]) + (
            "" if day(s["last_seen"]) == day(s["first_seen"]) else f" → {day(s['last_seen'])[5:]}"
        )
        table.add_row(
            s["id"],
            span,
            str(s["size"]),
            escape(", ".join(s["outlets"]) or "—"),
            escape(s["title"]),
        )
    console.print(table)


@app.command()
def story(
    story_id: Annotated[str, typer.Argument(help="Story id (or a unique start of one).")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """One story: its reports grouped by outlet, in time order."""
    from storylens import queries

    with _open(db) as store:
        detail = queries.story_detail(store, story_id)
    if as_json:
        print_json(detail)
        return
    console.print(f"[bold]{escape(detail['title'])}[/]  [dim]{detail['id']}[/]")
    console.print(
        f"{detail['size']} reports from {len(detail['outlets'])} outlets, "
        f"{day(detail['first_seen'])} → {day(detail['last_seen'])}; "
        f"terms: {escape(', '.join(detail['terms']))}"
    )
    line = detail.get("storyline")
    if line and line["events"] > 1:
        console.print(
            f"part of storyline {line['id']} ({line['events']} events): {escape(line['title'])}"
        )
    console.print()
    for outlet, reports in detail["by_outlet"].items():
        console.print(f"[bold]{escape(outlet)}[/]")
        for r in reports:
            mark = " [dim](copy)[/]" if r["decision"] == "copy" else ""
            console.print(f"  {day(r['published'])}  {r['id']}  {escape(r['title'])}{mark}")


@app.command()
def storylines(
    db: DbOption = None,
    limit: Annotated[int, typer.Option(min=1)] = 20,
    min_events: Annotated[
        int, typer.Option(min=1, help="Only storylines linking this many events.")
    ] = 1,
    as_json: JsonOption = False,
) -> None:
    """Storylines (events linked over days to months), most recently active first."""
    from storylens import queries

    with _open(db) as store:
        rows = queries.list_storylines(store, limit=limit, min_events=min_events)
    if as_json:
        print_json(rows)
        return
    if not rows:
        console.print("No storylines yet: run storylens cluster.")
        return
    table = Table(show_edge=False, pad_edge=False)
    for col in ("storyline", "span", "events", "reports", "title"):
        table.add_column(col, overflow="fold" if col == "title" else "ellipsis")
    for s in rows:
        table.add_row(
            s["id"], _span(s["first_seen"], s["last_seen"]), str(s["events"]), str(s["size"]),
            escape(s["title"]),
        )  # fmt: skip
    console.print(table)


@app.command()
def storyline(
    line_id: Annotated[str, typer.Argument(help="Storyline id (or a unique start of one).")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """One storyline: its events in time order."""
    from storylens import queries

    with _open(db) as store:
        detail = queries.storyline_detail(store, line_id)
    if as_json:
        print_json(detail)
        return
    console.print(f"[bold]{escape(detail['title'])}[/]  [dim]{detail['id']}[/]")
    console.print(
        f"{detail['events']} events, {detail['size']} reports from {len(detail['outlets'])}"
        f" outlets, {_span(detail['first_seen'], detail['last_seen'])};"
        f" terms: {escape(', '.join(detail['terms']))}\n"
    )
    for e in detail["timeline"]:
        console.print(
            f"  {_span(e['first_seen'], e['last_seen']):<18} {e['id']}  {e['size']:>3} reports"
            f"  {escape(e['title'])}"
        )


def _span(first: str | None, last: str | None) -> str:
    return day(first) + ("" if day(last) == day(first) else f" → {day(last)[5:]}")


@app.command()
def dupes(
    db: DbOption = None,
    kind: Annotated[str | None, typer.Option(help="near or wire.")] = None,
    limit: Annotated[int, typer.Option(min=1)] = 20,
    as_json: JsonOption = False,
) -> None:
    """Near duplicates and wire copies, each under its canonical article, with what changed."""
    from storylens import queries

    if kind not in {None, "near", "wire"}:
        raise typer.BadParameter(f"{kind!r} is not near or wire", param_hint="--kind")
    with _open(db) as store:
        groups = queries.duplicate_groups(store, kind, limit)
    if as_json:
        print_json(groups)
        return
    if not groups:
        console.print("No near duplicates or wire copies: run storylens cluster.")
        return
    for g in groups:
        c = g["canonical"]
        console.print(
            f"[bold]{escape(c['title'])}[/]  [dim]{c['id']} · "
            f"{escape(c['outlet'] or 'unknown')} · {day(c['published'])}[/]"
        )
        for copy in g["copies"]:
            console.print(
                f"  {copy['kind']:4} {copy['similarity']:.2f}  {copy['id']}  "
                f"{escape(copy['outlet'] or 'unknown')}: {escape(copy['title'])}"
            )
            for s in copy["added"][:3]:
                console.print(f"       [green]+ {escape(s[:110])}[/]")
            for s in copy["removed"][:3]:
                console.print(f"       [red]- {escape(s[:110])}[/]")


@app.command()
def why(
    article_id: Annotated[str, typer.Argument(help="Article id (or a unique start of one).")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Why an article is in its story: score, runner-up and threshold."""
    from storylens import queries

    with _open(db) as store:
        data = queries.why(store, article_id)
    if as_json:
        print_json(data)
        return
    a, s = data["article"], data["story"]
    console.print(f"[bold]{escape(a['title'])}[/]  [dim]{a['id']}[/]")
    if data["decision"] == "copy":
        console.print(
            f"a copy of {data['canonical']}: follows it into story {s['id']}"
            f" ({escape(s['title'] or '')})"
        )
    elif data["decision"] == "split":
        console.print(
            f"moved to story {s['id']} ({escape(s['title'] or '')}) when the story it had joined"
            f" (score {data['score']:.3f}) split in two: its members formed two groups"
        )
    elif data["decision"] == "new":
        console.print(
            f"started story {s['id']}: no live story reached the threshold {data['threshold']}"
        )
    else:
        console.print(
            f"joined story {s['id']} ({escape(s['title'] or '')}) with score"
            f" {data['score']:.3f} ≥ threshold {data['threshold']}"
        )
    r = data["runner_up"]
    if r:
        console.print(
            f"best other story: {r['id']} ({escape(r['title'] or '')}) score {r['score']:.3f}"
        )
    else:
        console.print("no other candidate story")


eval_app = typer.Typer(help="Score storylens on labelled data.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")


@eval_app.command("clusters")
def eval_clusters(
    gold: Annotated[
        Path, typer.Argument(help="JSONL of labelled articles (id, label, title, body …).")
    ],
    config: ConfigOption = None,
    baselines: Annotated[bool, typer.Option(help="Also score the baselines.")] = True,
    cv: Annotated[
        bool,
        typer.Option(
            "--cv",
            help="Cross-validate the threshold, split ratio, decay and span across topics.",
        ),
    ] = False,
    enrich: Annotated[
        bool,
        typer.Option(
            "--enrich/--no-enrich",
            help="Run the enrich stage first, as a store that enriches before clustering would"
            " (it does not change the stories: cluster reads the text alone).",
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Cluster labelled articles in a temporary store and print B-cubed, pairwise F1 and ARI."""
    from dataclasses import asdict

    from storylens.evaluation import Grid, evaluate

    settings = _settings(None, config)
    grid = Grid() if cv else None
    report = evaluate(gold, settings, baselines=baselines, enrich=enrich, grid=grid)
    folds = report.folds
    if as_json:
        print_json(
            {
                "documents": report.documents,
                "stored": report.stored,
                "results": [asdict(r) for r in report.results],
                "cross_validation": folds,
            }
        )
        return
    unstored = report.documents - report.stored
    without_text = f", {unstored} with no text, each alone" if unstored else ""
    table = Table(
        title=f"{report.documents} labelled articles ({report.stored} stored{without_text}):"
        f" {escape(str(gold))}",
        show_edge=False,
    )
    for col in (
        "method",
        "B³ P",
        "B³ R",
        "B³ F1",
        "pair F1",
        "ARI",
        "clusters",
        "gold",
        "seconds",
        "note",
    ):
        table.add_column(col)
    for r in report.results:
        s = r.scores
        table.add_row(r.name, f"{s.bcubed_p:.3f}", f"{s.bcubed_r:.3f}",
                      f"[bold]{s.bcubed_f1:.3f}[/]",
                      f"{s.pairwise_f1:.3f}", f"{s.ari:.3f}", str(s.clusters), str(s.gold_clusters),
                      f"{r.seconds:.1f}", r.note)  # fmt: skip
    console.print(table)
    for f in folds:
        held_out = ", ".join(f"{v:.3f}" for v in f["test_bcubed_f1"].values())
        console.print(
            f"fold {f['fold']}: threshold {f['threshold']}, split ratio {f['split_ratio']},"
            f" half-life {f['half_life_days']} d, span {f['span_days']} d chosen on the other"
            f" folds → event B³ F1 {held_out} on this fold's topics"
        )
    if folds:
        mean = sum(sum(f["test_bcubed_f1"].values()) for f in folds) / len(folds)
        console.print(
            f"cross-validated event B³ F1 (mean of the held-out folds): [bold]{mean:.3f}[/]"
        )
