"""The web app: FastAPI, server-rendered pages (pages.py) and a JSON API (api.py).

``create_app(settings_or_store_path)`` builds it over an existing store. Every response carries
a strict Content-Security-Policy and the other security headers below; every API error, from
a 404 to an unhandled exception, has one JSON shape (:func:`error_body`); page errors render
``error.html`` with the hint. Requests naming another host, writes from another site's page
and writes without the token are refused (:mod:`storylens.web.security`); excess load is
shed with a 503 and every read has a deadline (:mod:`storylens.web.load`).
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import jinja2
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from storylens import __version__
from storylens.config import Settings, load_settings
from storylens.errors import NotFoundError, StorylensError
from storylens.live import LivePipeline
from storylens.publish.bidi import escape_marked
from storylens.publish.templating import environment
from storylens.store import Store
from storylens.store.secrets import ensure_token, stored_token
from storylens.web.load import LoadGuard, Overdue, check_deadline, past_deadline, watch_deadline
from storylens.web.security import TOKEN_HINT, BodyLimit, HostAndOrigin, allowed_hosts

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

HERE = Path(__file__).parent
API_PREFIX = "/api/v1"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]
PAGE_NOT_FOUND_HINT = (
    "The link may come from another store, or the stories were rebuilt since: find it again from"
    " the list of stories or with the search."
)
CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
         405: "method_not_allowed", 413: "too_large", 422: "validation_error",
         500: "internal_error", 503: "unavailable"}  # fmt: skip
T = TypeVar("T")


class Web:
    """What the routes share: settings, one store connection per worker thread, templates,
    the write token, and values cached until the store changes."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.db_path = settings.db_path
        with Store.for_settings(settings, create=False) as store:  # fail now if it is missing
            self._fixed_token = str(settings.get("web.token")) or None
            if self._fixed_token is None:
                try:
                    ensure_token(store)  # the first serve makes it; `storylens token` shows it
                except StorylensError as exc:  # a read-only store: writes stay refused
                    log.warning("no write token could be made (%s): writes are refused", exc)
        self._local = threading.local()
        self._opened: list[Store] = []
        self._guard = threading.Lock()
        self.write_lock = threading.Lock()  # one ingest at a time
        self._live: LivePipeline | None = None  # made by the first ingest that clusters
        # a connection that never writes: its data_version moves whenever any other
        # connection (another thread, another process) commits, so it keys the cache
        self._watch = sqlite3.connect(str(self.db_path), check_same_thread=False)
        self._watch_lock = threading.Lock()
        self._cache: dict[str, tuple[int, Any]] = {}
        self.templates: jinja2.Environment = environment("storylens.web")
        self.templates.globals.update(version=__version__, api=API_PREFIX)
        self.templates.filters.update(
            day=day, when=when, span=span, marked_text=escape_marked, basename=basename
        )

    @property
    def store(self) -> Store:
        """This thread's connection (SQLite connections are not shared between threads); its
        queries stop at the current request's deadline."""
        store: Store | None = getattr(self._local, "store", None)
        if store is None:
            store = Store.for_settings(self.settings, create=False)
            watch_deadline(store.conn)
            self._local.store = store
            with self._guard:
                self._opened.append(store)
        return store

    def live(self) -> LivePipeline:
        """The live pipeline this process's ingests (and ``serve --watch``) go through: one
        per process, on a connection of its own, made at first use (the stories are replayed
        into memory once)."""
        with self._guard:
            if self._live is None:
                store = Store.for_settings(self.settings, create=False)
                self._opened.append(store)
                self._live = LivePipeline(store, self.settings, catch_up=False)
            return self._live

    def write_token(self) -> str | None:
        """The token writes must carry: ``web.token``, else the store's (read each time, so
        ``storylens token --new`` takes effect at once)."""
        return self._fixed_token or stored_token(self.store)

    def version(self) -> int:
        """A number that changes whenever the store does (SQLite's ``data_version``)."""
        with self._watch_lock:
            return int(self._watch.execute("PRAGMA data_version").fetchone()[0])

    def cached(self, key: str, compute: Callable[[], T]) -> T:
        """``compute()``, remembered until the store changes."""
        version = self.version()
        hit = self._cache.get(key)
        if hit is not None and hit[0] == version:
            return hit[1]  # type: ignore[no-any-return]
        value = compute()
        self._cache[key] = (version, value)
        return value

    def close(self) -> None:
        if self._live is not None:
            self._live.close()
        with self._guard:
            for store in self._opened:
                store.close()
            self._opened.clear()
        self._watch.close()

    def render(self, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        html = self.templates.get_template(name).render(**context)
        return HTMLResponse(html, status_code=status)


def day(iso: str | None) -> str:
    return iso[:10] if iso else "undated"


def when(iso: str | None) -> str:
    """Day and minute in UTC; the day alone for a date known to the day (stored as midnight)."""
    if not iso or len(iso) <= 10 or iso[11:19] == "00:00:00":
        return day(iso)
    return iso[:16].replace("T", " ") + " UTC"


def span(first: str | None, last: str | None) -> str:
    """``2020-09-14 → 09-20`` (one day: just the day)."""
    a, b = day(first), day(last)
    if a == b or not last:
        return a
    return f"{a} → {b[5:]}" if a[:4] == b[:4] else f"{a} → {b}"


async def web(request: Request) -> Web:
    """What every route depends on; a request already past its deadline goes no further.
    (Async, so it runs in the event loop: a sync one would cost every request a second trip
    through the thread pool.)"""
    check_deadline()
    state: Web = request.app.state.web
    return state


def error_body(status: int, message: str, hint: str | None = None) -> dict[str, Any]:
    """The one JSON error shape of the API."""
    code = CODES.get(status, "error")
    return {"error": {"status": status, "code": code, "message": message, "hint": hint or None}}


def _wants_json(path: str) -> bool:
    return path == API_PREFIX or path.startswith(API_PREFIX + "/")


def error_response(
    request: Request,
    status: int,
    message: str,
    hint: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    if _wants_json(request.url.path):
        return JSONResponse(error_body(status, message, hint), status_code=status, headers=headers)
    response: Response = request.app.state.web.render(
        "error.html", status=status, status_code=status, message=message, hint=hint
    )
    response.headers.update(headers or {})
    return response


class SecurityHeaders:
    """Adds the security headers to every response, and turns an unhandled exception into a
    500 in the API's error shape (or the error page), with the headers too."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            log.exception("unhandled error on %s", scope.get("path"))
            if started:
                raise
            path = scope.get("path", "")
            body = error_body(500, "internal error", "This is a bug in storylens: please report.")
            if _wants_json(path):
                payload, kind = json.dumps(body).encode(), b"application/json"
            else:
                payload = b"<!doctype html><title>Error</title><h1>Internal error</h1>"
                kind = b"text/html; charset=utf-8"
            await send_with_headers(
                {
                    "type": "http.response.start",
                    "status": 500,
                    "headers": [(b"content-type", kind), (b"content-length", b"%d" % len(payload))],
                }
            )
            await send_with_headers({"type": "http.response.body", "body": payload})


def _install_errors(app: FastAPI) -> None:
    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        message = str(exc.detail) if exc.detail else "error"
        hint = None
        if exc.status_code == 404:
            message = f"nothing at {request.url.path}"
            hint = f"See {API_PREFIX}/openapi.json" if _wants_json(request.url.path) else None
        elif exc.status_code == 405:
            message = f"{request.method} is not allowed on {request.url.path}"
        elif exc.status_code == 401:
            hint = TOKEN_HINT
        elif exc.status_code == 413:
            hint = "Raise ingest.max_file_mb for the server, or ingest large exports with"
            hint += " storylens ingest."
        return error_response(request, exc.status_code, message, hint, exc.headers)

    def too_late(request: Request) -> Response:
        return error_response(
            request, 503, "the request ran out of time and was stopped",
            "The server is busy: try again in a few seconds.", {"Retry-After": "2"},
        )  # fmt: skip

    @app.exception_handler(sqlite3.OperationalError)
    async def stopped(request: Request, exc: sqlite3.OperationalError) -> Response:
        # the progress handler of watch_deadline stops a query that runs past its deadline
        if str(exc) == "interrupted" and past_deadline():
            return too_late(request)
        raise exc

    @app.exception_handler(Overdue)
    async def overdue(request: Request, exc: Overdue) -> Response:
        return too_late(request)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = []
        for e in exc.errors():
            where = ".".join(str(p) for p in e.get("loc", ()) if p not in ("query", "path"))
            problems.append(f"{where}: {e.get('msg', 'invalid')}" if where else e.get("msg", ""))
        status = 422 if _wants_json(request.url.path) else 400
        return error_response(
            request, status, "; ".join(problems) or "invalid request", _validation_hint(request)
        )

    @app.exception_handler(StorylensError)
    async def storylens_error(request: Request, exc: StorylensError) -> Response:
        status = 404 if isinstance(exc, NotFoundError) else 400
        hint = exc.hint or None
        if status == 404 and not _wants_json(request.url.path):
            hint = PAGE_NOT_FOUND_HINT
        return error_response(request, status, exc.message, hint)


def _validation_hint(request: Request) -> str:
    if _wants_json(request.url.path):
        return f"The parameters are described in {API_PREFIX}/openapi.json"
    return "Check the address: a number or a date (YYYY-MM-DD) was expected."


def create_app(settings_or_store_path: Settings | str | Path) -> FastAPI:
    """The web app over an existing store (a :class:`Settings` or the store's path)."""
    from storylens.web import api, coverage, pages, storylines

    if isinstance(settings_or_store_path, Settings):
        settings = settings_or_store_path
    else:
        settings = load_settings(overrides={"store.path": str(settings_or_store_path)})
    state = Web(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        state.close()

    app = FastAPI(
        title="storylens",
        version=__version__,
        description="News stories from many outlets: stories, reports, outlets, search, "
        'ingest. Every error has the shape `{"error": {status, code, message, hint}}`.',
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.web = state
    app.add_middleware(
        LoadGuard,
        max_active=int(settings.get("web.max_active")),
        queue_timeout=float(settings.get("web.queue_timeout")),
        request_timeout=float(settings.get("web.request_timeout")),
        api_prefix=API_PREFIX,
    )
    hosts = allowed_hosts(str(settings.get("web.host")), str(settings.get("web.allowed_hosts")))
    max_bytes = int(float(settings.get("ingest.max_file_mb")) * 1_000_000) or None
    app.add_middleware(BodyLimit, limit=max_bytes, api_prefix=API_PREFIX)
    app.add_middleware(HostAndOrigin, hosts=hosts, api_prefix=API_PREFIX)
    app.add_middleware(SecurityHeaders)  # the outermost: refusals carry the headers too
    _install_errors(app)
    app.include_router(api.router, prefix=API_PREFIX)
    app.include_router(storylines.api, prefix=API_PREFIX)
    app.include_router(coverage.api, prefix=API_PREFIX)
    app.include_router(pages.router)
    app.include_router(storylines.pages)
    app.include_router(coverage.pages)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    return app


def basename(origin: str | None) -> str:
    """The file an input came from, without its folders or its ``#item`` suffix."""
    return (origin or "").rsplit("#", 1)[0].replace("\\", "/").rsplit("/", 1)[-1]
