"""Web commands: serve (the web app and the API), token (the token writes need) and site (a
static site of the stories)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from storylens.cli.app import ConfigOption, DbOption, JsonOption, _settings, app
from storylens.cli.output import console, err, print_json
from storylens.store import Store


@app.command()
def serve(
    db: DbOption = None,
    config: ConfigOption = None,
    host: Annotated[
        str | None, typer.Option(help="Address to listen on (default 127.0.0.1).")
    ] = None,
    port: Annotated[
        int | None, typer.Option(min=1, max=65535, help="Port to listen on (default 8000).")
    ] = None,
    workers: Annotated[
        int | None, typer.Option(min=1, max=64, help="Processes serving requests (default 1).")
    ] = None,
    watch: Annotated[
        list[str] | None,
        typer.Option(
            "--watch",
            help="Also follow this source (feed, URL, folder, sources file), as storylens"
            " watch does, beside the web app; repeatable.",
        ),
    ] = None,
) -> None:
    """Serve the web app and the REST API (/api/v1) over a store. Writes through the API need
    the store's token, made and printed on the first serve (`storylens token` shows it)."""
    import uvicorn

    from storylens.store.secrets import ensure_token
    from storylens.web.app import create_app

    settings = _settings(db, config, **{"web.host": host, "web.port": port, "web.workers": workers})
    host, port = str(settings.get("web.host")), int(settings.get("web.port"))
    workers = int(settings.get("web.workers")) or 1
    made = False
    if not settings.get("web.token"):
        with Store.for_settings(settings, create=False) as store:  # a hint if it is missing
            token, made = ensure_token(store)
    web_app = create_app(settings)  # says so, with a hint, when the store is unusable
    beside = _watch_beside(settings, web_app, watch, workers) if watch else None
    where = f"http://{host}:{port}"
    err.print(
        f"Serving {escape(str(settings.db_path))} at [bold]{where}/[/]"
        f" (API: {where}/api/v1/openapi.json)"
        + (f" with {workers} workers" if workers > 1 else "")
        + ". Ctrl+C stops."
    )
    if made:
        err.print(
            "A token for writes was made and kept in the store (shown this once; "
            f"`storylens token` shows it again):\n  {token}\n"
            f"Post with: curl -H 'Authorization: Bearer {token}' -F file=@report.txt"
            f" {where}/api/v1/ingest/file",
            soft_wrap=True,  # the token whole on its line, whatever the width
        )
    else:
        err.print("Writes (POST /api/v1/ingest/…) need the token: `storylens token` shows it.")
    if beside is not None:
        import signal

        # uvicorn stops on SIGTERM, then raises it again with this handler back in place: the
        # watcher is stopped below (after the report being written), and serve exits 0
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    try:
        if workers == 1:
            uvicorn.run(web_app, host=host, port=port, log_level="warning")
            return
        from storylens.web.workers import serve_workers

        if beside is None:
            web_app.state.web.close()  # each worker makes its own
        serve_workers(settings, host, port, workers)
    finally:
        if beside is not None:
            beside.stop()
            err.print(beside.watcher.summary() if beside.watcher else "watch: stopped")


def _watch_beside(settings: Any, web_app: Any, specs: list[str], workers: int) -> Any:
    """``serve --watch``: a watcher in a thread, through the web app's live pipeline."""
    from storylens.live import LivePipeline
    from storylens.watch import Beside, load_sources

    sources = load_sources(specs, settings)
    web = web_app.state.web
    if workers == 1:
        pipeline = web.live
    else:  # the workers are other processes: this one's pipeline serves the watcher alone

        def pipeline() -> LivePipeline:
            return LivePipeline(Store.for_settings(settings, create=False), settings)

    err.print(f"Watching {len(sources)} source(s) beside the web app; changes are logged here.")
    return Beside(settings, sources, pipeline, lambda change: err.print(escape(change["line"])))


@app.command()
def token(
    db: DbOption = None,
    config: ConfigOption = None,
    new: Annotated[
        bool, typer.Option("--new", help="Replace it: the old token stops working at once.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Show the token that writes through the web API must carry (made if the store has none)."""
    from storylens.store.secrets import ensure_token, new_token

    settings = _settings(db, config)
    if settings.get("web.token") and not new:
        value, source = str(settings.get("web.token")), "web.token"
    else:
        with Store.for_settings(settings, create=False) as store:
            value = new_token(store) if new else ensure_token(store)[0]
        source = "store"
    if as_json:
        print_json({"token": value, "source": source, "header": f"Authorization: Bearer {value}"})
        return
    console.print(value)
    if source == "web.token" or settings.get("web.token"):
        err.print("(from the setting web.token, which a server uses instead of the store's)")


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

    with Store.for_settings(_settings(db), create=False) as store:
        summary = build_site(store, out, min_size=min_size)
    console.print(
        f"{summary.stories} stories, {summary.outlets} outlets, {summary.files} files written"
        f" to {escape(str(out))}/ — open {escape(str(out / 'index.html'))}"
    )
