"""Who may talk to the server, and who may write through it.

- **Host** (DNS rebinding): a page on ``attacker.example`` whose name is made to resolve to
  127.0.0.1 reaches the server with ``Host: attacker.example``. Every request must name a host
  the server was started for (:func:`allowed_hosts`: the ``--host`` address, the loopback names
  when it is a loopback address, any address literal when it listens on all of them, plus
  ``web.allowed_hosts``); any other is refused with 400. The port is not compared: the attack
  is in the name, and a proxy in front may change the port.
- **Origin** (cross-site requests): a write (any method but GET, HEAD, OPTIONS) that carries an
  ``Origin`` must come from the page's own origin; a browser always sends one on a cross-site
  POST, even with ``mode: "no-cors"``. Refused with 403.
- **Token**: a write must carry ``Authorization: Bearer TOKEN`` (a header that a cross-site page
  cannot set without a CORS preflight, which this server never grants). The token is
  ``web.token`` when set, else the one kept in the store (made on the first ``serve``; see
  :mod:`storylens.store.secrets`). Refused with 401. Reads need no token.
- **Size**: a write's body may not exceed ``ingest.max_file_mb`` (plus room for the form's own
  bytes): a ``Content-Length`` over it is refused before a byte is read, and a body sent
  without one is counted as it arrives and refused when it passes the limit (413).
"""

from __future__ import annotations

import contextlib
import hmac
import ipaddress
import json
import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LOOPBACK = ("127.0.0.1", "localhost", "::1")
WILDCARD = ("0.0.0.0", "::", "")
TOKEN_HINT = (
    "Writes need the server's token in an `Authorization: Bearer TOKEN` header: run"
    " `storylens token --db STORE` to see it (or set web.token / STORYLENS_WEB_TOKEN)."
)


def hostname(authority: str) -> str | None:
    """The host name of a ``Host`` header or an origin's netloc (lower case, no port or
    brackets); None when it cannot be one."""
    try:
        name = urlsplit("//" + authority.strip()).hostname
    except ValueError:
        return None
    return name.rstrip(".") if name else None


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class HostNames:
    """The host names a server answers to: ``names``, and any IP address when ``any_address``."""

    def __init__(self, names: Iterable[str], any_address: bool = False) -> None:
        self.names = frozenset(n.strip().lower().strip("[]").rstrip(".") for n in names if n)
        self.any_address = any_address

    def allows(self, name: str | None) -> bool:
        if not name:
            return False
        return name in self.names or (self.any_address and _is_address(name))

    def __repr__(self) -> str:
        return f"HostNames({sorted(self.names)}, any_address={self.any_address})"


def allowed_hosts(host: str, extra: str = "") -> HostNames:
    """The names a server listening on ``host`` answers to (see the module's docstring)."""
    listen = host.strip().lower().strip("[]")
    names = {listen, *(x for x in extra.split(",") if x.strip())}
    wildcard = listen in WILDCARD
    if wildcard or listen in LOOPBACK or listen.startswith("127."):
        names.update(LOOPBACK)
    if wildcard:
        names.update(_machine_names())
    return HostNames(names, any_address=wildcard)


def _machine_names() -> set[str]:
    names = {socket.gethostname()}
    with contextlib.suppress(OSError):  # a machine without a resolvable name
        names.add(socket.getfqdn())
    return {n.lower() for n in names if n}


def token_matches(given: str | None, expected: str | None) -> bool:
    """Whether an ``Authorization`` header carries ``expected`` (compared in constant time)."""
    if not given or not expected:
        return False
    scheme, _, value = given.strip().partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(value.strip().encode(), expected.encode())


class HostAndOrigin:
    """ASGI middleware: refuse a request for a host not served (400) and a write whose
    ``Origin`` is another site's (403), before any route runs."""

    def __init__(self, app: ASGIApp, hosts: HostNames, api_prefix: str) -> None:
        self.app, self.hosts, self.api_prefix = app, hosts, api_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.lower(): v for k, v in scope.get("headers", []) if k in (b"host", b"origin")}
        host = headers.get(b"host", b"").decode("latin-1")
        if not self.hosts.allows(hostname(host)):
            await self._refuse(
                send, scope, 400, f"this server does not answer for the host {host[:100]!r}",
                "Open it by the address it was started on (storylens serve --host), or add the"
                " name to web.allowed_hosts.",
            )  # fmt: skip
            return
        origin = headers.get(b"origin")
        if scope.get("method", "GET") not in SAFE_METHODS and origin is not None:
            netloc = urlsplit(origin.decode("latin-1")).netloc.lower()
            if netloc != host.lower():
                await self._refuse(
                    send, scope, 403, "a write from another site's page is refused",
                    "Post to the API from a script or a tool (curl, httpx), with the token.",
                )  # fmt: skip
                return
        await self.app(scope, receive, send)

    async def _refuse(self, send: Send, scope: Scope, status: int, message: str, hint: str) -> None:
        await refuse(send, scope, self.api_prefix, status, message, hint)


class _TooLarge(Exception):
    pass


class BodyLimit:
    """ASGI middleware: refuse (413) a write whose body is over ``limit`` bytes, whether it
    says so in ``Content-Length`` or only sends more bytes than that."""

    FORM_ROOM = 64 * 1024  # a multipart form's boundaries and headers around the file

    def __init__(self, app: ASGIApp, limit: int | None, api_prefix: str) -> None:
        self.app, self.api_prefix = app, api_prefix
        self.limit = None if not limit else limit + self.FORM_ROOM

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = self.limit
        if scope["type"] != "http" or limit is None or scope.get("method") in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await self._too_large(send, scope, int(declared))
            return
        received = 0
        started = over = answered = False

        async def counted() -> Message:
            nonlocal received, over
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    over = True
                    raise _TooLarge
            return message

        async def watched(message: Message) -> None:
            # the app may catch the error and answer (FastAPI: "error parsing the body");
            # whatever it answers once the body was over the limit is replaced by the 413
            nonlocal started, answered
            if over:
                if not answered and not started:
                    answered = True
                    await self._too_large(send, scope, received)
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except _TooLarge:
            if started:
                raise
            if not answered:
                await self._too_large(send, scope, received)

    async def _too_large(self, send: Send, scope: Scope, size: int) -> None:
        assert self.limit is not None
        await refuse(
            send, scope, self.api_prefix, 413,
            f"the request body is over {size / 1e6:.1f} MB, more than this server takes"
            f" ({(self.limit - self.FORM_ROOM) / 1e6:g} MB, ingest.max_file_mb)",
            "Raise ingest.max_file_mb for the server, or ingest large exports with"
            " storylens ingest.",
        )  # fmt: skip


CODES = {400: "bad_host", 403: "forbidden", 413: "too_large"}


async def refuse(
    send: Send, scope: Scope, api_prefix: str, status: int, message: str, hint: str
) -> None:
    """Answer ``status`` before any route runs: the API's error shape, or a small page."""
    code = CODES.get(status, "error")
    path = scope.get("path", "")
    if path == api_prefix or path.startswith(api_prefix + "/"):
        body = json.dumps(
            {"error": {"status": status, "code": code, "message": message, "hint": hint}}
        ).encode()
        kind = b"application/json"
    else:
        from markupsafe import escape

        body = (
            f"<!doctype html><title>Refused</title><h1>Refused</h1><p>{escape(message)}</p>"
            f"<p>{escape(hint)}</p>"
        ).encode()
        kind = b"text/html; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", kind), (b"content-length", b"%d" % len(body))],
        }
    )
    await send({"type": "http.response.body", "body": body})
