"""A real HTTP server on 127.0.0.1 for the fetch tests: routes set per test, every request logged.

Each route is a function of the request handler that writes the whole answer itself (status,
headers, body), so a test can answer 304, 429 with Retry-After, redirect loops, stall, drip a
body slowly or send more than it should.
"""

from __future__ import annotations

import contextlib
import gzip
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Route = Callable[["Handler"], None]


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    at: float


@dataclass
class Site:
    """The routes and the request log of a running server."""

    base: str = ""
    routes: dict[str, Route] = field(default_factory=dict)
    log: list[Request] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return self.base + path

    def hits(self, path: str) -> list[Request]:
        with self.lock:
            return [r for r in self.log if r.path == path]

    def paths(self) -> list[str]:
        with self.lock:
            return [r.path for r in self.log]

    def page(
        self,
        path: str,
        body: bytes | str,
        content_type: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
        status: int = 200,
    ) -> None:
        """A static answer; with an ETag or Last-Modified header, a matching conditional GET
        is answered 304 with no body."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        extra = dict(headers or {})

        def route(h: Handler) -> None:
            etag, modified = extra.get("ETag"), extra.get("Last-Modified")
            if (etag and h.headers.get("If-None-Match") == etag) or (
                modified and h.headers.get("If-Modified-Since") == modified
            ):
                h.answer(304, b"", extra)
                return
            h.answer(status, data, {"Content-Type": content_type, **extra})

        self.routes[path] = route

    def redirect(self, path: str, to: str, status: int = 301) -> None:
        self.routes[path] = lambda h: h.answer(status, b"", {"Location": to})

    def sequence(self, path: str, *routes: Route) -> None:
        """Answer the n-th request with the n-th route (the last one repeats)."""
        count = [0]

        def route(h: Handler) -> None:
            index = min(count[0], len(routes) - 1)
            count[0] += 1
            routes[index](h)

        self.routes[path] = route


class Handler(BaseHTTPRequestHandler):
    site: Site

    def do_GET(self) -> None:
        with self.site.lock:
            self.site.log.append(Request(self.path, dict(self.headers), time.monotonic()))
        route = self.site.routes.get(self.path)
        if route is None:
            self.answer(404, b"<html><body><p>Not found</p></body></html>")
            return
        # the client may give up (a size cap, a timeout): that is what was tested
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            route(self)

    def answer(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        headers = {"Content-Type": "text/html; charset=utf-8", **(headers or {})}
        for key, value in headers.items():
            self.send_header(key, value)
        if "Content-Length" not in headers and status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass  # quiet


def gzipped(body: str | bytes) -> bytes:
    return gzip.compress(body.encode("utf-8") if isinstance(body, str) else body)


@contextmanager
def serve() -> Iterator[Site]:
    site = Site()
    handler = type("SiteHandler", (Handler,), {"site": site})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
