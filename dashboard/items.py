"""Files -> items frames, in chunks: the entry point of the data flow.

``iter_item_chunks`` streams any number of files as typed item chunks (with the rejects
set aside), so an ingest of a million items never holds them all; ``read_items`` is the
in-memory convenience for notebooks.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .extractors.scope import load_scope_rules
from .normalise import collapse_duplicates, dataset_name, records_to_frame, to_reference_date
from .readers import InputError, Record, Reject, iter_records
from .reference import reference_figures
from .schema import CASUALTIES, ITEMS, REJECTS, validate

log = logging.getLogger(__name__)

CHUNK_SIZE = 20_000


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

    Duplicates are collapsed within a chunk only; the caller (``read_items`` or the store)
    collapses across chunks.
    """
    reference = to_reference_date(as_of)
    report = report if report is not None else ReadReport()
    for path in input_paths(path_or_paths):
        name = str(path)
        records: list[Record] = []
        rejects: list[Reject] = []
        try:
            for rec in iter_records(path, format=format, columns=columns):
                if isinstance(rec, Reject):
                    rejects.append(rec)
                    continue
                if not rec.text or not rec.text.strip():
                    rejects.append(Reject(rec.record, "record has no text"))
                    continue
                records.append(rec)
                if len(records) >= chunk_size:
                    yield _chunk(name, records, rejects, reference, report)
                    records, rejects = [], []
        except InputError as exc:
            report.failed_files.append(name)
            rejects.append(Reject(None, str(exc)))
            log.error("%s", exc)
        if records or rejects:
            yield _chunk(name, records, rejects, reference, report)


def _chunk(name, records, rejects, reference, report) -> Chunk:
    items = (
        records_to_frame(records, file=name, as_of=reference, default_source=Path(name).stem)
        if records
        else ITEMS.empty()
    )
    report.read += len(records)
    report.rejected += len(rejects)
    figures, set_aside = reference_figures(
        records, items, dataset=dataset_name(name), war_start=load_scope_rules().war_start
    )
    rejects = [*rejects, *set_aside]  # counts set aside: their records still load
    for r in rejects:
        where = f"record {r.record}" if r.record is not None else "file"
        log.warning("%s: %s: %s", name, where, r.reason)
    rejected = pd.DataFrame(
        {
            "file": name,
            "record": [r.record for r in rejects],
            "reason": [r.reason for r in rejects],
            "raw": [r.raw for r in rejects],
        }
    )
    figures = validate(figures, CASUALTIES) if len(figures) else CASUALTIES.empty()
    return Chunk(name, collapse_duplicates(items), validate(rejected, REJECTS), figures)


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
    be read are logged and left out; a file that cannot be read at all raises
    :class:`~dashboard.readers.InputError` when it is the only input.

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
    if paths and len(report.failed_files) == len(paths):
        raise InputError("; ".join(c.rejects["reason"].iloc[0] for c in chunks))
    frames = [c.items for c in chunks if not c.items.empty]
    if not frames:
        return ITEMS.empty()
    return collapse_duplicates(pd.concat(frames, ignore_index=True))
