"""Web commands: serve (the web app and the API) and site (a static site of the stories)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from storylens.cli.app import ConfigOption, DbOption, _settings, app
from storylens.cli.output import console, err
from storylens.store import Store


@app.command()
def serve(
    db: DbOption = None,
    config: ConfigOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
) -> None:
    """Serve the web app and the REST API (/api/v1) over a store."""
    import uvicorn

    from storylens.web.app import create_app

    settings = _settings(db, config)
    web_app = create_app(settings)  # says so, with a hint, when the store is missing
    err.print(
        f"Serving {escape(str(settings.db_path))} at [bold]http://{host}:{port}/[/]"
        f" (API: http://{host}:{port}/api/v1/openapi.json). Ctrl+C stops."
    )
    uvicorn.run(web_app, host=host, port=port, log_level="warning")


@app.command()
def site(
    out: Annotated[Path, typer.Argument(help="Folder to write the site into.")],
    db: DbOption = None,
    min_size: Annotated[
        int, typer.Option(min=1, help="Only stories with at least this many reports.")
    ] = 1,
) -> None:
    """Write a static site of the stories: index, story and outlet pages, Atom feeds."""
    from storylens.publish.site import build_site

    with Store(_settings(db).db_path, create=False) as store:
        summary = build_site(store, out, min_size=min_size)
    console.print(
        f"{summary.stories} stories, {summary.outlets} outlets, {summary.files} files written"
        f" to {escape(str(out))}/ — open {escape(str(out / 'index.html'))}"
    )
