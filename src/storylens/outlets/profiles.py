"""Reading outlet profile files and writing them to the store.

A file holds the user's **scale** of leanings, in order from one end to the other, and one
profile per outlet: name, domains, country, language, leaning (a label of the scale), owner and
type (wire / national / local / aggregator). Two forms:

- CSV: a ``# scale: left, centre, right`` line before the header row (other ``#`` lines are
  comments), then a header naming some of the fields (``name`` is required) and one row per
  outlet; several domains are separated by spaces or ``;``.
- TOML: ``scale = ["left", "centre", "right"]`` and one ``[[outlet]]`` table per outlet with
  the same keys (``domains`` a list or a string).

Every problem is an :class:`InputError` naming the file, the line and the field, and nothing
is written unless the whole file is good.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storylens.errors import InputError, StorylensError
from storylens.store import Store
from storylens.store import profiles as table
from storylens.store.profiles import FIELDS, TYPES, OutletProfile

MAX_TEXT = 200  # characters of a name, owner, country or language
_HOST = re.compile(r"^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9-]{1,63})+$")
_SCALE_LINE = re.compile(r"^\s*#\s*scale\s*:(.*)$", re.IGNORECASE)


@dataclass(slots=True)
class ProfileFile:
    """What a profile file holds: its scale (may be empty when no leaning is given) and its
    profiles in file order."""

    path: str
    scale: list[str]
    profiles: list[OutletProfile] = field(default_factory=list)


class _Where:
    """Builds the errors of one file: "FILE, line N, field F: …"."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def error(self, message: str, line: int | None = None, name: str | None = None,
              hint: str = "") -> InputError:  # fmt: skip
        at = [str(self.path)]
        if line:
            at.append(f"line {line}")
        if name:
            at.append(f"field {name!r}")
        return InputError(f"{', '.join(at)}: {message}",
                          hint or "See docs/outlets.md for the file format.")  # fmt: skip


