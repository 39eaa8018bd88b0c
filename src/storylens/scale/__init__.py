"""Engines: where the batch stages compute. ``local`` is this machine's worker processes
(:func:`storylens.parallel.parallel_map`); ``ray`` is a Ray cluster through Ray Data
(:mod:`storylens.scale.ray`, the optional extra ``storylens[ray]``, imported only when asked).

Either way the stage code is the same: a stage is handed the engine's mapper, the engine
computes (read + clean per file, MinHash signatures and features per article, enrich per
batch), and the stage keeps its order-dependent steps and all its writes in this process.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from storylens.errors import ConfigError
from storylens.parallel import Mapper, parallel_map

if TYPE_CHECKING:
    from storylens.scale.ray import RayEngine

__all__ = ["ENGINES", "engine_mapper"]

ENGINES = ("local", "ray")


def engine_mapper(
    name: str = "local", address: str | None = None, num_cpus: int | None = None
) -> Mapper | RayEngine:
    """The mapper of engine ``name``: ``local`` (worker processes here) or ``ray`` (a local Ray
    started with ``num_cpus``, or the cluster at ``address``). Ray starts on first use."""
    if name == "local":
        if address or num_cpus:
            raise ConfigError(
                "--address and --num-cpus are options of the ray engine",
                "add --engine ray, or leave them out",
            )
        return parallel_map
    if name == "ray":
        from storylens.scale.ray import RayEngine, import_ray

        import_ray()  # a missing extra fails here, before any work, naming the extra
        return RayEngine(address=address, num_cpus=num_cpus)
    raise ConfigError(f"unknown engine {name!r}", f"use one of: {', '.join(ENGINES)}")
