"""The ``storylens`` command. Each command parses options and calls one library function."""

from __future__ import annotations

import csv
import io
import json
import logging
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from storylens import __version__
from storylens.cli.engine import (
    AddressOption,
    EngineOption,
    NumCpusOption,
    _engine_inputs,
)  # fmt: skip
from storylens.cli.output import console, day, err, error, print_json, when
from storylens.config import Settings, load_settings
from storylens.errors import StorylensError
from storylens.store import Store

app = typer.Typer(
    name="storylens",
    help="News story intelligence: ingest reports from many outlets and see what each reported.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db", help="Store file (default ./storylens.db, or $STORYLENS_DB).", show_default=False
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
ConfigOption = Annotated[
    Path | None, typer.Option("--config", help="Settings file (default ./storylens.toml).")
]


def _settings(db: Path | None, config: Path | None = None, **flags: Any) -> Settings:
    overrides: dict[str, Any] = {"store.path": str(db) if db else None}
    overrides.update(flags)
    return load_settings(overrides=overrides, config_file=config)


def _open(db: Path | None, *, create: bool = False, config: Path | None = None) -> Store:
    return Store.for_settings(_settings(db, config), create=create)


def _version(value: bool) -> None:
    if value:
        console.print(f"storylens {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log what happens.")] = False,
) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(message)s"
    )


@app.command()
def ingest(
    paths: Annotated[
        list[str], typer.Argument(help="Files, folders, globs, - for stdin, or URLs.")
    ],
    db: DbOption = None,
    config: ConfigOption = None,
    outlet: Annotated[str | None, typer.Option(help="Outlet for reports that name none.")] = None,
    via: Annotated[str | None, typer.Option(help="Site these reports were republished by.")] = None,
    timezone: Annotated[
        str | None, typer.Option(help="Zone for dates without one (default UTC).")
    ] = None,
    workers: Annotated[
        int | None, typer.Option(help="Processes for reading (0: per core).")
    ] = None,
    ignore_robots: Annotated[
        bool,
        typer.Option("--ignore-robots", help="Fetch URLs robots.txt disallows (your own sites)."),
    ] = False,
    engine: EngineOption = "local",
    address: AddressOption = None,
    num_cpus: NumCpusOption = None,
    as_json: JsonOption = False,
) -> None:
    """Read news reports (files, or pages and feeds by URL) into the store. Exit code 3 when
    some inputs could not be used.

    With --engine ray, Parquet datasets and object-store paths (s3://…) are read by Ray."""
    from storylens.pipeline import ingest as run_ingest

    settings = _settings(
        db,
        config,
        **{
            "ingest.outlet": outlet,
            "ingest.via": via,
            "ingest.timezone": timezone,
            "ingest.workers": workers,
        },
    )
    mapper, paths, datasets = _engine_inputs(engine, address, num_cpus, paths)
    with Store.for_settings(settings) as store:
        report = run_ingest(
            store,
            paths,
            settings,
            progress=_progress_printer(as_json),
            ignore_robots=ignore_robots,
            mapper=mapper,
            datasets=datasets,
        )
    fetched = [f for f in report.fetches if f.kind != "robots"]
    if as_json:
        print_json(
            {
                "run": report.run_id,
                "store": str(settings.db_path),
                **{k: getattr(report.counts, k) for k in ("added", "updated", "unchanged")},
                "duplicates": report.counts.duplicates,
                "problems": [
                    {"origin": p.origin, "item": p.item, "reason": p.reason}
                    for p in report.problems
                ],
                "seconds": round(report.seconds, 3),
                "fetches": [
                    {"url": f.url, "status": f.status, "outcome": f.outcome} for f in fetched
                ],
            }
        )
    else:
        c = report.counts
        rate = c.total / report.seconds if report.seconds else 0.0
        console.print(
            f"[bold]{c.added}[/] added, {c.updated} updated, {c.unchanged} unchanged, "
            f"{c.duplicates} duplicates, "
            + (f"[red]{c.problems} problems[/]" if c.problems else "0 problems")
            + f" — {report.sources} inputs in {report.seconds:.1f}s ({rate:.0f} items/s)"
            + f" → {escape(str(settings.db_path))}"
        )
        if fetched:
            unchanged = sum(f.not_modified for f in fetched)
            console.print(
                f"  {len(fetched)} URLs fetched ({unchanged} not modified),"
                f" {sum(f.bytes for f in fetched) / 1e3:.0f} kB, {sum(f.retries for f in fetched)}"
                " retries: storylens fetches"
            )
        for p in report.problems[:20]:
            where = p.origin if p.item is None else f"{p.origin} (item {p.item})"
            console.print(f"  [red]problem[/] {escape(where)}: {escape(p.reason)}")
        if len(report.problems) > 20:
            console.print(f"  … and {len(report.problems) - 20} more: storylens problems")
    if report.exit_code:
        raise typer.Exit(report.exit_code)


