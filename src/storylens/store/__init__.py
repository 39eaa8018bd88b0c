"""The SQLite store: one module per table family. Stages and queries read and write through it."""

from storylens.store.db import Store

__all__ = ["Store"]
