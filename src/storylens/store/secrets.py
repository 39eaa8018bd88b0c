"""The secrets table: the token that writes through the web API must carry.

The token is made on the first ``storylens serve`` (or the first :func:`ensure_token`), kept in
the store so that every worker process and every later ``serve`` of the same store share it,
and replaced by :func:`new_token` (``storylens token --new``).
"""

from __future__ import annotations

import secrets

from storylens.store.db import Store, now_iso

WRITE_TOKEN = "web.write_token"


def stored_token(store: Store) -> str | None:
    """The store's write token, or None when none was made yet."""
    row = store.conn.execute("SELECT value FROM secrets WHERE name=?", (WRITE_TOKEN,)).fetchone()
    return str(row[0]) if row else None


def ensure_token(store: Store) -> tuple[str, bool]:
    """The store's write token, made now if it has none: (token, whether it was just made)."""
    found = stored_token(store)
    if found:
        return found, False
    with store.transaction() as conn:
        # another process (a second worker, a second serve) may have made it since we looked
        row = conn.execute("SELECT value FROM secrets WHERE name=?", (WRITE_TOKEN,)).fetchone()
        if row:
            return str(row[0]), False
        token = secrets.token_urlsafe(32)
        conn.execute("INSERT INTO secrets VALUES (?, ?, ?)", (WRITE_TOKEN, token, now_iso()))
    return token, True


def new_token(store: Store) -> str:
    """Replace the store's write token (the old one stops working at once)."""
    token = secrets.token_urlsafe(32)
    with store.transaction() as conn:
        conn.execute(
            "INSERT OR REPLACE INTO secrets VALUES (?, ?, ?)", (WRITE_TOKEN, token, now_iso())
        )
    return token
