"""What every reader yields, and the errors they raise.

A reader turns one file into a stream of :class:`Record` (a raw item, fields still as
written) and :class:`Reject` (a record set aside, with its reason). Parsing dates, ids and
duplicates is the normaliser's job, not the reader's.
"""

from __future__ import annotations

import codecs
import logging
from dataclasses import dataclass, field
from pathlib import Path

import charset_normalizer

log = logging.getLogger(__name__)

# Legacy encodings of news exports, most common first (Western, Cyrillic, Central European).
COMMON_ENCODINGS = ("cp1252", "cp1251", "koi8_r", "koi8_u", "cp1250", "latin_1", "iso8859_15")
# How much of a record a reject keeps for inspection.
RAW_PREVIEW = 300


class InputError(ValueError):
    """A whole file cannot be read: the message names the file and what is wrong."""


@dataclass
class Record:
    """One raw item as the file gives it; ``record`` is its 0-based position in the file."""

    record: int
    text: str | None
    title: str | None = None
    published: object = None  # str, number or datetime: parsed by the normaliser
    url: str | None = None
    source: str | None = None
    source_id: str | None = None
    lat: object = None
    lon: object = None
    # casualty counts in the record's own columns, as written (dashboard/reference.py)
    counts: dict = field(default_factory=dict)


@dataclass
class Reject:
    record: int | None
    reason: str
    raw: str = ""


def decode(path: Path, data: bytes) -> str:
    """Bytes -> text: BOMs honoured, UTF-8 preferred, else the detected legacy encoding.

    News exports come in cp1251/cp1252/latin-1 often enough (UCDP's own CSV is cp1252) that
    refusing them would refuse real data; a guess is logged so the user can tell.
    """
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(encoding)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    matches = charset_normalizer.from_bytes(data[:200_000])
    if not matches:
        raise InputError(f"{path}: not text in any encoding we know (binary file?)")
    # Several legacy code pages decode the same bytes without error; among the plausible
    # ones, take the encoding news exports actually use (a short Ukrainian text scores as
    # Kazakh kz1048 otherwise, UCDP's English cp1252 as cp1250).
    plausible = [m.encoding for m in matches]
    encoding = next((e for e in COMMON_ENCODINGS if e in plausible), plausible[0])
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: cannot decode as UTF-8 or {encoding}: {exc}") from None
    log.warning("%s: not UTF-8; read as %s", path, encoding)
    return text


def clean_str(value: object) -> str | None:
    """A field as a stripped string, or None when empty/missing."""
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # NaN
        return None
    text = str(value).strip()
    return text or None
