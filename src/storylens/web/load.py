"""Staying useful under more load than the server can take.

:class:`LoadGuard` (ASGI middleware) lets ``max_active`` requests work at once in a worker
process; the others wait their turn in order. A request that would wait longer than
``queue_timeout`` — judged at once from the queue's length and the recent time per request —
is answered ``503`` with ``Retry-After`` straight away, without touching the store; one whose
wait runs out anyway gets the same. Shedding this early is what keeps the answered requests
fast: a server that queues everything spends its time on requests whose clients have gone.

Every read admitted carries a **deadline** (``request_timeout`` seconds from its arrival), in a
context variable that the worker threads inherit; :func:`watch_deadline` installs a SQLite
progress handler on a connection that stops its query once the deadline has passed, and the
app answers such a request ``503`` too. Writes carry no deadline (an ingest rolls back whole
when stopped, which is no help to anyone). Static files are not queued.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import contextvars
import json
import math
import sqlite3
import time

from starlette.types import ASGIApp, Receive, Scope, Send

DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "storylens_deadline", default=None
)
PROGRESS_STEPS = 10_000  # SQLite virtual-machine steps between two looks at the clock
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})  # any other method writes


def watch_deadline(conn: sqlite3.Connection) -> None:
    """Stop any query of ``conn`` that runs past the current request's deadline (it raises
    ``sqlite3.OperationalError: interrupted``; :func:`past_deadline` tells why)."""

    def check() -> int:
        deadline = DEADLINE.get()
        return 1 if deadline is not None and time.monotonic() > deadline else 0

    conn.set_progress_handler(check, PROGRESS_STEPS)


def past_deadline() -> bool:
    deadline = DEADLINE.get()
    return deadline is not None and time.monotonic() > deadline


class Overdue(Exception):
    """A request's deadline passed before its work began: it is not started (503)."""


def check_deadline() -> None:
    """Raise :class:`Overdue` when the current request's deadline has passed."""
    if past_deadline():
        raise Overdue


class LoadGuard:
    """ASGI middleware: admission (at most ``max_active`` at once, a bounded wait) and the
    deadline of each read. ``counts`` says how many requests were admitted and shed."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_active: int,
        queue_timeout: float,
        request_timeout: float,
        api_prefix: str,
    ) -> None:
        self.app = app
        self.max_active = max(1, max_active)
        self.queue_timeout = queue_timeout
        self.request_timeout = request_timeout
        self.api_prefix = api_prefix
        self.active = 0
        self.waiting: collections.deque[asyncio.Future[None]] = collections.deque()
        self.per_request = 0.05  # seconds, a moving average of the time a request works
        self.counts = {"admitted": 0, "shed": 0, "late": 0}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path", "").startswith("/static/"):
            await self.app(scope, receive, send)
            return
        arrived = time.monotonic()
        if self.active >= self.max_active:
            expected = (len(self.waiting) + 1) * self.per_request / self.max_active
            if expected > self.queue_timeout:
                self.counts["shed"] += 1
                await self._unavailable(scope, send, expected)
                return
            if not await self._wait_turn():
                self.counts["shed"] += 1
                await self._unavailable(scope, send, expected)
                return
        else:
            self.active += 1
        self.counts["admitted"] += 1
        write = scope.get("method", "GET") not in READ_METHODS
        token = DEADLINE.set(None if write else arrived + self.request_timeout)
        started = time.monotonic()
        try:
            await self.app(scope, receive, send)
        finally:
            DEADLINE.reset(token)
            took = time.monotonic() - started
            if not write:  # an ingest says nothing of how long a read takes
                self.per_request += 0.1 * (took - self.per_request)
            self._release()

    async def _wait_turn(self) -> bool:
        """Wait for a slot (handed over by :meth:`_release`) up to ``queue_timeout``."""
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.waiting.append(turn)
        try:
            await asyncio.wait({turn}, timeout=self.queue_timeout)
        except BaseException:  # the client went away while it waited
            if turn.done() and not turn.cancelled():
                self._release()
            else:
                turn.cancel()
            raise
        if turn.done():
            return True  # the slot came with it: ``active`` already counts this request
        turn.cancel()
        with contextlib.suppress(ValueError):  # released between the wait and here
            self.waiting.remove(turn)
        return False

    def _release(self) -> None:
        while self.waiting:
            turn = self.waiting.popleft()
            if not turn.done():
                turn.set_result(None)  # hand this slot to the longest waiting request
                return
        self.active -= 1

    async def _unavailable(self, scope: Scope, send: Send, expected: float) -> None:
        await unavailable(scope, send, self.api_prefix, max(1, math.ceil(expected)))


async def unavailable(scope: Scope, send: Send, api_prefix: str, retry_after: int) -> None:
    """A ``503`` with ``Retry-After``, in the API's error shape or as a small page."""
    message = "the server is busy"
    hint = f"Try again in {retry_after} s."
    path = scope.get("path", "")
    if path == api_prefix or path.startswith(api_prefix + "/"):
        error = {"status": 503, "code": "unavailable", "message": message, "hint": hint}
        body, kind = json.dumps({"error": error}).encode(), b"application/json"
    else:
        body = (
            f"<!doctype html><title>Busy</title><h1>The server is busy</h1><p>{hint}</p>"
        ).encode()
        kind = b"text/html; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": 503,
            "headers": [
                (b"content-type", kind),
                (b"content-length", b"%d" % len(body)),
                (b"retry-after", b"%d" % retry_after),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
