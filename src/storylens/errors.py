"""Errors raised by storylens.

Every error carries a one-line ``message`` and a ``hint`` that names the fix. The CLI catches
:class:`StorylensError` once and prints both; nothing else reaches the user as a traceback.

    StorylensError
    ├── ConfigError      a setting is invalid or a config file cannot be read
    ├── StoreError       the database cannot be opened, is too new, or is not a storylens store
    ├── InputError       an input cannot be read or parsed (becomes a row in ``problems``)
    ├── NotFoundError    an id or name asked for is not in the store
    └── EngineError      the engine asked for (Ray) is not installed or cannot be reached
"""

from __future__ import annotations


class StorylensError(Exception):
    """Base class: ``message`` says what went wrong, ``hint`` what to do about it."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class ConfigError(StorylensError):
    """A setting has a bad value, or a config file is malformed."""


class StoreError(StorylensError):
    """The store cannot be used as asked."""


class InputError(StorylensError):
    """One input (a file or one item of a feed/export) cannot be turned into an article.

    The pipeline records it in the ``problems`` table and goes on with the batch.
    """


class NotFoundError(StorylensError):
    """Something asked for by id or name does not exist."""


class EngineError(StorylensError):
    """The engine asked for cannot run: its extra is not installed, or its cluster cannot be
    reached."""
