"""Outlet profiles and coverage: outlets (list, import, set, scale, remove), blindspots."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from storylens.cli.app import DbOption, JsonOption, _open, app
from storylens.cli.output import console, day, print_json

outlets_app = typer.Typer(
    help="Outlet profiles, the user's own: list (default), import FILE, set NAME, scale, remove.",
    invoke_without_command=True,
    no_args_is_help=False,
    rich_markup_mode=None,
)
app.add_typer(outlets_app, name="outlets")


@outlets_app.callback()
def outlets(ctx: typer.Context, db: DbOption = None, as_json: JsonOption = False) -> None:
    """Every outlet the reports name, and every profiled one, with its profile."""
    if ctx.invoked_subcommand is not None:
        return
    from storylens.queries.coverage import outlet_profiles

    with _open(db) as store:
        data = outlet_profiles(store)
    if as_json:
        print_json(data)
        return
    if not data["outlets"]:
        console.print("No outlets yet: ingest reports or import profiles (storylens outlets"
                      " import FILE).")  # fmt: skip
        return
    console.print("scale: " + (escape(" < ".join(data["scale"])) if data["scale"]
                               else "none defined (storylens outlets scale …)"))  # fmt: skip
    table = Table(show_edge=False, pad_edge=False)
    for col in ("outlet", "reports", "leaning", "country", "language", "type", "owner",
                "domains"):  # fmt: skip
        table.add_column(col, overflow="fold")
    for o in data["outlets"]:
        dash = "[dim]—[/]"
        table.add_row(
            escape(o["name"]), str(o["reports"]),
            *(escape(o[k]) if o[k] else dash
              for k in ("leaning", "country", "language", "type", "owner")),
            escape(" ".join(o["domains"])) or dash,
        )  # fmt: skip
    console.print(table)


@outlets_app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="A .csv or .toml profile file.")],
    db: DbOption = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Also forget the profiles the file does not name.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Read outlet profiles (and their scale of leanings) from a file; nothing is written
    unless the whole file is good."""
    from storylens.outlets import import_profiles

    with _open(db, create=True) as store:
        got = import_profiles(store, file, replace=replace)
    if as_json:
        print_json({"file": got.path, "scale": got.scale, "profiles": len(got.profiles)})
        return
    console.print(f"{len(got.profiles)} outlet profiles imported from {escape(got.path)}"
                  + (f"; scale: {escape(' < '.join(got.scale))}" if got.scale else ""))  # fmt: skip


Opt = Annotated[str | None, typer.Option(help="New value ('' clears it).", show_default=False)]


