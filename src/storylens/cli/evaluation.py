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


@eval_app.command("extraction")
def eval_extraction(
    corpus: Annotated[
        Path,
        typer.Argument(
            help="Folder with ground-truth.json and the pages KEY.html[.gz] (in html/ or"
            " beside it), e.g. ../shared/corpora/aeb."
        ),
    ],
    baseline: Annotated[
        bool, typer.Option(help="Also score trafilatura's own extract() in the same run.")
    ] = True,
    worst: Annotated[
        int, typer.Option(help="List this many pages where storylens scores lowest.")
    ] = 0,
    config: ConfigOption = None,
    as_json: JsonOption = False,
) -> None:
    """Ingest HTML pages into a temporary store and score the stored text against each page's
    gold article body: token precision, recall and F1 (micro and mean per page), beside
    trafilatura's extract() scored the same way."""
    from storylens.evaluation_extraction import evaluate_extraction

    report = evaluate_extraction(corpus, _settings(None, config), baseline=baseline)
    data = report.to_json()
    if as_json:
        print_json(data)
        return
    table = Table(title=f"{data['pages']} pages: {escape(str(corpus))}", show_edge=False)
    for col in ("method", "micro P", "micro R", "micro F1", "mean P", "mean R", "mean F1",
                "empty", "seconds"):  # fmt: skip
        table.add_column(col)
    for name in data["order"]:
        m = data["methods"][name]
        table.add_row(
            escape(name), f"{m['micro_p']:.3f}", f"{m['micro_r']:.3f}",
            f"[bold]{m['micro_f1']:.3f}[/]", f"{m['mean_p']:.3f}", f"{m['mean_r']:.3f}",
            f"[bold]{m['mean_f1']:.3f}[/]", str(m["empty"]), f"{m['seconds']:.1f}",
        )  # fmt: skip
    console.print(table)
    console.print("tokens: case-folded \\w+ runs, matched as multisets")
    if worst:
        rows = sorted(data["per_page"], key=lambda r: r["storylens"]["f1"])[:worst]
        for row in rows:
            ours = row["storylens"]
            others = [f"{n} {row[n]['f1']:.3f}" for n in data["order"][1:]]
            console.print(
                f"{row['page'][:16]}  storylens F1 {ours['f1']:.3f} (P {ours['p']:.3f}"
                f" R {ours['r']:.3f}, {ours['tokens']} of {row['gold_tokens']} tokens)"
                + (f"  {'; '.join(others)}" if others else "")
                + (f"  problem: {escape(ours['problem'])}" if "problem" in ours else "")
            )
