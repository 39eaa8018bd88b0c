"""Enrich and compare commands: enrich, entities, entity, claims, quotes, compare."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from storylens.cli.app import (
    ConfigOption,
    DbOption,
    JsonOption,
    _open,
    _progress_printer,
    _settings,
    app,
)  # fmt: skip
from storylens.cli.engine import AddressOption, EngineOption, NumCpusOption, _engine
from storylens.cli.output import console, day, print_json
from storylens.models import Comparison, Fact, FactCell
from storylens.store import Store

LimitOption = Annotated[int, typer.Option(min=1, max=10000, help="Rows to show.")]
StoryFilter = Annotated[str | None, typer.Option("--story", help="Only this story's reports.")]
ArticleFilter = Annotated[str | None, typer.Option("--article", help="Only this article.")]
STATUS_STYLE = {
    "agree": "green", "compatible": "cyan", "conflict": "bold red", "update": "magenta",
    "only_one": "yellow",
}  # fmt: skip


@app.command()
def enrich(
    db: DbOption = None,
    config: ConfigOption = None,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Enrich every article again.")] = False,
    story: Annotated[
        str | None, typer.Option("--story", help="Only this story's reports (a big store).")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress output.")] = False,
    engine: EngineOption = "local",
    address: AddressOption = None,
    num_cpus: NumCpusOption = None,
    as_json: JsonOption = False,
) -> None:
    """Find sentences, entities, quotes and numeric claims (articles not enriched yet)."""
    from storylens.enrich.run import run_enrich

    settings = _settings(db, config)
    mapper = _engine(engine, address, num_cpus)
    printer = _progress_printer(quiet or as_json, "enriching", every=500)
    progress = (lambda done, total: printer(done, total, None)) if printer else None
    with Store.for_settings(settings, create=False) as store:
        only = None
        if story is not None:
            from storylens import queries

            only = [r["id"] for r in queries.story_detail(store, story)["reports"]]
        report = run_enrich(
            store, settings, rebuild=rebuild, progress=progress, only=only, mapper=mapper
        )
    if as_json:
        print_json({k: getattr(report, k) for k in report.__slots__})
        return
    console.print(
        f"{report.articles} articles enriched: {report.sentences} sentences, {report.mentions}"
        f" entity mentions, {report.quotes} quotes, {report.claims} numeric claims;"
        f" {report.entities} entities in the store ({report.seconds:.1f}s)"
    )


@app.command()
def entities(
    db: DbOption = None,
    search: Annotated[str | None, typer.Option("--search", help="Name or alias contains.")] = None,
    label: Annotated[str | None, typer.Option(help="PERSON, ORG, PLACE, NORP, EVENT, …")] = None,
    limit: LimitOption = 30,
    as_json: JsonOption = False,
) -> None:
    """Entities, most often named first, with where each place is."""
    from storylens import queries

    with _open(db) as store:
        rows = queries.list_entities(store, search, label, limit)
    if as_json:
        print_json(rows)
        return
    if not rows:
        console.print("No entities: run storylens enrich." if not search else "No entity matches.")
        return
    table = Table(show_edge=False, pad_edge=False)
    for col in ("name", "type", "articles", "mentions", "place"):
        table.add_column(col, overflow="fold")
    for e in rows:
        place = e["country"] or ""
        if e["lat"] is not None:
            place += f" {e['lat']:.2f},{e['lon']:.2f}"
        table.add_row(escape(e["name"]), e["label"], str(e["articles"]), str(e["mentions"]), place)
    console.print(table)


@app.command()
def entity(
    ref: Annotated[str, typer.Argument(help="Entity key (PERSON:…), name or alias.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """One entity: its aliases, and the stories that name it over time."""
    from storylens import queries

    with _open(db) as store:
        data = queries.entity_detail(store, ref)
    if as_json:
        print_json(data)
        return
    where = f" · {data['country']}" if data["country"] else ""
    if data["lat"] is not None:
        where += f" ({data['lat']:.3f}, {data['lon']:.3f})"
    console.print(f"[bold]{escape(data['name'])}[/] · {data['label']}{escape(where)}")
    console.print("also written: " + escape(", ".join(data["aliases"])))
    table = Table("story", "span", "articles", "mentions", "title", show_edge=False)
    for s in data["stories"]:
        table.add_row(
            s["id"], f"{day(s['first_seen'])} → {day(s['last_seen'])}", str(s["articles"]),
            str(s["mentions"]), escape(s["title"]),
        )  # fmt: skip
    console.print(table)


def _listing(
    rows: list[dict[str, Any]], as_json: bool, what: str, columns: tuple[str, ...]
) -> Table:
    """The empty table for ``rows``; prints JSON or an empty-result line and stops instead."""
    if as_json:
        print_json(rows)
        raise typer.Exit()
    if not rows:
        console.print(f"No {what} found (run storylens enrich first).")
        raise typer.Exit()
    table = Table(show_edge=False, pad_edge=False)
    for col in columns:
        table.add_column(col, overflow="fold")
    return table


@app.command()
def claims(
    db: DbOption = None,
    story: StoryFilter = None,
    article: ArticleFilter = None,
    subject: Annotated[str | None, typer.Option(help="What is counted contains.")] = None,
    limit: LimitOption = 50,
    as_json: JsonOption = False,
) -> None:
    """Numeric claims: what is counted, the value as an interval, who said so."""
    from storylens import queries

    with _open(db) as store:
        rows = queries.list_claims(store, story, article, subject, limit)
    table = _listing(rows, as_json, "claims", ("outlet", "what", "value", "interval", "said by",
                                               "sentence"))  # fmt: skip
    for c in rows:
        table.add_row(
            escape(c["outlet"] or "—"), escape(c["subject"]), escape(c["text"]),
            interval(c), escape(c["attribution"] or ""), escape(c["sentence_text"] or ""),
        )  # fmt: skip
    console.print(table)


def interval(c: dict[str, Any]) -> str:
    """``(400, ∞)``, ``[100000, ∞)``, ``[12, 12]`` with the unit."""

    def num(v: float | None) -> str:
        return "∞" if v is None else f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}"

    left = "(" if c["lo_open"] or c["lo"] is None else "["
    right = ")" if c["hi_open"] or c["hi"] is None else "]"
    lo = "−∞" if c["lo"] is None else num(c["lo"])
    unit = f" {c['unit']}" if c.get("unit") else ""
    return f"{left}{lo}, {num(c['hi'])}{right}{unit}"


@app.command()
def quotes(
    db: DbOption = None,
    story: StoryFilter = None,
    article: ArticleFilter = None,
    speaker: Annotated[str | None, typer.Option(help="Speaker contains.")] = None,
    limit: LimitOption = 50,
    as_json: JsonOption = False,
) -> None:
    """Quotes with their speakers, direct and reported."""
    from storylens import queries

    with _open(db) as store:
        rows = queries.list_quotes(store, story, article, speaker, limit)
    table = _listing(rows, as_json, "quotes", ("outlet", "speaker", "kind", "words"))
    for q in rows:
        words = f"“{q['text']}”" if q["kind"] == "direct" else q["text"]
        table.add_row(
            escape(q["outlet"] or "—"), escape(q["speaker"] or "?"), q["kind"], escape(words)
        )
    console.print(table)


@app.command()
def compare(
    story: Annotated[str | None, typer.Argument(help="Story id (or unique prefix).")] = None,
    db: DbOption = None,
    all_stories: Annotated[
        bool, typer.Option("--all", help="Compare and store every story that changed.")
    ] = False,
    kinds: Annotated[
        str, typer.Option("--kinds", help="Fact kinds to show: claim,quote,statement,entity.")
    ] = "claim,quote,statement",
    as_json: JsonOption = False,
) -> None:
    """What each outlet reported in a story: facts × outlets, summary and timeline."""
    from storylens import queries

    if all_stories:
        from storylens.compare.run import run_compare

        with _open(db) as store:
            report = run_compare(store)
        if as_json:
            print_json({k: getattr(report, k) for k in report.__slots__})
        else:
            console.print(
                f"{report.computed} of {report.stories} stories compared,"
                f" {report.facts} facts ({report.seconds:.1f}s)"
            )
        return
    if story is None:
        raise typer.BadParameter("name a story (see storylens stories) or pass --all")
    with _open(db) as store:
        data = queries.story_comparison(store, story)
    if as_json:
        from storylens.store.comparisons import to_json

        print_json(to_json(data))
        return
    _print_comparison(data, set(kinds.split(",")))


WIDE_OUTLETS = 3  # more outlets than this: one row per fact listing who reported it


def _status(f: Fact) -> str:
    style = STATUS_STYLE.get(f.status, "")
    status = f"[{style}]{f.status.replace('_', ' ')}[/]"
    return status + (f"\n[dim]{escape(f.note)}[/]" if f.note else "")


def _value(cells: list[FactCell]) -> str:
    return escape(cells[0].value or cells[0].text[:140])


def _wide(facts: list[Fact], outlets: list[str]) -> Table:
    """A column per outlet."""
    table = Table(show_edge=False, pad_edge=False, show_lines=True)
    table.add_column("fact", overflow="fold", ratio=3)
    table.add_column("status")
    for o in outlets:
        table.add_column(escape(o), overflow="fold", ratio=2)
    for f in facts:
        cells = [_value(f.outlets[o]) if f.outlets.get(o) else "[dim]—[/]" for o in outlets]
        table.add_row(f"[dim]{f.kind}[/] {escape(f.label[:160])}", _status(f), *cells)
    return table


def _long(facts: list[Fact], outlets: list[str]) -> Table:
    """Many outlets: each fact with the outlets that report it (and what), and how many do not."""
    table = Table(show_edge=False, pad_edge=False, show_lines=True)
    table.add_column("fact", overflow="fold", ratio=3)
    table.add_column("status")
    table.add_column("reported by", overflow="fold", ratio=3)
    for f in facts:
        found = [(o, f.outlets[o]) for o in outlets if f.outlets.get(o)]
        who = "\n".join(
            f"[bold]{escape(o)}[/]" + (f": {_value(cells)}" if f.kind == "claim" else "")
            for o, cells in found
        )
        missing = len(outlets) - len(found)
        if missing:
            who += f"\n[dim]not in {missing} other outlet{'s' if missing > 1 else ''}[/]"
        table.add_row(f"[dim]{f.kind}[/] {escape(f.label[:200])}", _status(f), who)
    return table


def _print_comparison(data: Comparison, kinds: set[str]) -> None:
    head = data.story
    console.print(f"[bold]{escape(head.title)}[/]  ({head.id})")
    console.print(
        f"{day(head.first_seen)} → {day(head.last_seen)} · {len(data.articles)} reports"
        f" · {escape(', '.join(data.outlets))}"
    )
    if data.note:
        console.print(f"[yellow]{escape(data.note)}[/]")
    if not data.enriched:
        console.print("[yellow]No report of this story is enriched yet: run storylens enrich.[/]")
        return
    console.print("\n[bold]Summary[/]")
    for s in data.summary:
        console.print(f"• {escape(s.text)} [dim]({escape(', '.join(s.outlets))})[/]")
    outlets = data.outlets
    facts = [f for f in data.facts if f.kind in kinds]
    table = _wide(facts, outlets) if len(outlets) <= WIDE_OUTLETS else _long(facts, outlets)
    console.print()
    console.print(table)
    console.print("\n[bold]Timeline[/]")
    for d in data.timeline:
        for r in d.reports:
            new = f" · first with {len(r.facts)} facts" if r.facts else ""
            console.print(f"{d.day}  [bold]{escape(r.outlet)}[/]: {escape(r.title)}[dim]{new}[/]")