def _progress_printer(quiet: bool, label: str = "ingesting", every: int = 5000) -> Any:
    """A Rich progress bar on a terminal; a log line every ``every`` items elsewhere."""
    if quiet:
        return None
    if err.is_terminal:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        bar = Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=err,
            transient=True,
        )
        state: dict[str, Any] = {}

        def update(done: int, total: int | None, counts: Any) -> None:
            if "task" not in state:
                bar.start()
                state["task"] = bar.add_task(label, total=total)
            bar.update(state["task"], completed=done)
            if total is not None and done >= total:
                bar.stop()

        return update

    def log_line(done: int, total: int | None, counts: Any) -> None:
        if done % every == 0:
            added = f", {counts.added} added" if counts is not None else ""
            err.print(f"{label}: {done}/{total} done{added}")

    return log_line


@app.command()
def articles(
    db: DbOption = None,
    outlet: Annotated[str | None, typer.Option(help="Only this outlet (any case).")] = None,
    since: Annotated[str | None, typer.Option(help="Published on or after (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(help="Published before (YYYY-MM-DD).")] = None,
    text: Annotated[str | None, typer.Option(help="Only articles matching these words.")] = None,
    limit: Annotated[int, typer.Option(min=1, help="How many to list.")] = 50,
    offset: Annotated[int, typer.Option(min=0, help="Skip this many first.")] = 0,
    as_json: JsonOption = False,
) -> None:
    """List stored articles, newest first."""
    from storylens import queries

    for value, name in ((since, "--since"), (until, "--until")):
        _check_day(value, name)
    with _open(db) as store:
        found = queries.list_articles(
            store, outlet=outlet, since=since, until=until, text=text, limit=limit, offset=offset
        )
    rows = [queries.article_summary(a) for a in found]
    if as_json:
        print_json(rows)
        return
    if not rows:
        console.print("No articles match.")
        return
    table = Table(show_edge=False, pad_edge=False)
    for col in ("id", "published", "outlet", "title"):
        table.add_column(col, overflow="fold" if col == "title" else "ellipsis")
    for r in rows:
        title = escape(r["title"]) + (" [dim](derived)[/]" if r["title_derived"] else "")
        table.add_row(r["id"], day(r["published"]), escape(r["outlet"] or "—"), title)
    console.print(table)


def _check_day(value: str | None, name: str) -> None:
    import re

    if value and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise typer.BadParameter(f"{value!r} is not a date like 2020-09-14", param_hint=name)


@app.command()
def show(
    article_id: Annotated[str, typer.Argument(help="Article id (or a unique start of one).")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show one article: metadata, text (captions dimmed), and what cleaning changed."""
    from storylens import queries

    with _open(db) as store:
        record = queries.article_detail(store, article_id)
    if as_json:
        print_json(record)
        return
    console.print(
        f"[bold]{escape(record['title'])}[/]"
        + (" [dim](title derived)[/]" if record["title_derived"] else "")
    )
    meta = [
        ("id", record["id"]),
        ("outlet", record["outlet"] or "unknown"),
        ("via", record["via"]),
        (
            "published",
            f"{when(record['published'])} UTC ({record['published_precision']})"
            if record["published"]
            else None,
        ),
        ("url", record["url"]),
        ("authors", ", ".join(record["authors"])),
        ("categories", ", ".join(record["categories"])),
        ("credits", ", ".join(record["credits"])),
        ("format", record["format"]),
        ("origin", record["origin"]),
        ("revision", record["revision"] if record["revision"] > 1 else None),
    ]
    for key, value in meta:
        if value:
            console.print(f"[dim]{key:>10}[/]  {escape(str(value))}")
    console.print()
    for p in record["paragraphs"]:
        text = escape(p["text"])
        if p["kind"] == "caption":
            console.print(f"[dim][caption] {text}[/]")
        elif p["kind"] == "heading":
            console.print(f"[bold]{text}[/]")
        else:
            console.print(text)
        console.print()
    if record["notes"]:
        console.print("[bold]Cleaning notes[/]")
        for note in record["notes"]:
            console.print(f"  • {escape(note)}")
    copies = [s for s in record["sightings"] if s["kind"] == "copy"]
    if copies:
        console.print("[bold]Exact copies seen in[/]")
        for s in copies:
            console.print(f"  • {escape(s['origin'])}")


@app.command()
def search(
    query: Annotated[str, typer.Argument(help='Words, "a phrase", OR, NOT, prefix*.')],
    db: DbOption = None,
    limit: Annotated[int, typer.Option(min=1)] = 20,
    as_json: JsonOption = False,
) -> None:
    """Full-text search over titles and text, best matches first."""
    from storylens import queries

    with _open(db) as store:
        hits = queries.search_articles(store, query, limit=limit)
    if as_json:
        print_json(
            [
                {
                    "id": h.article_id,
                    "title": h.title,
                    "outlet": h.outlet,
                    "published": h.published,
                    "score": round(h.score, 3),
                    "snippet": queries.highlight(h.snippet, "**", "**"),
                }
                for h in hits
            ]
        )
        return
    if not hits:
        console.print(f"Nothing matches {escape(query)!r}.")
        return
    for h in hits:
        console.print(
            f"[bold]{escape(h.title)}[/]  [dim]{h.article_id} · {escape(h.outlet or 'unknown')}"
            f" · {day(h.published)}[/]"
        )
        snippet = queries.highlight(escape(h.snippet), "[reverse]", "[/reverse]")
        console.print(f"  {snippet}\n")


@app.command()
def export(
    db: DbOption = None,
    fmt: Annotated[str, typer.Option("--format", help="jsonl, csv or parquet.")] = "jsonl",
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="File to write (default: stdout; required for parquet)."
        ),
    ] = None,
    outlet: Annotated[str | None, typer.Option(help="Only this outlet.")] = None,
) -> None:
    """Export articles as JSON Lines, CSV or Parquet."""
    from storylens import queries

    if fmt not in {"jsonl", "csv", "parquet"}:
        raise typer.BadParameter(
            f"{fmt!r} is not one of jsonl, csv, parquet", param_hint="--format"
        )
    if fmt == "parquet" and output is None:
        raise typer.BadParameter(
            "parquet is binary: give a file with --output", param_hint="--output"
        )
    with _open(db) as store:
        rows = list(queries.export_rows(store, outlet=outlet))
    if fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        assert output is not None
        pq.write_table(pa.Table.from_pylist(rows), output)
    else:
        buffer = io.StringIO()
        if fmt == "jsonl":
            for row in rows:
                buffer.write(json.dumps(row, ensure_ascii=False) + "\n")
        else:
            writer = csv.DictWriter(buffer, fieldnames=list(queries.EXPORT_FIELDS))
            writer.writeheader()
            writer.writerows(queries.flatten(r) for r in rows)
        if output is None:
            sys.stdout.write(buffer.getvalue())
        else:
            output.write_text(buffer.getvalue(), encoding="utf-8")
    if output is not None:
        err.print(f"{len(rows)} articles written to {escape(str(output))} ({fmt})")


@app.command()
def problems(
    db: DbOption = None,
    limit: Annotated[int | None, typer.Option(min=1, help="Show at most this many.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Inputs that could not be used, with the reason."""
    from storylens import queries

    with _open(db) as store:
        rows = queries.list_problems(store, limit)
        interrupted = queries.list_interrupted(store)
    _warn_interrupted(interrupted)  # on stderr: the JSON on stdout keeps its shape
    if as_json:
        print_json(rows)
        return
    if not rows:
        console.print("No problems recorded.")
        return
    table = Table(show_edge=False, pad_edge=False)
    for col in ("input", "reason", "run"):
        table.add_column(col, overflow="fold")
    for r in rows:
        where = r["origin"] if r["item"] is None else f"{r['origin']} (item {r['item']})"
        table.add_row(escape(where), escape(r["reason"]), str(r["run_id"] or ""))
    console.print(table)


@app.command()
def stats(db: DbOption = None, as_json: JsonOption = False) -> None:
    """What the store holds: articles, outlets, formats, problems, the last run."""
    from storylens import queries

    with _open(db) as store:
        data = queries.stats(store)
    if as_json:
        print_json(data)
        return
    console.print(
        f"[bold]{data['articles']}[/] articles in {escape(data['store'])}"
        f" ({day(data['first_published'])} → {day(data['last_published'])}),"
        f" {data['copies']} exact copies linked, {data['revisions']} revisions,"
        f" {data['problems']} problems"
    )
    table = Table("outlet", "articles", show_edge=False, pad_edge=False)
    for name, count in data["outlets"].items():
        table.add_row(escape(name), str(count))
    console.print(table)
    console.print("formats: " + ", ".join(f"{k} {v}" for k, v in data["formats"].items()))
    _warn_interrupted(data["interrupted_runs"])


def _warn_interrupted(runs: list[dict[str, Any]]) -> None:
    """Say which runs were killed before their end, and how to complete them."""
    for run in runs[:5]:
        inputs = " ".join(run["inputs"][:3]) + (" …" if len(run["inputs"]) > 3 else "")
        err.print(
            f"[yellow]Run {run['id']} ({run['command']}, started {when(run['started_at'])}) was"
            f" interrupted[/] before its end (killed, or the machine stopped): it stored"
            f" {run['added']} new articles in whole batches, the batch it was writing was"
            f" rolled back. Run it again to complete it: storylens {run['command']}"
            f" {escape(inputs)}",
            highlight=False,
        )
    if len(runs) > 5:
        err.print(f"… and {len(runs) - 5} more interrupted runs.")


def main() -> None:
    """Console entry point: library errors become one ``Error:``/``Hint:`` pair and exit 1."""
    try:
        app()
    except StorylensError as exc:
        error(exc.message, exc.hint)
        sys.exit(1)
    except KeyboardInterrupt:
        err.print("Interrupted.")
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)


# The commands register in the order of the flow: ingest, stories, enrich and compare, web.
# isort: off
from storylens.cli import fetches as _fetches  # noqa: E402,F401  (registers fetches)
from storylens.cli import stories as _stories  # noqa: E402,F401  (registers the story commands)
from storylens.cli import enrich as _enrich  # noqa: E402,F401  (registers the enrich commands)
from storylens.cli import live as _live  # noqa: E402,F401  (registers run and watch)
from storylens.cli import web as _web  # noqa: E402,F401  (registers serve and site)
from storylens.cli import evaluation as _evaluation  # noqa: E402,F401  (registers eval claims)
from storylens.cli import outlets as _outlets  # noqa: E402,F401  (outlets, blindspots)
# isort: on
