"""Watched sources: poll feeds and endpoints on their intervals and ingest what is new.

``data/sources.toml`` lists the sources (name, URL or local path/glob, format, column
mapping, poll interval, request headers). :func:`watch` polls each one when it is due:

- over HTTP with conditional requests (``If-None-Match`` / ``If-Modified-Since`` from the
  last answer; a 304 costs nothing), a timeout, a size cap per response (streamed, so a
  bigger answer is refused without being held), gzip, and retries with exponential backoff
  and jitter on errors, 429 and 5xx (a ``Retry-After`` is honoured, up to a cap);
- a local path or glob is read as it is (an unchanged file is skipped by its hash).

What arrives goes through :func:`dashboard.ingest.ingest`, which is atomic: a crash loses at
most the answer in flight, and items already stored are counted as duplicates. Each source's
state (validators, last success, last error, items added, next poll) is kept in the store as
``watch_state.json``; one log line is written per poll.
"""

from __future__ import annotations

import email.utils
import glob
import json
import logging
import os
import random
import tempfile
import time
import tomllib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pandas as pd

from .ingest import ingest
from .readers import FORMAT_ALIASES, FORMATS
from .store import Store, StoreError

log = logging.getLogger(__name__)

SOURCES_FILE = Path(__file__).resolve().parents[1] / "data" / "sources.toml"
STATE_FILE = "watch_state.json"
DEFAULT_INTERVAL = 900  # seconds: GDELT's own refresh is 15 minutes
MIN_INTERVAL = 30  # nobody's feed changes faster; a typo of "1" must not hammer a server
TIMEOUT = 30.0  # seconds per request (connect and each read)
MAX_BYTES = 50 * 1024 * 1024  # per response, after decompression
RETRIES = 3  # after the first attempt, on network errors, 429 and 5xx
BACKOFF = 2.0  # seconds, doubled per retry, plus up to as much again in jitter
MAX_RETRY_AFTER = 300.0  # seconds: a longer Retry-After waits for the next poll instead
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
USER_AGENT = "conflict-news-dashboard (watch)"


class SourceError(ValueError):
    """A sources file or one poll cannot be used: the message names the source."""


@dataclass(frozen=True)
class Source:
    name: str
    url: str
    format: str | None = None
    columns: dict = field(default_factory=dict)
    interval: int = DEFAULT_INTERVAL
    headers: dict = field(default_factory=dict)
    max_bytes: int = MAX_BYTES

    @property
    def is_http(self) -> bool:
        return urlsplit(self.url).scheme in ("http", "https")


@dataclass
class SourceState:
    etag: str | None = None
    last_modified: str | None = None
    last_poll: str | None = None
    last_success: str | None = None
    last_error: str | None = None
    last_status: int | None = None
    items_added: int = 0
    last_added: int = 0
    next_poll: float = 0.0  # epoch seconds


def load_sources(path: str | Path = SOURCES_FILE) -> list[Source]:
    """Read a sources file; ``SourceError`` names the file and the entry when malformed.

    Relative local paths are taken from the file's own folder.
    """
    path = Path(path)
    try:
        entries = tomllib.loads(path.read_text(encoding="utf-8")).get("source", [])
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SourceError(f"{path}: cannot read the sources file: {exc}") from None
    sources, names = [], set()
    for n, entry in enumerate(entries):
        where = f"{path}: source #{n + 1} ({entry.get('name', 'no name')})"
        source = _source(entry, path.parent, where)
        if source.name in names:
            raise SourceError(f"{where}: the name is used twice")
        names.add(source.name)
        sources.append(source)
    return sources


def _source(entry: dict, base: Path, where: str) -> Source:
    if not isinstance(entry.get("name"), str) or not entry["name"].strip():
        raise SourceError(f"{where}: needs a name")
    if not isinstance(entry.get("url"), str) or not entry["url"].strip():
        raise SourceError(f"{where}: needs a url (http(s) or a local path/glob)")
    fmt = entry.get("format")
    fmt = FORMAT_ALIASES.get(fmt, fmt) if fmt else None
    if fmt is not None and fmt not in FORMATS:
        raise SourceError(f"{where}: format {fmt!r} is not one of {', '.join(FORMATS)}")
    interval = entry.get("interval", DEFAULT_INTERVAL)
    if not isinstance(interval, int) or interval < MIN_INTERVAL:
        raise SourceError(f"{where}: interval must be whole seconds >= {MIN_INTERVAL}")
    for key in ("columns", "headers"):
        if not isinstance(entry.get(key, {}), dict):
            raise SourceError(f"{where}: {key} must be a table")
    url = entry["url"].strip()
    if urlsplit(url).scheme not in ("http", "https") and not Path(url).is_absolute():
        url = str(base / url)
    return Source(
        name=entry["name"].strip(),
        url=url,
        format=fmt,
        columns=dict(entry.get("columns", {})),
        interval=interval,
        headers={str(k): str(v) for k, v in entry.get("headers", {}).items()},
        max_bytes=int(entry.get("max_bytes", MAX_BYTES)),
    )


