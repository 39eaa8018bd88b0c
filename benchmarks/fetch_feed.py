"""What a feed poll costs: the first ingest of a feed, a re-poll of the unchanged feed (one 304)
and a poll after one new item, against a loopback server, beside a baseline measured in the same
run: the same requests made by plain httpx with no storylens around them.

The feed holds ``--items`` items, a fifth of them summaries whose link is fetched for the full
text. Prints requests, bytes and seconds for each poll.

    python benchmarks/fetch_feed.py [--items 200]
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

from storylens.config import load_settings
from storylens.pipeline import ingest
from storylens.store import Store

WORDS = (
    "The flood barrier at Kelvedon Marsh held through the night as the highest tide in forty"
    " years pushed up the estuary, engineers said, and households in the lower town returned"
    " home after a night in the village hall while the agency kept its warning in place."
).split()


def paragraphs(n: int, seed: int) -> list[str]:
    out = []
    for p in range(n):
        words = [WORDS[(seed * 7 + p * 3 + i) % len(WORDS)] for i in range(40)]
        out.append(f"Report {seed} part {p}: " + " ".join(words) + ".")
    return out


class State:
    items = 200
    etag = '"v1"'
    requests = 0
    bytes = 0
    lock = threading.Lock()


def feed_xml(count: int) -> bytes:
    entries = []
    for i in range(count):
        link = f"/news/{i}"
        body = "".join(f"<p>{p}</p>" for p in paragraphs(5, i))
        content = "" if i % 5 == 0 else f"<content:encoded><![CDATA[{body}]]></content:encoded>"
        date = formatdate(1_736_841_600 + i * 60, usegmt=True)
        entries.append(
            f"<item><title>Tide report {i}</title><link>{{base}}{link}</link>"
            f"<pubDate>{date}</pubDate><description>Summary {i}.</description>{content}</item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        "<title>Estuary Herald</title>" + "".join(entries) + "</channel></rss>"
    ).encode()


class Handler(BaseHTTPRequestHandler):
    base = ""

    def do_GET(self) -> None:
        with State.lock:
            State.requests += 1
        if self.path == "/feed.xml":
            if self.headers.get("If-None-Match") == State.etag:
                self._send(304, b"", "application/rss+xml")
                return
            body = feed_xml(State.items).replace(b"{base}", self.base.encode())
            self._send(200, body, "application/rss+xml", {"ETag": State.etag})
        elif self.path.startswith("/news/"):
            i = int(self.path.rsplit("/", 1)[1])
            ps = "".join(f"<p>{p}</p>" for p in paragraphs(6, i))
            page = f"<html><head><title>Tide report {i}</title></head><body><article>"
            page += f"<h1>Tide report {i}</h1>{ps}</article></body></html>"
            self._send(200, page.encode(), "text/html; charset=utf-8")
        else:
            self._send(404, b"", "text/plain")

    def _send(
        self, status: int, body: bytes, kind: str, extra: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)
        with State.lock:
            State.bytes += len(body)

    def log_message(self, *args: object) -> None:
        pass


def poll(store: Store, url: str, label: str) -> None:
    before, sent = State.requests, State.bytes
    settings = load_settings(environ={}, config_file=None)
    started = time.perf_counter()
    report = ingest(store, [url], settings)
    seconds = time.perf_counter() - started
    print(
        f"{label:<28} {report.counts.added:>5} added {State.requests - before:>5} requests"
        f" {(State.bytes - sent) / 1e3:>8.1f} kB {seconds:>7.2f} s"
    )


def baseline(url: str, base: str) -> None:
    """The same requests (robots.txt, the feed, each summary's page) with plain httpx."""
    started = time.perf_counter()
    with httpx.Client() as client:
        client.get(base + "/robots.txt")
        client.get(url)
        for i in range(0, State.items, 5):
            client.get(f"{base}/news/{i}")
    print(f"{'baseline: plain httpx GETs':<28} {'':>11} {State.items // 5 + 2:>5} requests"
          f" {'':>11} {time.perf_counter() - started:>7.2f} s")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=200)
    State.items = parser.parse_args().items
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    Handler.base = base
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = base + "/feed.xml"
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "bench.db") as store:
        baseline(url, base)
        poll(store, url, f"first poll ({State.items} items)")
        poll(store, url, "unchanged feed (304)")
        State.items += 1
        State.etag = '"v2"'
        poll(store, url, "one new item")
    server.shutdown()


if __name__ == "__main__":
    main()
