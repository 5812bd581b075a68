"""What every reader yields, the errors they raise, and the limits they keep.

A reader turns one file into a stream of :class:`Record` (a raw item, fields still as
written) and :class:`Reject` (a record set aside, with its reason). Parsing dates, ids and
duplicates is the normaliser's job, not the reader's.

Limits (each documented where it is used, collected here):

- ``MAX_RECORD_CHARS`` (10,000,000 characters): the most one record may hold — a CSV row
  with all its lines, a JSON value, a JSONL line, a digest item. A longer one is rejected
  with its length and skipped without ever being held whole, so a 1 GB one-line file costs
  no more memory than a 10 MB one.
- ``RAW_PREVIEW`` (300 characters): how much of a rejected record its reject keeps.
"""

from __future__ import annotations

import codecs
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import charset_normalizer

log = logging.getLogger(__name__)

# Legacy encodings of news exports, most common first (Western, Cyrillic, Central European).
COMMON_ENCODINGS = ("cp1252", "cp1251", "koi8_r", "koi8_u", "cp1250", "latin_1", "iso8859_15")
# How much of a record a reject keeps for inspection.
RAW_PREVIEW = 300
# The most characters one record may hold (see the module docstring). Read at call time,
# so tests may lower it.
MAX_RECORD_CHARS = 10_000_000
# Bytes a decoder could not read become lone surrogates U+DC00..U+DCFF (one per byte, like
# Python's "surrogateescape", which cannot escape bytes below 0x80 as UTF-16 needs): no
# valid text holds a lone surrogate, so a record that does is known to be damaged, and
# nothing damaged reaches the store (Parquet refuses lone surrogates).
FLAG_ERRORS = "dashboard-flag"
SURROGATE = re.compile(r"[\ud800-\udfff]")
# The fields a Record holds as text.
TEXT_FIELDS = ("text", "title", "url", "source", "source_id")


def _flag_undecodable(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    bad = exc.object[exc.start : exc.end]
    return "".join(chr(0xDC00 + b) for b in bad), exc.end


codecs.register_error(FLAG_ERRORS, _flag_undecodable)


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


def printable(text: str) -> str:
    """``text`` with lone surrogates (undecodable bytes, ``"\\ud800"`` escapes) shown as
    U+FFFD, so a reject's reason and preview can always be stored and printed."""
    return SURROGATE.sub("\ufffd", text)


def preview(text: str) -> str:
    return printable(text[:RAW_PREVIEW])


def record_problem(rec: Record) -> str | None:
    """Why a record cannot be stored as it is (a text field that is not valid Unicode text),
    or None. Every reader's records pass through this check in ``items.iter_item_chunks``."""
    for name in TEXT_FIELDS:
        value = getattr(rec, name)
        if value is None:
            continue
        if not isinstance(value, str):
            return f"{name} is {_kind(value)}, not text"
        found = SURROGATE.search(value)
        if found:
            return (
                f"{name} holds an unpaired surrogate (\\u{ord(found.group()):04x}), "
                "which is not valid Unicode"
            )
    return None


def text_field(value: object) -> str | None:
    """A text field as a stripped string, or None when empty/missing.

    Numbers are kept as their decimal text (an id of 77, a title of 1917: JSON exports
    write both as numbers); true/false, lists and objects are no text and raise
    ``TypeError`` saying what they are, so the record is rejected with that reason.
    """
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{_kind(value)}, not text")
    if isinstance(value, float) and value != value:  # NaN: an empty cell
        return None
    return str(value)


def clean_str(value: object) -> str | None:
    """A field as a stripped string, or None when empty/missing (any value: ``str()``)."""
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # NaN
        return None
    text = str(value).strip()
    return text or None


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    return f"a {type(value).__name__}"


def decode(path: Path, data: bytes) -> str:
    """Bytes -> text: BOMs honoured, UTF-8 preferred, else the detected legacy encoding.

    The whole-file form of what the readers do line by line (``readers.stream``); kept for
    scripts that hold a small file in memory anyway (scripts/build_ucdp_extract.py).
    News exports come in cp1251/cp1252/latin-1 often enough (UCDP's own CSV is cp1252) that
    refusing them would refuse real data; a guess is logged so the user can tell.
    """
    from .stream import bom_encoding, wide_encoding

    encoding = bom_encoding(data) or wide_encoding(data[:65536])
    if encoding:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: cannot decode as {encoding}: {exc}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    encoding = legacy_encoding(path, data[:200_000])
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: cannot decode as UTF-8 or {encoding}: {exc}") from None
    log.warning("%s: not UTF-8; read as %s", path, encoding)
    return text


def legacy_encoding(path: Path, sample: bytes) -> str:
    """The legacy code page ``sample`` (text that is not UTF-8) is most likely written in;
    ``InputError`` when it is no text in any encoding we know."""
    plausible = [m.encoding for m in charset_normalizer.from_bytes(sample)]
    # Several legacy code pages decode the same bytes without error; among the plausible
    # ones, take the encoding news exports actually use (a short Ukrainian text scores as
    # Kazakh kz1048 otherwise, UCDP's English cp1252 as cp1250).
    common = next((e for e in COMMON_ENCODINGS if e in plausible), None)
    if common:
        return common
    # A few lines of KOI8-U can score best as Shift_JIS: asked about the common code pages
    # alone, the detector names KOI8-U, while real CJK text fits none of them.
    matches = charset_normalizer.from_bytes(sample, cp_isolation=list(COMMON_ENCODINGS))
    if matches:
        return matches[0].encoding
    if not plausible:
        raise InputError(f"{path}: not text in any encoding we know (binary file?)")
    return plausible[0]
