"""The fetches command: what the URLs of an ingest run did (see docs/ingest.md, URLs and feeds)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from storylens.cli.app import DbOption, JsonOption, _open, app
from storylens.cli.output import console, print_json


@app.command()
def fetches(
    db: DbOption = None,
    run_id: Annotated[
        int | None, typer.Option("--run", help="This ingest run (default: the latest).")
    ] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="Show at most this many.")] = None,
    as_json: JsonOption = False,
) -> None:
    """What an ingest run fetched: each URL's status, outcome, size, time and retries."""
    from storylens import queries

    with _open(db) as store:
        rows = queries.list_fetches(store, run_id, limit)
    if as_json:
        print_json(rows)
        return
    if not rows:
        console.print("No fetches recorded" + (f" for run {run_id}." if run_id else "."))
        return
    table = Table(show_edge=False, pad_edge=False)
    for col in ("url", "kind", "status", "outcome", "kB", "s", "retries", "detail"):
        table.add_column(col, overflow="fold" if col in {"url", "detail"} else "ellipsis")
    for r in rows:
        table.add_row(
            escape(r["url"]),
            r["kind"],
            str(r["status"] or "—"),
            r["outcome"],
            f"{r['bytes'] / 1e3:.1f}",
            f"{r['seconds']:.2f}",
            str(r["retries"]),
            escape(r["detail"]),
        )
    console.print(f"run {rows[0]['run_id']}")
    console.print(table)
