"""Fuzz the real ingest with mutated real inputs: every input must end stored or a problem.

Seeds are read in memory from ``../shared``: finescoop posts (Markdown with YAML front matter),
ECB+ records (JSON Lines) and aeb pages (gzipped HTML). Each input is a seed put through one to
three mutations — bytes flipped, inserted, deleted, repeated or cut; a BOM (or two), a stray
``?`` or an ``<?xml`` line in front; gzip (whole, cut short, a bomb); a lone surrogate escape;
nesting a thousand levels deep; YAML aliases; bidi controls; a long first record; CRLF,
cp1252, UTF-16, NULs — then written, in batches, to a temporary folder (never kept) under a
suffix drawn from those storylens knows, and ingested with ``storylens.pipeline.ingest`` into a
temporary store: reading, cleaning and writing, in worker processes, exactly as ``storylens
ingest`` does. Afterwards each input must be found in the store as articles (or copies of
one) or as problems. Counted as tracebacks: an exception out of ``ingest`` (the batch is lost)
and a problem recorded by the catch-all that turns an unforeseen error into a problem (a bug).

    python benchmarks/fuzz_ingest.py [--inputs 100000] [--batch 2000] [--seed 1]

Temporary files go to ``$TMPDIR``: ``TMPDIR=/dev/shm`` keeps the disk out of the figures.

Prints the counts, each traceback, and inputs/s (the machine is shared: compare runs made the
same day, and the ``seeds`` line, the same inputs unmutated, ingested in the same run).
"""

from __future__ import annotations

import argparse
import gzip
import random
import signal
import sqlite3
import sys
import tarfile
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from storylens.config import load_settings
from storylens.pipeline import INTERNAL_ERROR, ingest
from storylens.store import Store

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpora"
SUFFIXES = (".md", ".txt", ".html", ".htm", ".xml", ".json", ".jsonl", ".csv", "", ".gz")


# --- seeds -------------------------------------------------------------------------------------


def load_seeds(rng: random.Random, posts: int) -> dict[str, list[bytes]]:
    """Real inputs by kind: ``post`` (front matter), ``record`` (one JSON line), ``page``."""
    seeds: dict[str, list[bytes]] = {"post": [], "record": [], "page": []}
    with tarfile.open(SHARED / "finescoop-2020" / "posts.tar.gz") as tar:
        members = [m for m in tar.getmembers() if m.isfile() and m.name.endswith(".md")]
        chosen = rng.sample(members, min(posts, len(members)))
        for member in sorted(chosen, key=lambda m: m.offset):  # in order: no seeking back
            data = tar.extractfile(member)
            if data is not None:
                seeds["post"].append(data.read())
    lines = (SHARED / "ecbplus" / "ecbplus.jsonl").read_bytes().splitlines()
    seeds["record"] = [line for line in lines if line.strip()]
    for page in sorted((SHARED / "aeb" / "html").glob("*.html.gz")):
        seeds["page"].append(gzip.decompress(page.read_bytes()))
    return seeds


# --- mutations ---------------------------------------------------------------------------------

Mutation = Callable[[random.Random, bytes], bytes]