# -- state ------------------------------------------------------------------------------------
def load_state(store: Store) -> dict[str, SourceState]:
    path = store.root / STATE_FILE
    if not path.exists():
        return {}
    try:
        raw = json.loads(path.read_text("utf-8"))
        return {name: SourceState(**value) for name, value in raw.items()}
    except (OSError, ValueError, TypeError) as exc:
        log.warning("%s: unreadable watch state, starting afresh (%s)", path, exc)
        return {}


def save_state(store: Store, states: dict[str, SourceState]) -> None:
    """Write the state atomically (a crash leaves the old file or the new one)."""
    store.root.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=store.root, prefix=".watch-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump({name: asdict(s) for name, s in states.items()}, fh, indent=1)
    os.replace(tmp, store.root / STATE_FILE)


def status_table(store: Store) -> pd.DataFrame:
    """Each watched source's state, for the Data page: last poll and success, the items its
    last poll added and all it added, the last error, the next poll (UTC)."""
    rows = [
        {
            "source": name,
            "last_poll": s.last_poll,
            "last_success": s.last_success,
            "new_items": s.last_added,
            "items_added": s.items_added,
            "error": s.last_error,
            "next_poll": _stamp(s.next_poll) if s.next_poll else None,
        }
        for name, s in sorted(load_state(store).items())
    ]
    frame = pd.DataFrame(rows, columns=STATUS_COLUMNS)
    for column in ("last_poll", "last_success", "next_poll"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    return frame


STATUS_COLUMNS = [
    "source", "last_poll", "last_success", "new_items", "items_added", "error", "next_poll",
]  # fmt: skip


# -- fetching ---------------------------------------------------------------------------------
@dataclass
class Fetched:
    status: int
    path: Path | None  # the body on disk; None for 304
    etag: str | None = None
    last_modified: str | None = None


def fetch(
    client: httpx.Client,
    source: Source,
    state: SourceState,
    folder: Path,
    sleep: Callable[[float], None] = time.sleep,
) -> Fetched:
    """GET the source conditionally, retrying what may pass; the body goes to ``folder``."""
    headers = {"User-Agent": USER_AGENT, **source.headers}
    if state.etag:
        headers["If-None-Match"] = state.etag
    if state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    for attempt in range(RETRIES + 1):
        try:
            return _get(client, source, headers, folder)
        except _Retry as retry:
            if attempt == RETRIES:
                raise SourceError(
                    f"{source.name}: {retry.reason} (after {RETRIES} retries)"
                ) from None
            sleep(retry.after if retry.after is not None else _backoff(attempt))
        except httpx.HTTPError as exc:
            if attempt == RETRIES:
                raise SourceError(f"{source.name}: {type(exc).__name__}: {exc}") from None
            sleep(_backoff(attempt))
    raise AssertionError("unreachable")


class _Retry(Exception):
    def __init__(self, reason: str, after: float | None = None):
        super().__init__(reason)
        self.reason, self.after = reason, after


def _backoff(attempt: int) -> float:
    """Exponential backoff with full jitter: 2-4 s, 4-8 s, 8-16 s."""
    base = BACKOFF * 2**attempt
    return base + random.uniform(0, base)


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date), capped."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        seconds = (when - datetime.now(UTC)).total_seconds()
    if seconds > MAX_RETRY_AFTER:
        raise SourceError(f"server asks to wait {seconds:.0f}s: skipped until the next poll")
    return max(0.0, seconds)


