"""The options that choose an engine (``--engine``, ``--address``, ``--num-cpus``), shared by
``run``, ``ingest``, ``cluster`` and ``enrich``: see docs/scale.md."""

from __future__ import annotations

from typing import Annotated, Any

import typer


def _check_engine(value: str) -> str:
    if value not in ("local", "ray"):
        raise typer.BadParameter(f"{value!r} is not an engine: use local or ray")
    return value


EngineOption = Annotated[
    str,
    typer.Option(
        "--engine",
        callback=_check_engine,
        help="Where the batch stages compute: local (processes here) or ray (Ray Data; needs"
        " the extra storylens[ray]).",
    ),
]
AddressOption = Annotated[
    str | None,
    typer.Option(
        "--address",
        help="Ray cluster to join (ray://HOST:10001, HOST:6379 or auto); default: a local Ray.",
    ),
]
NumCpusOption = Annotated[
    int | None, typer.Option("--num-cpus", min=1, help="CPUs of the local Ray (default: all).")
]


def _engine(engine: str, address: str | None, num_cpus: int | None) -> Any:
    """The engine's mapper (Ray imported only for ``ray``)."""
    from storylens.scale import engine_mapper

    return engine_mapper(engine, address, num_cpus)


def _engine_inputs(
    engine: str, address: str | None, num_cpus: int | None, paths: list[str]
) -> tuple[Any, list[str], Any]:
    """(mapper, the inputs the readers take, what reads the datasets or None): with the ray
    engine, Parquet and object-store paths are datasets Ray reads itself."""
    from functools import partial

    mapper = _engine(engine, address, num_cpus)
    if engine != "ray":
        return mapper, paths, None
    from storylens.scale.ray import dataset_kind

    specs = [p for p in paths if dataset_kind(p)]
    files = [p for p in paths if not dataset_kind(p)]
    return mapper, files, partial(mapper.clean_datasets, specs) if specs else None