def flip(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if out:
            out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def insert(rng: random.Random, data: bytes) -> bytes:
    at = rng.randint(0, len(data))
    junk = rng.choice(
        [
            rng.randbytes(rng.randint(1, 16)),
            b"<", b">", b"---\n", b"\n---\n", b'"', b"{", b"}", b"[", b"]", b",", b"\\",
            b"<!--", b"-->", b"<![CDATA[", b"&#xD800;", b"&#0;", b"\x00", b"\r", b"\xe2\x80",
            b"<script>", b"</p>", b"<rss>", b"<rdf:RDF>", b"*a", b"&a ", b"!!python/object:x ",
        ]
    )  # fmt: skip
    return data[:at] + junk + data[at:]


def delete(rng: random.Random, data: bytes) -> bytes:
    if not data:
        return data
    at = rng.randrange(len(data))
    return data[:at] + data[at + rng.randint(1, 200) :]


def repeat(rng: random.Random, data: bytes) -> bytes:
    if not data:
        return data
    at = rng.randrange(len(data))
    span = data[at : at + rng.randint(1, 500)]
    return data[:at] + span * rng.randint(2, 20) + data[at:]


def cut(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randint(0, len(data))]


def bom(rng: random.Random, data: bytes) -> bytes:
    return b"\xef\xbb\xbf" * rng.randint(1, 3) + data


def stray(rng: random.Random, data: bytes) -> bytes:
    return rng.choice([b"?", b"\n", b" ", b"\xef\xbb\xbf?", b"\x00"]) + data


def xml_line(rng: random.Random, data: bytes) -> bytes:
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + data


def gzipped(rng: random.Random, data: bytes) -> bytes:
    packed = gzip.compress(data, compresslevel=1)
    kind = rng.random()
    if kind < 0.2:
        return packed[: rng.randint(0, len(packed))]  # cut short
    if kind < 0.3:
        return rng.choice(BOMBS)  # a few KB that expand to 1-60 MB
    return packed


BOMBS = [gzip.compress(b" " * size, compresslevel=9) for size in (1_000_000, 60_000_000)] + [
    gzip.compress(b'{"text": "' + b"w" * 60_000_000 + b'"}\n', compresslevel=9)
]


def surrogate(rng: random.Random, data: bytes) -> bytes:
    """A lone surrogate escape inside a JSON string (or plain text: then it is just text)."""
    at = data.find(b'": "')
    escape = rng.choice([b"\\udfff", b"\\ud800", b"\\uDC00x", b"\\ud83d"])
    if at < 0:
        return data + b'"' + escape + b'"'
    at += 4
    return data[:at] + escape + data[at:]


def deep(rng: random.Random, data: bytes) -> bytes:
    depth = rng.choice([100, 900, 1200, 5000, 100_000])
    if data.lstrip().startswith(b"{"):
        at = data.rfind(b"}")
        if at > 0:
            return data[:at] + b', "deep": ' + b"[" * depth + b"]" * depth + data[at:]
    if data.startswith(b"---"):
        return b"---\ndeep: " + b"[" * depth + b"]" * depth + b"\n" + data[4:]
    return b"<div>" * depth + data


def aliases(rng: random.Random, data: bytes) -> bytes:
    levels = rng.randint(2, 9)
    lines = [b'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for n in range(1, levels):
        refs = b",".join([b"*a%d" % (n - 1)] * 9)
        lines.append(b"a%d: &a%d [%s]" % (n, n, refs))
    block = b"\n".join(lines) + b"\n"
    if data.startswith(b"---"):
        return b"---\n" + block + data[4:]
    return b"---\ntitle: laughs\n" + block + b"---\n" + data


BIDI = ["\u202e", "\u202d", "\u2066", "\u2067", "\u2068", "\u2069", "\u200f", "\u061c"]


def bidi(rng: random.Random, data: bytes) -> bytes:
    mark = (rng.choice(BIDI) + "gnp.exe" + rng.choice(BIDI)).encode()
    at = data.find(b"title")
    at = rng.randint(0, len(data)) if at < 0 else at + rng.randint(5, 12)
    return data[:at] + mark + data[at:]


def long_first(rng: random.Random, data: bytes) -> bytes:
    """JSON Lines whose first record is long: the seed (a record) padded, then copies."""
    if not data.lstrip().startswith(b"{"):
        return data
    at = data.rfind(b"}")
    pad = b', "padding": "' + b"x" * rng.randint(4_000, 40_000) + b'"'
    first = data[:at] + pad + data[at:] if at > 0 else data
    return b"\n".join([first, data, data.replace(b'"id"', b'"oid"', 1)])


def crlf(rng: random.Random, data: bytes) -> bytes:
    return data.replace(b"\n", b"\r\n")


def recode(rng: random.Random, data: bytes) -> bytes:
    text = data.decode("utf-8", "replace")
    codec = rng.choice(["cp1252", "utf-16", "utf-16-le", "latin-1", "utf-32"])
    return text.encode(codec, "replace")


def huge_line(rng: random.Random, data: bytes) -> bytes:
    return data + b"\n" + b"word " * rng.randint(100_000, 400_000)


MUTATIONS: tuple[tuple[Mutation, float], ...] = (
    (flip, 3), (insert, 4), (delete, 3), (repeat, 1), (cut, 2), (bom, 1), (stray, 1),
    (xml_line, 0.5), (gzipped, 1), (surrogate, 2), (deep, 1), (aliases, 1), (bidi, 1),
    (long_first, 1), (crlf, 0.5), (recode, 0.5), (huge_line, 0.1),
)  # fmt: skip


def mutate(rng: random.Random, data: bytes) -> tuple[bytes, list[str]]:
    names = []
    funcs, weights = zip(*MUTATIONS, strict=True)
    for _ in range(rng.choice([1, 1, 1, 2, 2, 3])):
        func = rng.choices(funcs, weights)[0]
        data = func(rng, data)
        names.append(func.__name__)
    return data, names


def suffix_of(seed: bytes) -> str:
    """The suffix a seed's kind is saved under."""
    if seed.lstrip().startswith(b"{"):
        return ".jsonl"
    return ".md" if seed.startswith(b"---") else ".html"


def batch_of(rng: random.Random, seeds: dict[str, list[bytes]], size: int) -> list[bytes]:
    """A batch of inputs: JSON Lines records are grouped a few to a file, as exports are."""
    out = []
    for _ in range(size):
        kind = rng.choices(["post", "record", "page"], [6, 5, 1])[0]
        if kind == "record":
            lines = rng.sample(seeds["record"], rng.randint(1, 5))
            out.append(b"\n".join(lines) + b"\n")
        else:
            out.append(rng.choice(seeds[kind]))
    return out


# --- running -----------------------------------------------------------------------------------


HANG_SECONDS = 1200


def _hung(signum: int, frame: object) -> None:
    raise TimeoutError(f"the batch did not end in {HANG_SECONDS} s")


OUTCOMES = {(True, False): "stored", (False, True): "problem only",
            (True, True): "stored and problems", (False, False): "NEITHER"}  # fmt: skip


def run_batch(
    inputs: list[tuple[bytes, str]], workdir: Path, workers: int
) -> tuple[Counter[str], list[str], float]:
    """Ingest one batch; return counts, tracebacks and seconds."""
    counts: Counter[str] = Counter()
    tracebacks: list[str] = []
    folder = workdir / "in"
    folder.mkdir()
    names = []
    for n, (data, suffix) in enumerate(inputs):
        name = f"i{n:05}{suffix if suffix != '.gz' else '.html.gz'}"
        (folder / name).write_bytes(data)
        names.append(str(folder / name))
    settings = load_settings(environ={}, overrides={"ingest.workers": workers})
    started = time.perf_counter()
    signal.signal(signal.SIGALRM, _hung)
    signal.alarm(HANG_SECONDS)  # a batch that hangs (a worker gone) is a lost batch, not the end
    try:
        with Store(workdir / "fuzz.db") as store:
            ingest(store, [str(folder)], settings)
    except Exception:
        tracebacks.append(traceback.format_exc())
        counts["lost batches"] += 1
        return counts, tracebacks, time.perf_counter() - started
    finally:
        signal.alarm(0)
    seconds = time.perf_counter() - started
    conn = sqlite3.connect(workdir / "fuzz.db")
    stored = {o.split("#", 1)[0] for (o,) in conn.execute(
        "SELECT origin FROM articles UNION SELECT origin FROM sightings")}  # fmt: skip
    problems: dict[str, list[str]] = {}
    for origin, reason in conn.execute("SELECT origin, reason FROM problems"):
        problems.setdefault(origin, []).append(reason)
        if reason.startswith(INTERNAL_ERROR):
            tracebacks.append(f"{origin}: {reason}")
    counts["articles"] += conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    counts["problems"] += conn.execute("SELECT count(*) FROM problems").fetchone()[0]
    conn.close()
    for name in names:
        counts["inputs"] += 1
        found = (name in stored, name in problems)
        counts[OUTCOMES[found]] += 1
        if found == (False, False):
            tracebacks.append(f"{name}: neither stored nor a problem")
    return counts, tracebacks, seconds


def main() -> int:
    p = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    p.add_argument("--inputs", type=int, default=100_000)
    p.add_argument("--batch", type=int, default=2000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--posts", type=int, default=3000, help="finescoop posts used as seeds")
    p.add_argument("--base", type=int, default=500, help="unmutated seeds ingested first")
    args = p.parse_args()
    if not SHARED.is_dir():
        print(f"../shared/corpora not found at {SHARED}", file=sys.stderr)
        return 2
    rng = random.Random(args.seed)
    seeds = load_seeds(rng, args.posts)
    print(
        f"seeds: {len(seeds['post'])} finescoop posts, {len(seeds['record'])} ECB+ records,"
        f" {len(seeds['page'])} aeb pages; {args.inputs} mutated inputs in batches of"
        f" {args.batch}, {args.workers} workers",
        flush=True,
    )
    # the same number of unmutated seeds first: the inputs/s the mutations are measured against
    base_inputs = [(d, suffix_of(d)) for d in batch_of(rng, seeds, min(args.base, args.inputs))]
    with tempfile.TemporaryDirectory() as tmp:
        base_counts, base_tb, base_s = run_batch(base_inputs, Path(tmp), args.workers)
    print(
        f"seeds unmutated: {base_counts['inputs']} inputs in {base_s:.1f} s"
        f" ({base_counts['inputs'] / base_s:.0f} inputs/s), {base_counts['stored']} stored,"
        f" {base_counts['problem only']} problems only, {len(base_tb)} tracebacks",
        flush=True,
    )
    totals: Counter[str] = Counter()
    mutations: Counter[str] = Counter()
    tracebacks: list[str] = []
    seconds = 0.0
    done = 0
    while done < args.inputs:
        size = min(args.batch, args.inputs - done)
        inputs = []
        for data in batch_of(rng, seeds, size):
            mutated, names = mutate(rng, data)
            mutations.update(names)
            inputs.append((mutated, rng.choice(SUFFIXES)))
        with tempfile.TemporaryDirectory() as tmp:
            counts, found, took = run_batch(inputs, Path(tmp), args.workers)
        totals.update(counts)
        tracebacks.extend(found)
        seconds += took
        done += size
        print(
            f"  {done:>7} inputs  {totals['stored'] + totals['stored and problems']:>7} stored"
            f"  {totals['problem only']:>7} problems only  {totals['NEITHER']} neither"
            f"  {len(tracebacks)} tracebacks  {done / seconds:.0f} inputs/s",
            flush=True,
        )
        for tb in found:
            print(tb, flush=True)
    print()
    print(f"inputs                {totals['inputs']}")
    print(f"stored (some or all)  {totals['stored'] + totals['stored and problems']}")
    print(f"  with problems too   {totals['stored and problems']}")
    print(f"problems only         {totals['problem only']}")
    print(f"neither               {totals['NEITHER']}")
    print(f"articles stored       {totals['articles']}")
    print(f"problems recorded     {totals['problems']}")
    print(f"lost batches          {totals['lost batches']}")
    print(f"tracebacks            {len(tracebacks)}")
    print(f"inputs/s              {totals['inputs'] / seconds:.0f} (unmutated seeds: "
          f"{base_counts['inputs'] / base_s:.0f})")  # fmt: skip
    print("mutations             " + ", ".join(f"{k} {v}" for k, v in mutations.most_common()))
    return 1 if tracebacks or totals["NEITHER"] else 0


if __name__ == "__main__":
    sys.exit(main())
