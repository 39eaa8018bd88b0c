"""Staying useful under more load than the server can take.

:class:`LoadGuard` (ASGI middleware) lets ``max_active`` requests work at once in a worker
process; the others wait their turn in order. A request that would wait longer than
``queue_timeout`` — judged at once from the queue's length and the recent time per request —
is answered ``503`` with ``Retry-After`` straight away, without touching the store; one whose
wait runs out anyway gets the same. Shedding this early is what keeps the answered requests
fast: a server that queues everything spends its time on requests whose clients have gone.

Every read admitted carries a **budget**: a deadline (``request_timeout`` seconds from its
arrival) and whether its client is still there (the guard watches for ``http.disconnect``,
while the request waits and while it works). It is in a context variable that the worker
threads inherit; :func:`watch_deadline` installs a SQLite progress handler on a connection that
stops its query once the budget is spent, and the app answers such a request ``503`` (to a
client still there). A request whose client leaves while it waits is dropped unanswered.
Writes carry no budget (an ingest rolls back whole when stopped, which is no help to anyone).
Static files are not queued.
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
from dataclasses import dataclass
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send


@dataclass(slots=True)
class Budget:
    """What a read may still spend: until ``deadline`` (``time.monotonic()``), and nothing
    once its client has ``gone``."""

    deadline: float
    gone: bool = False

    def spent(self) -> bool:
        return self.gone or time.monotonic() > self.deadline


DEADLINE: contextvars.ContextVar[Budget | None] = contextvars.ContextVar(
    "storylens_deadline", default=None
)
PROGRESS_STEPS = 10_000  # SQLite virtual-machine steps between two looks at the clock
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})  # any other method writes


def watch_deadline(conn: sqlite3.Connection) -> None:
    """Stop any query of ``conn`` that runs past the current request's deadline (it raises
    ``sqlite3.OperationalError: interrupted``; :func:`past_deadline` tells why)."""

    def check() -> int:
        budget = DEADLINE.get()
        return 1 if budget is not None and budget.spent() else 0

    conn.set_progress_handler(check, PROGRESS_STEPS)


def past_deadline() -> bool:
    budget = DEADLINE.get()
    return budget is not None and budget.spent()


class Overdue(Exception):
    """A request's deadline passed before its work began: it is not started (503)."""


def check_deadline() -> None:
    """Raise :class:`Overdue` when the current request's deadline has passed."""
    if past_deadline():
        raise Overdue


class LoadGuard:
    """ASGI middleware: admission (at most ``max_active`` at once, a bounded wait) and the
    budget of each read. ``counts`` says how many requests were admitted, shed, and dropped
    because their client left while they waited."""

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
        self.counts = {"admitted": 0, "shed": 0, "gone": 0}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path", "").startswith("/static/"):
            await self.app(scope, receive, send)
            return
        arrived = time.monotonic()
        busy = self.active >= self.max_active
        expected = (len(self.waiting) + 1) * self.per_request / self.max_active
        if busy and expected > self.queue_timeout:  # shed at once: the cheapest answer
            self.counts["shed"] += 1
            await self._unavailable(scope, send, expected)
            return
        write = scope.get("method", "GET") not in READ_METHODS
        budget = None if write else Budget(arrived + self.request_timeout)
        watcher: asyncio.Task[None] | None = None
        if budget is not None:
            receive, watcher = await _watch(receive, budget)
        try:
            if budget is not None and budget.gone:
                self.counts["gone"] += 1
                return
            if self.active >= self.max_active:
                turn = await self._wait_turn(watcher)
                if turn == "gone":
                    self.counts["gone"] += 1
                    return
                if turn == "late":
                    self.counts["shed"] += 1
                    await self._unavailable(scope, send, expected)
                    return
            else:
                self.active += 1
            self.counts["admitted"] += 1
            token = DEADLINE.set(budget)
            started = time.monotonic()
            try:
                await self.app(scope, receive, send)
            finally:
                DEADLINE.reset(token)
                if not write:  # an ingest says nothing of how long a read takes
                    self.per_request += 0.1 * (time.monotonic() - started - self.per_request)
                self._release()
        finally:
            if watcher is not None:
                watcher.cancel()

    async def _wait_turn(self, watcher: asyncio.Task[None] | None) -> str:
        """Wait for a slot (handed over by :meth:`_release`) up to ``queue_timeout``: "turn"
        (the slot came with it: ``active`` already counts this request), "late", or "gone"
        (its client left meanwhile)."""
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.waiting.append(turn)
        waits: set[asyncio.Future[Any]] = {turn} if watcher is None else {turn, watcher}
        try:
            await asyncio.wait(
                waits, timeout=self.queue_timeout, return_when=asyncio.FIRST_COMPLETED
            )
        except BaseException:
            if turn.done() and not turn.cancelled():
                self._release()
            else:
                turn.cancel()
            raise
        if turn.done():
            if watcher is not None and watcher.done():  # both at once: pass the slot on
                self._release()
                return "gone"
            return "turn"
        turn.cancel()
        with contextlib.suppress(ValueError):  # released between the wait and here
            self.waiting.remove(turn)
        return "gone" if watcher is not None and watcher.done() else "late"

    def _release(self) -> None:
        while self.waiting:
            turn = self.waiting.popleft()
            if not turn.done():
                turn.set_result(None)  # hand this slot to the longest waiting request
                return
        self.active -= 1

    async def _unavailable(self, scope: Scope, send: Send, expected: float) -> None:
        await unavailable(scope, send, self.api_prefix, max(1, math.ceil(expected)))


async def _watch(receive: Receive, budget: Budget) -> tuple[Receive, asyncio.Task[None] | None]:
    """Watch a read's connection for its client leaving (``budget.gone``): a task reads what
    the server says of the connection, and the app gets those messages through the returned
    ``receive``. A request with a body is not watched (the app must read it itself)."""
    first = await receive()
    if first["type"] == "http.disconnect":
        budget.gone = True
        return receive, None
    if first.get("more_body"):
        pending = [first]

        async def replay() -> Message:
            return pending.pop() if pending else await receive()

        return replay, None
    left = asyncio.Event()
    waiting = [first]

    async def watch() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass
        budget.gone = True
        left.set()

    async def app_receive() -> Message:
        if waiting:
            return waiting.pop()
        await left.wait()
        return {"type": "http.disconnect"}

    return app_receive, asyncio.create_task(watch())


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
