"""The HTTP client of ingest: polite and bounded requests through httpx.

One :class:`Client` per ingest run (or per ``watch``): a clear User-Agent, connect and read
timeouts, a deadline for a whole response, redirects followed one hop at a time (bounded, loops
refused, robots.txt asked at every hop), bodies streamed and stopped at a size cap, retries with
exponential backoff on 5xx, 429 and connection errors, ``Retry-After`` honoured (seconds or an
HTTP date) up to a cap, and conditional GETs from remembered validators.

httpx's errors are translated into :class:`FetchError` in exactly one place, :func:`describe`;
nothing else of httpx leaks out. Every request fills the :class:`FetchRecord` it is given,
whatever the outcome.
"""

from __future__ import annotations

import email.utils
import socket
import ssl
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

from storylens import __version__
from storylens.config import Settings
from storylens.errors import InputError
from storylens.store.fetches import FetchRecord

if TYPE_CHECKING:
    import httpx

PROJECT_URL = "https://github.com/storylens/storylens"
USER_AGENT = f"storylens/{__version__} (+{PROJECT_URL})"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
ROBOTS_AGENT = "storylens"  # the token robots.txt rules name (User-agent: storylens)


class FetchError(InputError):
    """A URL could not be fetched; the message names the reason (becomes a problem)."""

    def __init__(self, message: str, hint: str = "", *, outcome: str = "failed") -> None:
        super().__init__(message, hint)
        self.outcome = outcome


@dataclass(frozen=True, slots=True)
class FetchOptions:
    """The ``fetch.*`` settings, read once."""

    user_agent: str = USER_AGENT
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    max_seconds: float = 120.0
    max_bytes: int = 10_000_000
    max_redirects: int = 5
    retries: int = 3
    backoff: float = 1.0
    max_retry_after: float = 120.0

    @classmethod
    def from_settings(cls, settings: Settings) -> FetchOptions:
        get = settings.get
        return cls(
            user_agent=str(get("fetch.user_agent")) or USER_AGENT,
            connect_timeout=float(get("fetch.connect_timeout")),
            read_timeout=float(get("fetch.read_timeout")),
            max_seconds=float(get("fetch.max_seconds")),
            max_bytes=int(float(get("fetch.max_mb")) * 1_000_000),
            max_redirects=int(get("fetch.max_redirects")),
            retries=int(get("fetch.retries")),
            backoff=float(get("fetch.backoff")),
            max_retry_after=float(get("fetch.max_retry_after")),
        )


@dataclass(slots=True)
class Response:
    """A whole answer: the body after content decoding, and what the headers said of it."""

    url: str  # the URL that answered, after redirects
    status: int
    media_type: str  # "text/html", lower case, no parameters ("" when not sent)
    charset: str | None
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = datetime.now(UTC).timestamp() if now is None else now
    return max(0.0, when.timestamp() - current)


def describe(exc: Exception, url: str, options: FetchOptions) -> FetchError:
    """The one place where httpx's errors become storylens's: what went wrong, for a person."""
    import httpx

    chain: list[BaseException] = []
    cause: BaseException | None = exc
    while cause is not None and len(chain) < 10:
        chain.append(cause)
        cause = cause.__cause__ or cause.__context__
    host = urlsplit(url).hostname or url
    if any(isinstance(c, socket.gaierror) for c in chain) or "Name or service" in str(exc):
        return FetchError(
            f"host {host} not found (DNS lookup failed)",
            hint="Check the URL's spelling and the network connection.",
        )
    tls = next((c for c in chain if isinstance(c, ssl.SSLError)), None)
    if tls is not None or "SSL" in str(exc) or "CERTIFICATE" in str(exc).upper():
        reason = getattr(tls, "reason", None) or str(tls or exc)
        return FetchError(
            f"TLS error talking to {host}: {reason}",
            hint="The server's certificate or TLS setup is broken; try http:// only if you trust"
            " the network.",
        )
    if isinstance(exc, httpx.ConnectTimeout):
        return FetchError(
            f"timed out connecting to {host} (over {options.connect_timeout:g} s)",
            hint="Raise fetch.connect_timeout if the server is slow but alive.",
        )
    if isinstance(exc, httpx.TimeoutException):
        return FetchError(
            f"timed out waiting for {host} to answer (no bytes for {options.read_timeout:g} s)",
            hint="Raise fetch.read_timeout if the server is slow but alive.",
        )
    if isinstance(exc, httpx.ConnectError):
        return FetchError(f"cannot connect to {host}: {exc}", hint="Is the server up?")
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return FetchError(f"not a URL storylens can fetch: {exc}")
    if isinstance(exc, httpx.DecodingError):
        return FetchError(f"the body from {host} cannot be decoded: {exc}")
    return FetchError(f"fetching from {host} failed: {type(exc).__name__}: {exc}")