def read_profiles(path: Path | str) -> ProfileFile:
    """Parse a profile file (.csv or .toml, by suffix, else by content) and check every field."""
    path = Path(path)
    where = _Where(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise where.error("no such file", hint="Give the path of a .csv or .toml file.") from None
    except UnicodeDecodeError as exc:
        raise where.error(f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise where.error(f"cannot be read ({exc.strerror})") from None
    suffix = path.suffix.lower()
    looks_toml = "[[outlet]]" in text or re.search(r"^\s*scale\s*=", text, re.M) is not None
    if suffix == ".toml" or (suffix != ".csv" and looks_toml):
        return _read_toml(text, where)
    return _read_csv(text, where)


def _read_csv(text: str, where: _Where) -> ProfileFile:
    lines = text.splitlines()
    scale: list[str] = []
    scale_line = 0
    first = 0
    while first < len(lines) and (not lines[first].strip() or lines[first].lstrip()[:1] == "#"):
        found = _SCALE_LINE.match(lines[first])
        if found:
            if scale_line:
                raise where.error(f"a second scale line (the first is line {scale_line})",
                                  first + 1)  # fmt: skip
            scale_line = first + 1
            scale = _scale([s for s in re.split(r"[,;]", found.group(1))], where, scale_line)
        first += 1
    if first == len(lines):
        raise where.error("no header row (name, domains, country, language, leaning, owner,"
                          " type)")  # fmt: skip
    reader = csv.reader(io.StringIO("\n".join(lines[first:]) + "\n"), strict=True)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except csv.Error as exc:
        raise where.error(f"the header row is not valid CSV ({exc})", first + 1) from None
    for h in header:
        if h not in FIELDS:
            raise where.error(f"unknown column {h!r} (columns: {', '.join(FIELDS)})",
                              first + 1, h)  # fmt: skip
    if "name" not in header:
        raise where.error("the header has no 'name' column", first + 1, "name")
    if len(set(header)) != len(header):
        twice = next(h for h in header if header.count(h) > 1)
        raise where.error("this column appears twice", first + 1, twice)
    out = ProfileFile(str(where.path), scale)
    seen: dict[str, int] = {}
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise where.error(f"not valid CSV ({exc})", first + reader.line_num) from None
        line = first + reader.line_num
        if not any(c.strip() for c in row) or row[0].lstrip().startswith("#"):
            continue
        if len(row) != len(header):
            raise where.error(f"{len(row)} fields where the header has {len(header)}", line)
        values: dict[str, Any] = dict(zip(header, row, strict=True))
        raw = values.get("domains", "")
        values["domains"] = [d for d in re.split(r"[\s;]+", raw) if d]
        out.profiles.append(_profile(values, where, line, scale, seen))
    if scale_line == 0 and any(p.leaning for p in out.profiles):
        raise where.error(
            "leanings are given but the file defines no scale",
            hint="Put a line such as '# scale: left, centre, right' (your labels, in order)"
            " before the header row.",
        )
    return out


def _read_toml(text: str, where: _Where) -> ProfileFile:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+)", str(exc))
        raise where.error(f"not valid TOML ({exc})", int(found.group(1)) if found else None
                          ) from None  # fmt: skip
    heads = [i + 1 for i, ln in enumerate(text.splitlines()) if ln.strip() == "[[outlet]]"]
    for key in data:
        if key not in ("scale", "outlet"):
            raise where.error(f"unknown key {key!r} (keys: scale, [[outlet]])", None, key)
    raw_scale = data.get("scale", [])
    scale_at = next((i + 1 for i, ln in enumerate(text.splitlines())
                     if re.match(r"\s*scale\s*=", ln)), None)  # fmt: skip
    if not isinstance(raw_scale, list) or not all(isinstance(s, str) for s in raw_scale):
        raise where.error("the scale is a list of labels, e.g. [\"left\", \"centre\", \"right\"]",
                          scale_at, "scale")  # fmt: skip
    scale = _scale(raw_scale, where, scale_at) if raw_scale else []
    outlets = data.get("outlet", [])
    if not isinstance(outlets, list):
        raise where.error("outlets are [[outlet]] tables", None, "outlet")
    out = ProfileFile(str(where.path), scale)
    seen: dict[str, int] = {}
    for i, item in enumerate(outlets):
        line = heads[i] if i < len(heads) else None
        for key, value in item.items():
            if key not in FIELDS:
                raise where.error(f"unknown field (fields: {', '.join(FIELDS)})", line, key)
            if key == "domains":
                if isinstance(value, str):
                    item[key] = [d for d in re.split(r"[\s;,]+", value) if d]
                elif not (isinstance(value, list) and all(isinstance(d, str) for d in value)):
                    raise where.error('a list of hosts, e.g. ["example.com"]', line, key)
            elif not isinstance(value, str):
                raise where.error(f"a string, not {type(value).__name__}", line, key)
        out.profiles.append(_profile(item, where, line, scale, seen))
    if not raw_scale and any(p.leaning for p in out.profiles):
        raise where.error("leanings are given but the file defines no scale",
                          hint="Add a line such as scale = [\"left\", \"centre\", \"right\"]"
                          " (your labels, in order) at the top.")  # fmt: skip
    return out


def _scale(labels: list[str], where: _Where, line: int | None) -> list[str]:
    out = [" ".join(s.split()) for s in labels]
    out = [s for s in out if s]
    if len(out) < 2:
        raise where.error("a scale needs at least two labels, in order", line, "scale")
    for s in out:
        if len(s) > MAX_TEXT:
            raise where.error(f"a label longer than {MAX_TEXT} characters", line, "scale")
        if sum(t.casefold() == s.casefold() for t in out) > 1:
            raise where.error(f"the label {s!r} appears twice", line, "scale")
    return out


def _profile(values: dict[str, Any], where: _Where, line: int | None, scale: list[str],
             seen: dict[str, int]) -> OutletProfile:  # fmt: skip
    """One checked profile from a row's ``values``."""
    text: dict[str, str | None] = {}
    for key in ("name", "country", "language", "leaning", "owner", "type"):
        value = " ".join(str(values.get(key) or "").split())
        if len(value) > MAX_TEXT:
            raise where.error(f"longer than {MAX_TEXT} characters", line, key)
        text[key] = value or None
    name = text["name"]
    if not name:
        raise where.error("every outlet needs a name", line, "name")
    if name.casefold() in seen:
        raise where.error(f"{name!r} is already given on line {seen[name.casefold()]}",
                          line, "name")  # fmt: skip
    seen[name.casefold()] = line or 0
    kind = text["type"]
    if kind is not None:
        kind = kind.lower()
        if kind not in TYPES:
            raise where.error(f"{text['type']!r} is not a type (types: {', '.join(TYPES)})",
                              line, "type")  # fmt: skip
    leaning = _leaning(text["leaning"], scale, where, line)
    domains = []
    for raw in values.get("domains", []):
        host = _host(raw)
        if host is None:
            raise where.error(f"{raw!r} is not a domain (write it as example.com)",
                              line, "domains")  # fmt: skip
        if host not in domains:
            domains.append(host)
    return OutletProfile(name, domains, text["country"], text["language"], leaning,
                         text["owner"], kind, str(where.path))  # fmt: skip


def _leaning(value: str | None, scale: list[str], where: _Where, line: int | None) -> str | None:
    if value is None:
        return None
    match = next((s for s in scale if s.casefold() == value.casefold()), None)
    if match is None and scale:
        raise where.error(f"{value!r} is not on the scale ({', '.join(scale)})", line,
                          "leaning")  # fmt: skip
    return match or value


def _host(raw: str) -> str | None:
    """``https://www.Example.com/news`` → ``example.com``; None when it is not a host."""
    host = raw.strip().lower()
    host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", host).split("/", 1)[0].split(":", 1)[0]
    host = host.removeprefix("www.").rstrip(".")
    return host if _HOST.match(host) else None


def import_profiles(store: Store, path: Path | str, *, replace: bool = False) -> ProfileFile:
    """Read a profile file and store it whole: its scale (when it gives one) replaces the
    stored scale, its profiles replace those of the same names; ``replace`` also forgets the
    profiles the file does not name. Nothing is written when the file has a problem."""
    got = read_profiles(path)
    with store.transaction() as conn:
        named = {p.name.casefold() for p in got.profiles}
        kept = [p for p in table.profiles(conn) if p.name.casefold() not in named]
        if replace:
            table.delete(conn, [p.name for p in kept])
            kept = []
        if got.scale:
            off = [p for p in kept if p.leaning and p.leaning not in got.scale]
            if off:
                raise InputError(
                    f"{got.path}: the new scale ({', '.join(got.scale)}) leaves out the leaning"
                    f" of {', '.join(f'{p.name} ({p.leaning})' for p in off[:5])}",
                    "Add those outlets to the file, put their leanings on its scale, or import"
                    " with --replace.",
                )
            table.set_scale(conn, got.scale)
        table.save(conn, got.profiles)
    return got


def set_profile(store: Store, name: str, **fields: Any) -> OutletProfile:
    """Create or change one profile: each field given (None clears it; ``domains`` a list)."""
    name = " ".join(name.split())
    if not name or len(name) > MAX_TEXT:
        raise StorylensError("an outlet needs a name (up to 200 characters)")
    where = _Where(Path("storylens outlets set"))
    with store.transaction() as conn:
        scale = table.scale(conn)
        current = table.get(conn, name) or OutletProfile(name)
        merged: dict[str, Any] = {k: getattr(current, k) for k in FIELDS}
        merged["name"] = current.name
        for key, value in fields.items():
            if key not in FIELDS or key == "name":
                raise StorylensError(f"unknown field {key!r}", f"Fields: {', '.join(FIELDS[1:])}")
            merged[key] = value
        if merged.get("leaning") and not scale:
            raise StorylensError(
                "no scale of leanings is defined yet",
                "Define yours first: storylens outlets scale LABEL LABEL … (in order), or"
                " import a file with a scale.",
            )
        try:
            profile = _profile(merged, where, None, scale, {})
        except InputError as exc:
            raise StorylensError(
                exc.message.removeprefix("storylens outlets set, "),
                "storylens outlets scale shows the scale's labels; docs/outlets.md the fields.",
            ) from None
        profile.source = "set"
        table.save(conn, [profile])
    return profile


def set_scale(store: Store, labels: list[str]) -> list[str]:
    """Define the scale of leanings (in order); refused when a profile's leaning is not on it."""
    try:
        scale = _scale(labels, _Where(Path("scale")), None)
    except InputError as exc:
        raise StorylensError(exc.message.removeprefix("scale, ")) from None
    with store.transaction() as conn:
        off = [p for p in table.profiles(conn) if p.leaning and p.leaning not in scale]
        if off:
            raise StorylensError(
                f"the new scale leaves out the leaning of "
                f"{', '.join(f'{p.name} ({p.leaning})' for p in off[:5])}",
                "Give those leanings a place on the scale, or change them first"
                " (storylens outlets set NAME --leaning LABEL).",
            )
        table.set_scale(conn, scale)
    return scale


def remove_profile(store: Store, name: str) -> None:
    with store.transaction() as conn:
        if not table.delete(conn, [" ".join(name.split())]):
            raise StorylensError(f"no profile for {name!r}", "List them: storylens outlets")
