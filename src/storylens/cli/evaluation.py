"""``storylens eval claims``: claims, quotes and the comparison scored on hand-labelled news."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from storylens import __version__
from storylens.cli.app import ConfigOption, JsonOption, _settings
from storylens.cli.output import console, print_json
from storylens.cli.stories import eval_app


@eval_app.command("claims")
def eval_claims(
    gold: Annotated[
        Path,
        typer.Argument(
            help="Gold folder (events.json, labels.jsonl, score.py), e.g. "
            "../shared/gold/ecbplus-claims."
        ),
    ],
    corpus: Annotated[
        Path | None,
        typer.Option(help="The labelled documents (default: where the gold's scorer looks)."),
    ] = None,
    workdir: Annotated[
        Path | None, typer.Option(help="Keep the store and JSON outputs here (default: temp).")
    ] = None,
    baseline: Annotated[
        Path,
        typer.Option(help="Figures of an earlier run, printed beside this one's."),
    ] = Path("benchmarks/baselines/eval-claims.json"),
    save: Annotated[
        bool, typer.Option("--save", help="Write this run's figures to --baseline.")
    ] = False,
    config: ConfigOption = None,
    as_json: JsonOption = False,
) -> None:
    """Run storylens on a hand-labelled gold (ingest → compare in a temporary store) and print
    claim, quote and comparison figures beside an earlier run's and the targets."""
    from storylens.evaluation_claims import FIGURES, evaluate_claims

    scores = evaluate_claims(gold, _settings(None, config), corpus, workdir)
    before = json.loads(baseline.read_text(encoding="utf-8")) if baseline.is_file() else {}
    if save:
        baseline.parent.mkdir(parents=True, exist_ok=True)
        baseline.write_text(
            json.dumps(
                {
                    "version": f"storylens {__version__}",
                    "figures": scores.figures,
                    "counts": scores.counts,
                },
                indent=1,
            )
            + "\n",
            encoding="utf-8",
        )
    if as_json:
        print_json({"figures": scores.figures, "counts": scores.counts, "before": before,
                    "documents": scores.documents, "workdir": scores.workdir})  # fmt: skip
        return
    was = before.get("figures", {})
    if before.get("version"):
        console.print(f"before: {escape(before['version'])}")
    table = Table(
        title=f"{scores.documents} labelled documents: {escape(str(gold))}", show_edge=False
    )
    for col in ("measure", "this run", "before", "target"):
        table.add_column(col)
    for key, label, target in FIGURES:
        now = scores.figures.get(key)
        mark = "" if target is None or now is None else (" ✓" if now >= target else " ✗")
        table.add_row(
            label,
            f"[bold]{now:.3f}[/]{mark}" if now is not None else "—",
            f"{was[key]:.3f}" if key in was else "—",
            f"≥ {target:.2f}" if target is not None else "",
        )
    console.print(table)
    c = scores.counts
    console.print(
        f"claim facts of 2+ outlets: {c['claim_right']} right, {c['claim_wrong']} wrong,"
        f" {c['claim_missed']} missed of {c['claim_gold']}; {c['claim_invented']} invented;"
        f" conflict rows {c['conflict_rows_real']} real of {c['conflict_rows']}"
    )
    console.print(f"outputs (store, JSON) in {escape(scores.workdir)}")