def _retryable(exc: Exception) -> bool:
    """Connection errors are worth another try; TLS, DNS and read timeouts are not."""
    import httpx

    if not isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.RemoteProtocolError):
        return False
    message = describe(exc, "", FetchOptions()).message
    return not message.startswith(("TLS error", "host "))


class Client:
    """httpx with storylens's manners. ``allowed(url)`` is asked at every hop (robots.txt)."""

    def __init__(
        self,
        options: FetchOptions,
        *,
        allowed: Callable[[str, FetchRecord], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        import httpx

        self.options = options
        self.allowed = allowed
        self.sleep = sleep
        timeout = httpx.Timeout(
            connect=options.connect_timeout,
            read=options.read_timeout,
            write=options.read_timeout,
            pool=options.connect_timeout,
        )
        self.http = httpx.Client(
            # only the encodings storylens undoes itself, step by step (see _decoded)
            headers={"User-Agent": options.user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=timeout,
            follow_redirects=False,  # one hop at a time, robots.txt asked at each
            trust_env=True,  # HTTPS_PROXY, NO_PROXY, SSL_CERT_FILE as the user set them
        )

    def close(self) -> None:
        self.http.close()

    def get(
        self,
        url: str,
        record: FetchRecord,
        cached: Callable[[str], tuple[str | None, str | None]] | None = None,
        *,
        check: bool = True,
    ) -> Response | None:
        """Fetch ``url`` whole; None when the server says it has not changed (304).

        ``cached(url)`` gives the validators remembered for a URL (sent as If-None-Match /
        If-Modified-Since); ``check`` asks ``allowed`` at every hop. Raises
        :class:`FetchError`; ``record`` says what happened either way.
        """
        started = time.monotonic()
        try:
            return self._follow(url, record, cached, check)
        finally:
            record.seconds = time.monotonic() - started

    def _follow(
        self,
        url: str,
        record: FetchRecord,
        cached: Callable[[str], tuple[str | None, str | None]] | None,
        check: bool,
    ) -> Response | None:
        seen = [url]
        current = url
        while True:
            record.final_url = current
            if check and self.allowed is not None:
                self.allowed(current, record)
            etag, modified = cached(current) if cached else (None, None)
            headers = {}
            if etag:
                headers["If-None-Match"] = etag
            if modified:
                headers["If-Modified-Since"] = modified
            answer = self._request(current, headers, record)
            if isinstance(answer, str):  # a redirect
                target = answer
                if target in seen:
                    raise FetchError(
                        f"redirect loop: {current} sends back to {target}",
                        hint="The site is misconfigured; fetch the page's own URL instead.",
                    )
                if len(seen) > self.options.max_redirects:
                    raise FetchError(
                        f"too many redirects (over {self.options.max_redirects}), last to {target}",
                        hint="Raise fetch.max_redirects if this chain is expected.",
                    )
                seen.append(target)
                record.redirects += 1
                current = target
                continue
            return answer

    def _request(
        self, url: str, headers: dict[str, str], record: FetchRecord
    ) -> Response | str | None:
        """One hop, with its retries: a Response, a redirect target, or None for a 304."""
        options = self.options
        attempt = 0
        while True:
            try:
                with self.http.stream("GET", url, headers=headers) as resp:
                    record.status = resp.status_code
                    status = resp.status_code
                    if status in RETRY_STATUSES and attempt < options.retries:
                        wait = self._wait(resp.headers.get("Retry-After"), attempt, status, url)
                        attempt += 1
                        record.retries += 1
                        resp.close()
                        self.sleep(wait)
                        continue
                    if status in REDIRECT_STATUSES and resp.headers.get("Location"):
                        target = urljoin(url, resp.headers["Location"])
                        if urlsplit(target).scheme not in {"http", "https"}:
                            raise FetchError(f"redirect to a non-web address: {target[:100]}")
                        return target
                    if status == 304:
                        record.outcome = "not_modified"
                        return None
                    if status >= 400:
                        raise self._status_error(resp, status, url, attempt)
                    if 300 <= status < 400:
                        raise FetchError(f"HTTP {status} without a Location to follow")
                    body = self._read(resp, url)
                    record.outcome = "fetched"
                    record.bytes = len(body)
                    record.etag = resp.headers.get("ETag")
                    record.last_modified = resp.headers.get("Last-Modified")
                    media, _, params = resp.headers.get("Content-Type", "").partition(";")
                    return Response(
                        url=url,
                        status=status,
                        media_type=media.strip().lower(),
                        charset=_charset(params),
                        body=body,
                        headers=dict(resp.headers),
                    )
            except FetchError:
                raise
            except Exception as exc:
                import httpx

                if not isinstance(exc, httpx.HTTPError | httpx.InvalidURL):
                    raise
                if _retryable(exc) and attempt < options.retries:
                    wait = options.backoff * 2**attempt
                    attempt += 1
                    record.retries += 1
                    self.sleep(wait)
                    continue
                raise describe(exc, url, options) from None

    def _wait(self, retry_after: str | None, attempt: int, status: int, url: str) -> float:
        asked = parse_retry_after(retry_after)
        if asked is None:
            return float(self.options.backoff * 2**attempt)
        if asked > self.options.max_retry_after:
            raise FetchError(
                f"HTTP {status}: the server asks to retry after {asked:.0f} s, longer than"
                f" fetch.max_retry_after ({self.options.max_retry_after:g} s)",
                hint="Try again later, or raise fetch.max_retry_after.",
            )
        return asked

    def _status_error(self, resp: httpx.Response, status: int, url: str, tries: int) -> FetchError:
        phrase = resp.reason_phrase or ""
        after = f" (after {tries} retries)" if tries else ""
        hint = {
            404: "Check the URL: the server has no page there.",
            410: "The page was removed.",
            401: "The page needs a login; storylens fetches public pages only.",
            403: "The server refuses storylens; if it is your own site, allow its User-Agent.",
            429: "The server limits requests: try again later (fetch.retries, fetch.backoff).",
        }.get(status, "The server failed; try again later." if status >= 500 else "")
        return FetchError(f"HTTP {status} {phrase}".rstrip() + after, hint=hint)

    def _read(self, resp: httpx.Response, url: str) -> bytes:
        """The body, content-decoded, stopped at the size cap and the response deadline."""
        options = self.options
        declared = resp.headers.get("Content-Length", "")
        encoded = resp.headers.get("Content-Encoding", "identity").lower() != "identity"
        if declared.isdigit() and not encoded and int(declared) > options.max_bytes:
            raise _too_large(int(declared), options.max_bytes, declared=True)
        deadline = time.monotonic() + options.max_seconds
        chunks: list[bytes] = []
        size = 0
        for chunk in _decoded(resp):
            size += len(chunk)
            if size > options.max_bytes:
                raise _too_large(size, options.max_bytes, declared=False)
            if time.monotonic() > deadline:
                raise FetchError(
                    f"the answer took over {options.max_seconds:g} s to arrive (stopped after"
                    f" {size} bytes)",
                    hint="Raise fetch.max_seconds if the server is slow but honest.",
                )
            chunks.append(chunk)
        return b"".join(chunks)


def _decoded(resp: httpx.Response, step: int = 65536) -> Iterator[bytes]:
    """The body's bytes, gzip or deflate undone ``step`` bytes at a time: a small compressed
    chunk that inflates to gigabytes (a gzip bomb) is stopped at the cap, not inflated whole."""
    encoding = resp.headers.get("Content-Encoding", "").strip().lower()
    if encoding in {"", "identity"}:
        yield from resp.iter_raw()
        return
    if encoding not in {"gzip", "x-gzip", "deflate"}:
        raise FetchError(f"the body is encoded as {encoding!r}, which storylens does not undo")
    inflater = zlib.decompressobj(32 + zlib.MAX_WBITS)  # a gzip or zlib header, detected
    try:
        for raw in resp.iter_raw():
            data = inflater.decompress(raw, step)
            while data:
                yield data
                data = inflater.decompress(inflater.unconsumed_tail, step)
        yield inflater.flush()
    except zlib.error as exc:
        raise FetchError(f"the {encoding} body cannot be decoded: {exc}") from None


def _too_large(size: int, limit: int, *, declared: bool) -> FetchError:
    what = f"declares {size / 1e6:.1f} MB" if declared else f"is over {size / 1e6:.2f} MB"
    return FetchError(
        f"the body {what}, over the limit of {limit / 1e6:g} MB (fetch.max_mb); not read further",
        hint="Raise fetch.max_mb if this really is one page or feed.",
    )


def _charset(params: str) -> str | None:
    for part in params.split(";"):
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'").lower()
    return None


class Robots:
    """robots.txt per host (scheme and authority), fetched once and kept for ``max_age``
    seconds (RFC 9309: at most a day), so a long ``watch`` asks again daily."""

    def __init__(
        self,
        client: Client,
        records: list[FetchRecord],
        max_age: float = 86400.0,
        remembered: Callable[[str, float], str | None] | None = None,
    ) -> None:
        self.client = client
        self.records = records
        self.max_age = max_age
        self.remembered = remembered  # (robots.txt URL, max age) -> rules kept in the store
        self.parsers: dict[str, tuple[float, RobotFileParser | str]] = {}
        self.last_request: dict[str, float] = {}  # per host, for Crawl-delay

    def check(self, url: str, record: FetchRecord) -> None:
        """Raise a refusal when robots.txt disallows ``url`` for storylens."""
        parts = urlsplit(url)
        root = f"{parts.scheme}://{parts.netloc}"
        cached = self.parsers.get(root)
        if cached is None or time.monotonic() - cached[0] > self.max_age:
            loaded = self._load(root)
            if isinstance(loaded, FetchError):  # no answer at all: the page would fail too
                raise loaded
            cached = self.parsers[root] = (time.monotonic(), loaded)
        parser = cached[1]
        if isinstance(parser, str):
            raise FetchError(
                f"robots.txt of {parts.netloc} could not be read ({parser}), so nothing there is"
                " fetched",
                hint="Use --ignore-robots for a site of your own.",
                outcome="refused",
            )
        if not parser.can_fetch(ROBOTS_AGENT, url) or not parser.can_fetch(
            self.client.options.user_agent, url
        ):
            raise FetchError(
                f"robots.txt of {parts.netloc} disallows {parts.path or '/'} for storylens",
                hint="Use --ignore-robots only for a site of your own.",
                outcome="refused",
            )
        self._pace(root, parser)

    def _pace(self, root: str, parser: RobotFileParser) -> None:
        """Wait out the host's ``Crawl-delay`` since the last request to it (capped by
        ``fetch.max_retry_after``)."""
        delay = parser.crawl_delay(ROBOTS_AGENT)
        now = time.monotonic()
        if delay:
            wait = (
                self.last_request.get(root, -1e9)
                + min(float(delay), self.client.options.max_retry_after)
                - now
            )
            if wait > 0:
                self.client.sleep(wait)
        self.last_request[root] = time.monotonic()

    def _load(self, root: str) -> RobotFileParser | str | FetchError:
        """RFC 9309: a 4xx means no rules, a 5xx that everything is disallowed (the reason is
        returned); no answer at all is the error itself, not remembered."""
        parser = RobotFileParser()
        url = f"{root}/robots.txt"
        kept = self.remembered(url, self.max_age) if self.remembered else None
        if kept is not None:  # fetched by an earlier run today: no request
            parser.parse(kept.splitlines())
            return parser
        record = FetchRecord(url=url, kind="robots")
        self.records.append(record)
        try:
            got = self.client.get(record.url, record, check=False)
        except FetchError as exc:
            record.detail = exc.message
            status = record.status or 0
            if 400 <= status < 500:
                record.outcome = "fetched"
                record.detail = f"no robots.txt (HTTP {status}): everything allowed"
                record.robots = ""
                parser.parse([])
                return parser
            if record.status is None:
                return exc
            return exc.message
        record.outcome = "fetched"
        text = got.body.decode("utf-8", errors="replace") if got is not None else ""
        record.robots = text
        parser.parse(text.splitlines())
        return parser
