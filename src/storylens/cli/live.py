"""The whole job in one command, and following sources: run, watch."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.markup import escape

from storylens.cli.app import (
    ConfigOption,
    DbOption,
    JsonOption,
    _progress_printer,
    _settings,
    app,
)  # fmt: skip
from storylens.cli.engine import AddressOption, EngineOption, NumCpusOption, _engine_inputs
from storylens.cli.output import console, err, print_json
from storylens.store import Store


@app.command()
def run(
    paths: Annotated[
        list[str] | None, typer.Argument(help="Files, folders, globs, or - for stdin.")
    ] = None,
    db: DbOption = None,
    config: ConfigOption = None,
    outlet: Annotated[str | None, typer.Option(help="Outlet for reports that name none.")] = None,
    via: Annotated[str | None, typer.Option(help="Site these reports were republished by.")] = None,
    timezone: Annotated[
        str | None, typer.Option(help="Zone for dates without one (default UTC).")
    ] = None,
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Derive every stage after ingest again.")
    ] = False,
    engine: EngineOption = "local",
    address: AddressOption = None,
    num_cpus: NumCpusOption = None,
    as_json: JsonOption = False,
) -> None:
    """The whole job: ingest PATHS, then dedupe, cluster, enrich and compare what is stored
    (each stage does only what is not done yet). Exit code 3 when some inputs failed."""
    from storylens.pipeline import run as run_all

    settings = _settings(
        db, config, **{"ingest.outlet": outlet, "ingest.via": via, "ingest.timezone": timezone}
    )
    bars: dict[str, Any] = {}

    def progress(stage: str, done: int, total: int | None) -> None:
        if stage not in bars:
            bars[stage] = _progress_printer(as_json, f"{stage:>8}", every=1000)
        if bars[stage] is not None:
            bars[stage](done, total, None)

    mapper, files, datasets = _engine_inputs(engine, address, num_cpus, paths or [])
    with Store.for_settings(settings) as store:
        report = run_all(
            store,
            files,
            settings,
            progress=progress,
            rebuild=rebuild,
            mapper=mapper,
            datasets=datasets,
        )
    summary = run_summary(report)
    if as_json:
        print_json(summary)
    else:
        if report.ingest is not None:
            for p in report.ingest.problems[:20]:
                where = p.origin if p.item is None else f"{p.origin} (item {p.item})"
                err.print(f"  [red]problem[/] {escape(where)}: {escape(p.reason)}")
            if len(report.ingest.problems) > 20:
                err.print(f"  … and {len(report.ingest.problems) - 20} more: storylens problems")
        console.print(summary_line(summary) + f" → {escape(str(settings.db_path))}")
    if report.exit_code:
        raise typer.Exit(report.exit_code)


def run_summary(report: Any) -> dict[str, Any]:
    """What a run did, stage by stage, as plain values."""
    out: dict[str, Any] = {}
    if report.ingest is not None:
        c = report.ingest.counts
        out["ingest"] = {
            "added": c.added, "updated": c.updated, "unchanged": c.unchanged,
            "duplicates": c.duplicates, "problems": c.problems,
        }  # fmt: skip
    d, cl, e, co = (report.stages.get(n) for n in ("dedupe", "cluster", "enrich", "compare"))
    if d is not None:
        out["dedupe"] = {"near": d.near, "wire": d.wire}
    if cl is not None:
        out["cluster"] = {
            "assigned": cl.assigned,
            "new_stories": cl.new_stories,
            "stories": cl.stories,
        }
    if e is not None:
        out["enrich"] = {"articles": e.articles, "quotes": e.quotes, "claims": e.claims}
    if co is not None:
        out["compare"] = {"computed": co.computed, "facts": co.facts}
    out["seconds"] = round(report.seconds, 3)
    return out


def summary_line(s: dict[str, Any]) -> str:
    parts = []
    if "ingest" in s:
        i = s["ingest"]
        problems = f"[red]{i['problems']} problems[/]" if i["problems"] else "0 problems"
        parts.append(f"[bold]{i['added']}[/] added, {i['unchanged']} unchanged, {problems}")
    if "dedupe" in s:
        parts.append(f"{s['dedupe']['near']} near and {s['dedupe']['wire']} wire copies")
    if "cluster" in s:
        c = s["cluster"]
        parts.append(f"{c['assigned']} placed, {c['stories']} stories")
    if "enrich" in s:
        parts.append(f"{s['enrich']['articles']} enriched")
    if "compare" in s:
        parts.append(f"{s['compare']['computed']} compared")
    return "; ".join(parts) + f" ({s['seconds']:.1f}s)"


@app.command()
def watch(
    sources: Annotated[
        list[str] | None,
        typer.Argument(help="Feeds, URLs, folders, files, or a sources file (.toml)."),
    ] = None,
    db: DbOption = None,
    config: ConfigOption = None,
    interval: Annotated[
        float | None, typer.Option(min=0.1, help="Seconds between polls of each source.")
    ] = None,
    once: Annotated[
        bool, typer.Option("--once", help="Poll every source once, then stop.")
    ] = False,
    ignore_robots: Annotated[
        bool,
        typer.Option("--ignore-robots", help="Fetch URLs robots.txt disallows (your own sites)."),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON line per change.")] = False,
) -> None:
    """Follow sources: poll them on a schedule and feed new reports through the pipeline,
    one line per change. Ctrl+C or SIGTERM stops it cleanly; run it again to go on."""
    from storylens.watch import Watcher, load_sources

    settings = _settings(db, config, **{"watch.interval": interval})
    specs = load_sources(sources or [], settings)
    with Store.for_settings(settings) as store:
        watcher = Watcher(store, settings, specs, ignore_robots=ignore_robots)
        status = None if as_json or not err.is_terminal else _status(watcher)
        watcher.on_change = _change_printer(as_json)
        watcher.install_signals()
        try:
            if status is not None:
                with status:
                    watcher.run(once=once, tick=lambda: status.update(_table(watcher)))
            else:
                watcher.run(once=once)
        finally:
            watcher.close()
    err.print(watcher.summary())


def _change_printer(as_json: bool) -> Any:
    import json

    def show(change: dict[str, Any]) -> None:
        if as_json:
            print(json.dumps(change, ensure_ascii=False), flush=True)
        else:
            err.print(escape(change["line"]), soft_wrap=True)

    return show


def _status(watcher: Any) -> Any:
    from rich.live import Live

    return Live(_table(watcher), console=err, refresh_per_second=2, transient=True)


def _table(watcher: Any) -> Any:
    from rich.table import Table

    table = Table("source", "every", "last poll", "next in", "new", "problems", box=None)
    for row in watcher.status():
        table.add_row(
            escape(row["source"]), f"{row['interval']:g}s", row["last"] or "—",
            f"{row['next_in']:.0f}s", str(row["added"]), str(row["problems"]),
        )  # fmt: skip
    table.caption = watcher.summary()
    return table
