"""Files -> items frames, in chunks: the entry point of the data flow.

``iter_item_chunks`` streams any number of files as typed item chunks (with the rejects
set aside), so an ingest of a million items never holds them all; ``read_items`` is the
in-memory convenience for notebooks.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import pandas as pd

from .extractors.scope import load_scope_rules
from .normalise import collapse_duplicates, dataset_name, records_to_frame, to_reference_date
from .readers import InputError, Record, Reject, iter_records
from .readers.base import printable, record_problem
from .reference import reference_figures
from .schema import CASUALTIES, ITEMS, REJECTS, validate

log = logging.getLogger(__name__)

CHUNK_SIZE = 20_000
# Characters of text (and titles) a chunk holds at most: records may be up to
# readers.base.MAX_RECORD_CHARS long, and 20,000 of those would not fit in memory.
CHUNK_CHARS = 32_000_000


@dataclass
class Chunk:
    """Items of one file (at most ``CHUNK_SIZE`` records), the records set aside, and the
    casualty counts the records carry in their own columns (``reference.py``)."""

    file: str
    items: pd.DataFrame
    rejects: pd.DataFrame
    figures: pd.DataFrame = field(default_factory=CASUALTIES.empty)


@dataclass
class ReadReport:
    read: int = 0
    rejected: int = 0
    failed_files: list[str] = field(default_factory=list)


def input_paths(path_or_paths) -> list[Path]:
    """The files to read: paths as given, folders expanded (recursively, no dotfiles)."""
    if isinstance(path_or_paths, str | Path):
        path_or_paths = [path_or_paths]
    paths: list[Path] = []
    for p in map(Path, path_or_paths):
        if p.is_dir():
            paths.extend(
                sorted(q for q in p.rglob("*") if q.is_file() and not q.name.startswith("."))
            )
        else:
            paths.append(p)
    return paths


def iter_item_chunks(
    path_or_paths,
    *,
    as_of=None,
    format: str | None = None,
    columns: dict | None = None,
    chunk_size: int = CHUNK_SIZE,
    report: ReadReport | None = None,
) -> Iterator[Chunk]:
    """Yield typed item chunks per file; a file that cannot be read at all yields one reject.

    Every record is read and normalised inside its own boundary: whatever goes wrong with
    one (an exception of a reader, of the normaliser, of the reference figures) becomes a
    reject naming the file, the record and the reason, and the other records and files
    load. A reader that fails part-way ends its file (the rest is one reject) and the file
    is listed in ``report.failed_files``, so an ingest does not count it as ingested.

    A chunk holds at most ``chunk_size`` records and about ``CHUNK_CHARS`` characters of
    text, so memory stays bounded whatever the records' length. Duplicates are collapsed
    within a chunk only; the caller (``read_items`` or the store) collapses across chunks.
    """
    reference = to_reference_date(as_of)
    report = report if report is not None else ReadReport()
    for path in input_paths(path_or_paths):
        name = str(path)
        records: list[Record] = []
        rejects: list[Reject] = []
        chars = 0
        last = None  # the last record read, to say where a failing reader stopped
        try:
            for rec in iter_records(path, format=format, columns=columns):
                last = rec.record
                if isinstance(rec, Reject):
                    rejects.append(rec)
                    continue
                problem = _problem(rec)
                if problem:
                    rejects.append(Reject(rec.record, problem))
                    continue
                records.append(rec)
                chars += len(rec.text) + len(rec.title or "")
                if len(records) >= chunk_size or chars >= CHUNK_CHARS:
                    yield _chunk(name, records, rejects, reference, report)
                    records, rejects, chars = [], [], 0
        except InputError as exc:
            report.failed_files.append(name)
            rejects.append(Reject(None, str(exc)))
            log.error("%s", exc)
        except Exception as exc:  # noqa: BLE001 - a reader's bug costs the rest of this file only
            report.failed_files.append(name)
            where = "the start" if last is None else f"record {last}"
            rejects.append(
                Reject(
                    None,
                    f"reading stopped after {where} ({type(exc).__name__}: {exc}); the rest "
                    "of the file was not read",
                )
            )
            log.error("%s: reading stopped: %r", name, exc)
        if records or rejects:
            yield _chunk(name, records, rejects, reference, report)


def _problem(rec: Record) -> str | None:
    if not isinstance(rec.text, str) or not rec.text.strip():
        return "record has no text"
    return record_problem(rec)


def _chunk(name, records, rejects, reference, report) -> Chunk:
    items, records, failed = _normalise(name, records, reference)
    rejects = [*rejects, *failed]
    report.read += len(records)
    report.rejected += len(rejects)
    figures, set_aside = _figures(name, records, items)
    rejects = [*rejects, *set_aside]  # counts set aside: their records still load
    for r in rejects:
        where = f"record {r.record}" if r.record is not None else "file"
        log.warning("%s: %s: %s", name, where, r.reason)
    rejected = pd.DataFrame(
        {
            "file": name,
            "record": [r.record for r in rejects],
            # a reason or preview may quote undecodable text: shown, never stored, as U+FFFD
            "reason": [printable(str(r.reason)) for r in rejects],
            "raw": [printable(str(r.raw or "")) for r in rejects],
        }
    )
    figures = validate(figures, CASUALTIES) if len(figures) else CASUALTIES.empty()
    return Chunk(name, collapse_duplicates(items), validate(rejected, REJECTS), figures)


def _normalise(name: str, records: list[Record], reference) -> tuple[pd.DataFrame, list, list]:
    """(items, the records they come from, rejects): the chunk normalised at once, and when
    that fails, each record on its own to find the ones that cannot be; the others are then
    normalised together again (date rules such as day-first look at the whole chunk)."""
    if not records:
        return ITEMS.empty(), records, []
    normalise = partial(
        records_to_frame, file=name, as_of=reference, default_source=Path(name).stem
    )
    try:
        return normalise(records), records, []
    except Exception:  # noqa: BLE001 - find the record(s) at fault below
        pass
    good, failed = [], []
    for rec in records:
        try:
            normalise([rec])
            good.append(rec)
        except Exception as exc:  # noqa: BLE001 - this record's reject
            failed.append(Reject(rec.record, f"cannot normalise: {type(exc).__name__}: {exc}"))
    if not good:
        return ITEMS.empty(), good, failed
    try:
        return normalise(good), good, failed
    except Exception:  # noqa: BLE001 - together they still fail: one frame per record
        frames = [normalise([rec]) for rec in good]
        return validate(pd.concat(frames, ignore_index=True), ITEMS), good, failed


def _figures(name: str, records: list[Record], items: pd.DataFrame):
    """``reference_figures`` of the chunk; when that fails, record by record, and a record
    whose figures cannot be made loses them (a reject saying so), not its item."""
    options = {"dataset": dataset_name(name), "war_start": load_scope_rules().war_start}
    if not records:
        return CASUALTIES.empty(), []
    try:
        return reference_figures(records, items, **options)
    except Exception:  # noqa: BLE001 - find the record(s) at fault below
        pass
    frames, set_aside = [], []
    for i, rec in enumerate(records):
        try:
            figures, rejects = reference_figures([rec], items.iloc[[i]], **options)
        except Exception as exc:  # noqa: BLE001 - this record's counts only
            reason = f"counts set aside, record kept: {type(exc).__name__}: {exc}"
            set_aside.append(Reject(rec.record, reason))
            continue
        frames.append(figures)
        set_aside.extend(rejects)
    frames = [f for f in frames if len(f)]
    return (pd.concat(frames, ignore_index=True) if frames else CASUALTIES.empty()), set_aside


def read_items(
    path_or_paths: str | Path | Iterable[str | Path],
    *,
    as_of=None,
    format: str | None = None,
    columns: dict | None = None,
) -> pd.DataFrame:
    """Read files of any supported format into one items frame.

    Parameters
    ----------
    path_or_paths : a path, a directory (read recursively) or several of them.
    as_of : reference date for relative dates in items without a publication date
        (e.g. ``"2024-11-15"`` for a digest); defaults to today.
    format : force ``digest``, ``csv``, ``json``, ``jsonl`` or ``feed`` instead of detecting.
    columns : explicit field mapping for tabular files, e.g. ``{"text": "body"}``.

    Exact duplicates collapse into one row (``n_copies``, ``sources``). Records that cannot
    be read are logged and left out; when no file can be read at all,
    :class:`~dashboard.readers.InputError` says why.

    Examples
    --------
    >>> items = read_items("data/samples", as_of="2024-11-15")  # doctest: +SKIP
    >>> items[["item_id", "title", "n_words"]].head()  # doctest: +SKIP
    """
    paths = input_paths(path_or_paths)
    report = ReadReport()
    chunks = list(
        iter_item_chunks(paths, as_of=as_of, format=format, columns=columns, report=report)
    )
    if paths and len(report.failed_files) == len(paths) and not report.read:
        # Nothing could be read from any file: say why, file by file.
        reasons = [r for c in chunks for r in c.rejects.loc[c.rejects["record"].isna(), "reason"]]
        raise InputError("; ".join(reasons))
    frames = [c.items for c in chunks if not c.items.empty]
    if not frames:
        return ITEMS.empty()
    return collapse_duplicates(pd.concat(frames, ignore_index=True))