def _get(client: httpx.Client, source: Source, headers: dict, folder: Path) -> Fetched:
    with client.stream("GET", source.url, headers=headers) as response:
        if response.status_code == 304:
            return Fetched(304, None, state_etag(response), response.headers.get("Last-Modified"))
        if response.status_code in RETRY_STATUSES:
            after = _retry_after(response.headers.get("Retry-After"))
            raise _Retry(f"HTTP {response.status_code}", after)
        if response.status_code != 200:
            raise SourceError(f"{source.name}: HTTP {response.status_code}")
        declared = int(response.headers.get("Content-Length") or 0)
        if declared > source.max_bytes and "Content-Encoding" not in response.headers:
            raise SourceError(f"{source.name}: answer of {declared:,} bytes is over the cap")
        path = folder / _file_name(source)
        size = 0
        with path.open("wb") as out:
            for block in response.iter_bytes():  # decompressed as it streams
                size += len(block)
                if size > source.max_bytes:
                    raise SourceError(
                        f"{source.name}: answer over {source.max_bytes:,} bytes; refused"
                    )
                out.write(block)
        return Fetched(200, path, state_etag(response), response.headers.get("Last-Modified"))


def state_etag(response: httpx.Response) -> str | None:
    return response.headers.get("ETag")


def _file_name(source: Source) -> str:
    """The source's name as the file's (the store's dataset is the file's name), with the
    URL's extension so format detection can break ties."""
    stem = "".join(c if c.isalnum() or c in "-_" else "_" for c in source.name)
    suffix = Path(urlsplit(source.url).path).suffix.lower()
    return stem + (suffix if suffix in (".csv", ".json", ".jsonl", ".xml", ".txt") else "")


# -- polling ----------------------------------------------------------------------------------
def poll(
    source: Source,
    state: SourceState,
    store: Store,
    client: httpx.Client,
    *,
    as_of=None,
    now: Callable[[], float] = time.time,
    sleep: Callable[[float], None] = time.sleep,
) -> str:
    """Poll one source once, ingest what it gave, update ``state``; return the log line."""
    started = now()
    state.last_poll = _stamp(started)
    state.next_poll = started + source.interval
    try:
        with tempfile.TemporaryDirectory(prefix="watch-") as folder:
            paths, status = _paths(source, state, client, Path(folder), sleep)
            state.last_status = status
            added = 0
            if paths:
                summary = ingest(
                    paths,
                    store=store,
                    as_of=as_of,
                    format=source.format,
                    columns=source.columns or None,
                    discover=False,
                )
                added = summary.new
        state.last_success = _stamp(now())
        state.last_error = None
        state.items_added += added
        state.last_added = added
        what = "not modified" if status == 304 else f"{added} new item(s)"
        return f"{source.name}: {what}; next poll in {source.interval}s"
    except (SourceError, StoreError, OSError, ValueError) as exc:  # another writer, too
        state.last_error = str(exc)
        state.last_added = 0
        return f"{source.name}: error: {exc}; next poll in {source.interval}s"


def _paths(source, state, client, folder, sleep) -> tuple[list[Path], int | None]:
    if not source.is_http:
        paths = sorted(Path(p) for p in glob.glob(source.url) if Path(p).is_file())
        if not paths:
            raise SourceError(f"{source.name}: no file matches {source.url}")
        return paths, None
    fetched = fetch(client, source, state, folder, sleep)
    state.etag = fetched.etag or state.etag
    state.last_modified = fetched.last_modified or state.last_modified
    return ([fetched.path] if fetched.path else []), fetched.status


def _stamp(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds")


def watch(
    sources: list[Source],
    store: Store | str | Path,
    *,
    once: bool = False,
    as_of=None,
    client: httpx.Client | None = None,
    now: Callable[[], float] = time.time,
    sleep: Callable[[float], None] = time.sleep,
    echo: Callable[[str], None] = print,
) -> dict[str, SourceState]:
    """Poll every source when due, for ever (``once``: each source once, then return)."""
    if not sources:
        raise SourceError("no sources to watch: the sources file lists none")
    store = store if isinstance(store, Store) else Store(store)
    own_client = client is None
    client = client or httpx.Client(timeout=TIMEOUT, follow_redirects=True)
    states = load_state(store)
    try:
        while True:
            for source in sources:
                state = states.setdefault(source.name, SourceState())
                if once or state.next_poll <= now():
                    echo(
                        f"{_stamp(now())} {poll(source, state, store, client, as_of=as_of, now=now, sleep=sleep)}"
                    )
                    save_state(store, states)
            if once:
                return states
            due = min(states[s.name].next_poll for s in sources)
            sleep(max(1.0, due - now()))
    finally:
        if own_client:
            client.close()
