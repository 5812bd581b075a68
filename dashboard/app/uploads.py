"""Uploading and ingesting files from the Data page: off unless the app is started with
``DASHBOARD_UPLOADS=1``, and then capped in size.

Anyone who can open the app could otherwise add data to its store. Each uploaded file is
ingested inside its own error boundary; what goes wrong is said in one line naming the
file and the problem, never as a traceback or with a server path (the traceback goes to
the server's log).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.scriptrunner import get_script_run_ctx

from ..ingest import ingest
from ..store import Store
from . import layout
from .markup import escape_markdown, plain

log = logging.getLogger(__name__)

# "1" (or true/yes/on) turns uploading and ingesting from the app on; anything else, off.
UPLOADS_ENV = "DASHBOARD_UPLOADS"
ON_VALUES = ("1", "true", "yes", "on")
# Largest file accepted, in MB (also capped by Streamlit's server.maxUploadSize).
UPLOAD_MB_ENV = "DASHBOARD_UPLOAD_MAX_MB"
DEFAULT_UPLOAD_MB = 50
MB = 1024 * 1024  # Streamlit's megabyte
# A stored file name: at most this many bytes (file systems allow 255).
NAME_BYTES = 200
FALLBACK_NAME = "upload"
# Control characters, left out of a file name (so are bidirectional controls: the name is
# shown on the page and in the store's rejects).
NAME_JUNK = re.compile(r"[\x00-\x1f\x7f]")
# An absolute server path in a message (the temporary upload folder, a library's file).
SERVER_PATH = re.compile(r"(?<![\w:/.~-])/(?:[^\s/'\"]+/)+([^\s/'\":]*)")
# A problem line is cut here.
LINE_LIMIT = 300

OFF_NOTICE = """\
**Uploading files is off.** Anyone who can open this app could add data to its store, so
it is off unless the app is started with `DASHBOARD_UPLOADS=1`, for example
`DASHBOARD_UPLOADS=1 make run`; files are then accepted up to `DASHBOARD_UPLOAD_MAX_MB`
MB each (default {default}). Without it, add files on the command line:
`python -m dashboard ingest FILE... --store STORE` (the app's `DASHBOARD_STORE`).
"""


def enabled() -> bool:
    """Whether the app was started with uploads on (read on every run)."""
    return os.environ.get(UPLOADS_ENV, "").strip().lower() in ON_VALUES


def limit_mb() -> int:
    """The largest file accepted, in MB: ``DASHBOARD_UPLOAD_MAX_MB`` (default 50), never
    more than Streamlit's ``server.maxUploadSize``."""
    try:
        wanted = int(os.environ.get(UPLOAD_MB_ENV, DEFAULT_UPLOAD_MB))
    except ValueError:
        wanted = DEFAULT_UPLOAD_MB
    server = int(st.get_option("server.maxUploadSize"))
    return max(1, min(wanted if wanted > 0 else DEFAULT_UPLOAD_MB, server))


def safe_name(raw: str) -> str:
    """An uploaded file's name, fit to store and show: its last path component, without
    control or bidirectional characters, at most ``NAME_BYTES`` long (its extension
    kept); ``..``, ``.`` and empty names become ``upload``."""
    name = plain(NAME_JUNK.sub("", re.split(r"[\\/]", str(raw))[-1])).strip()
    if not name.strip("."):
        return FALLBACK_NAME
    if len(name.encode()) > NAME_BYTES:
        ext = "".join(Path(name).suffixes[-2:])[-20:]
        stem = name[: len(name) - len(ext)]
        while stem and len((stem + ext).encode()) > NAME_BYTES:
            stem = stem[:-1]
        name = (stem or FALLBACK_NAME) + ext
    return name


def problem_line(text: str, replace: dict[str, str] | None = None) -> str:
    """``text`` as one line for the page: the given server paths replaced (longest
    first), any other absolute path cut to its last part, whitespace collapsed, cut to
    ``LINE_LIMIT`` characters."""
    for old in sorted(replace or {}, key=len, reverse=True):
        if old:
            text = text.replace(old, (replace or {})[old])
    text = SERVER_PATH.sub(lambda m: m.group(1) or "…", text)
    line = " ".join(text.split())
    return line if len(line) <= LINE_LIMIT else line[: LINE_LIMIT - 1] + "…"


def too_big(upload, limit: int) -> str | None:
    """The problem with an upload larger than ``limit`` MB, or None."""
    size = getattr(upload, "size", None)
    if size is None:
        size = len(upload.getbuffer())
    if size > limit * MB:
        return f"{size / MB:,.1f} MB, more than the {limit} MB a file may have; not ingested"
    return None


def off_notice() -> str:
    """What the Data page says when uploads are off: why, and how to turn them on."""
    return OFF_NOTICE.format(default=DEFAULT_UPLOAD_MB)


# The picker's key is new after each ingest: Streamlit keeps the files a picker holds (in
# the server's memory) until the picker is gone, so files already ingested would stay there
# for the whole session (three 195 MB uploads held 1.5 GB). The first picker is "uploads".
ROUND = "upload_round"


def picker_key() -> str:
    n = st.session_state.get(ROUND, 0)
    return "uploads" if n == 0 else f"uploads-{n}"


def release_picked(files: list) -> None:
    """Let the ingested files go: out of the server's upload store (as Streamlit's own chat
    input does with its files), and a fresh, empty picker on the next run."""
    ctx = get_script_run_ctx()
    manager = getattr(ctx, "uploaded_file_mgr", None)
    if isinstance(manager, MemoryUploadedFileManager):
        for upload in files:
            manager.remove_file(session_id=ctx.session_id, file_id=upload.file_id)
    st.session_state[ROUND] = st.session_state.get(ROUND, 0) + 1


def picker() -> list:
    """The file picker, capped at :func:`limit_mb` a file; the files picked."""
    limit = limit_mb()
    return st.file_uploader(
        "Files: plain-text digests, CSV, JSON/JSONL, RSS/Atom (the format is detected)",
        accept_multiple_files=True,
        key=picker_key(),
        max_upload_size=limit,
        help=f"Up to {limit} MB a file.",
    )


def ingest_uploads(files: list, store: Store, as_of: str) -> None:
    """Ingest each uploaded file into ``store`` inside its own error boundary, and say
    what came of each in one line naming it; rejected records in a table."""
    limit = limit_mb()
    bar = st.progress(0.0, text="starting")
    done: list[tuple[str, str, object]] = []  # (name, server path, summary)
    with tempfile.TemporaryDirectory(prefix="upload-") as tmp:
        for n, upload in enumerate(files):
            name = safe_name(upload.name)
            bar.progress(
                n / len(files), text=escape_markdown(f"ingesting {name} ({n + 1}/{len(files)})")
            )
            problem = too_big(upload, limit)
            if problem:
                st.error(escape_markdown(f"{name}: {problem}"))
                continue
            folder = Path(tmp) / str(n)  # one folder each: two uploads may share a name
            path = folder / name
            try:
                folder.mkdir()
                upload.seek(0)
                with path.open("wb") as out:
                    shutil.copyfileobj(upload, out, MB)
                summary = ingest([path], store=store, as_of=as_of)
            except Exception as exc:  # noqa: BLE001 - one file's failure, said in one line
                log.exception("upload %s was not ingested", name)
                said = problem_line(
                    str(exc) or type(exc).__name__,
                    {f"{path}: ": "", str(path): name, tmp: "", **_store_paths(store)},
                )
                st.error(escape_markdown(f"{name}: not ingested: {said}"))
                continue
            done.append((name, str(path), summary))
    bar.progress(1.0, text="done")
    release_picked(files)
    if not done:
        return
    rejects = store.frame("rejects")
    rejects = rejects[rejects["file"].isin([p for _, p, _ in done])]
    for name, path, summary in done:
        mine = rejects[rejects["file"] == path]
        if path in summary.failed_files:  # the whole file could not be read: its reason
            reasons = mine.loc[mine["record"].isna(), "reason"].tolist() or ["unreadable"]
            said = problem_line(reasons[0], {f"{path}: ": "", path: name})
            st.error(escape_markdown(f"{name}: not ingested: {said}"))
        else:
            st.success(escape_markdown(f"{name}: {summary.line()}"))
    records = rejects[rejects["record"].notna()]
    if not records.empty:
        names = {p: n for n, p, _ in done}
        st.warning(f"{len(records):,} record(s) rejected")
        layout.table(shown_rejects(records, names))


def _store_paths(store: Store) -> dict[str, str]:
    """The store's paths as they may appear in a message -> "the store"."""
    return {str(store.root.resolve()): "the store", str(store.root): "the store"}


def shown_rejects(rejects: pd.DataFrame, names: dict[str, str] | None = None) -> pd.DataFrame:
    """Rejected records as the page shows them: each file by its name (an upload's by
    the name it was uploaded as), never a server path."""
    shown = {f: (names or {}).get(f, Path(str(f)).name) for f in set(rejects["file"])}
    return rejects.assign(
        file=rejects["file"].map(shown),
        reason=[
            problem_line(str(r), {f"{f}: ": "", str(f): shown[f]})
            for f, r in zip(rejects["file"], rejects["reason"], strict=True)
        ],
    )