@outlets_app.command("set")
def set_(
    name: Annotated[str, typer.Argument(help="The outlet's name, as its reports give it.")],
    db: DbOption = None,
    leaning: Opt = None,
    country: Opt = None,
    language: Opt = None,
    owner: Opt = None,
    type: Annotated[
        str | None, typer.Option("--type", help="wire, national, local or aggregator.")
    ] = None,
    domains: Annotated[
        str | None, typer.Option(help="Hosts separated by spaces ('' clears them).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Create or change one outlet's profile (only the fields given)."""
    from dataclasses import asdict

    from storylens.outlets import set_profile

    given = {"leaning": leaning, "country": country, "language": language, "owner": owner,
             "type": type}  # fmt: skip
    fields: dict[str, object] = {k: v or None for k, v in given.items() if v is not None}
    if domains is not None:
        fields["domains"] = domains.replace(";", " ").split()
    with _open(db, create=True) as store:
        profile = set_profile(store, name, **fields)
    if as_json:
        print_json(asdict(profile))
        return
    shown = ", ".join(f"{k} {v}" for k, v in asdict(profile).items()
                      if v and k not in ("name", "source"))  # fmt: skip
    console.print(f"{escape(profile.name)}: {escape(shown) or 'no fields'}")


@outlets_app.command("scale")
def scale(
    labels: Annotated[
        list[str] | None, typer.Argument(help="The leanings in order, one end to the other.")
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show the scale of leanings, or define it (LABEL LABEL …, in order)."""
    from storylens.outlets import set_scale
    from storylens.store import profiles

    with _open(db, create=bool(labels)) as store:
        got = set_scale(store, labels) if labels else profiles.scale(store.conn)
    if as_json:
        print_json(got)
        return
    console.print(escape(" < ".join(got)) if got else "No scale defined.")


@outlets_app.command("remove")
def remove(
    name: Annotated[str, typer.Argument(help="The profile to forget.")], db: DbOption = None
) -> None:
    """Forget one outlet's profile (its reports stay)."""
    from storylens.outlets import remove_profile

    with _open(db) as store:
        remove_profile(store, name)
    console.print(f"profile of {escape(name)} removed")


@app.command()
def coverage(
    ref: Annotated[str, typer.Argument(help="A story id (or a storyline id with --storyline).")],
    db: DbOption = None,
    storyline: Annotated[
        bool, typer.Option("--storyline", help="REF is a storyline: all its events together.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Who covers a story: its reports and outlets by leaning, country and type."""
    from storylens.queries import coverage as cov

    with _open(db) as store:
        data = cov.storyline_coverage(store, ref) if storyline else cov.story_coverage(store, ref)
    if as_json:
        print_json(data)
        return
    console.print(f"{data['reports']} reports from {data['outlets']} outlets"
                  f" ({data['profiled_reports']} from profiled outlets)")  # fmt: skip
    if not data["profiles"]:
        console.print("No outlet profiles: storylens outlets import FILE (see docs/outlets.md).")
        return
    for key in ("leaning", "type", "country"):
        if not data[key]:
            continue
        table = Table(key, "reports", "outlets", "", show_edge=False, pad_edge=False)
        top = max((b["reports"] for b in data[key]), default=1) or 1
        for b in data[key]:
            bar = "█" * round(20 * b["reports"] / top)
            table.add_row(escape(b["value"]), str(b["reports"]),
                          escape(", ".join(b["outlets"])) or "—", bar)  # fmt: skip
        console.print(table)


@app.command()
def blindspots(
    db: DbOption = None,
    share: Annotated[
        float, typer.Option(min=0.51, max=1.0, help="Least share of one side (0.51–1).")
    ] = 0.8,
    min_outlets: Annotated[
        int, typer.Option(min=1, help="Least outlets with a leaning on a side.")
    ] = 2,
    by: Annotated[str, typer.Option(help="Count outlets or reports.")] = "outlets",
    limit: Annotated[int, typer.Option(min=1)] = 50,
    as_json: JsonOption = False,
) -> None:
    """Stories covered mostly or only by one side of your scale of leanings."""
    from storylens.queries.coverage import blindspots as find

    with _open(db) as store:
        data = find(store, share=share, min_outlets=min_outlets, by=by, limit=limit)
    if as_json:
        print_json(data)
        return
    if not data["scale"]:
        console.print("No scale of leanings: import outlet profiles first (storylens outlets"
                      " import FILE, see docs/outlets.md).")  # fmt: skip
        return
    sides = " against ".join(escape(s["name"]) for s in data["sides"])
    console.print(
        f"{data['total']} stories covered by one side ({sides}) for {share:.0%} or more of"
        f" their {by}, with {min_outlets}+ outlets on a side"
    )
    if not data["stories"]:
        return
    table = Table(show_edge=False, pad_edge=False)
    for col in ("story", "last seen", "side", "share", "outlets", "title"):
        table.add_column(col, overflow="fold")
    for s in data["stories"]:
        top = next(x for x in s["sides"] if x["name"] == s["side"])
        table.add_row(
            s["id"], day(s["last_seen"]), ("only " if s["only"] else "mostly ") + escape(s["side"]),
            f"{s['share']:.0%}", escape(", ".join(top["outlets"])), escape(s["title"]),
        )  # fmt: skip
    console.print(table)
