"""Input files as streams: bytes (gzip decompressed on the fly), their text encoding, and
lines of bounded length.

Nothing here holds a file in memory: bytes are read in blocks of ``BLOCK`` and text
through ``io.TextIOWrapper``, which decodes incrementally.

Encodings, decided once per file and applied line by line:

- a BOM names UTF-8, UTF-16 or UTF-32; without one, UTF-16/32 are recognised by where their
  zero bytes fall in the first ``HEAD_BYTES`` (``wide_encoding``);
- otherwise the whole stream is checked as UTF-8 in one pass (``survey``). When some bytes
  are not UTF-8, the file is still UTF-8 if at least as many of its lines (or ``SEGMENT``
  bytes of a longer line) with non-ASCII bytes are valid UTF-8 as are not; each line
  holding bytes that are not is then rejected (its record, not the file): reading the file
  in a legacy code page instead would garble every valid line silently. Otherwise the file
  is in a legacy code page, detected from the invalid lines (in legacy text, non-ASCII
  bytes seldom form UTF-8, and never whole lines of it).
- Bytes the chosen encoding cannot decode become lone surrogates (``base.FLAG_ERRORS``), so
  the readers can reject exactly the records that hold them, naming the line.
"""

from __future__ import annotations

import codecs
import io
import unicodedata
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from . import base
from .base import FLAG_ERRORS, RAW_PREVIEW, InputError

GZIP_MAGIC = b"\x1f\x8b"
# Bytes read at a time from a file or produced at a time by the decompressor.
BLOCK = 1 << 20
# The start of a file that format and wide-encoding detection look at.
HEAD_BYTES = 1 << 16
# At most this much of the blocks that are not UTF-8 is kept to guess their code page.
LEGACY_SAMPLE = 200_000
# Lines are judged in segments of at most this many bytes (a JSON file may be one line).
SEGMENT = 4096
# BOMs, UTF-32 before UTF-16 (the UTF-32-LE BOM starts with the UTF-16-LE one).
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Wide text without a BOM: in UTF-16 every character of the Latin-1 range (ASCII
# punctuation, digits, spaces, line ends) has a zero high byte, so zeros crowd into odd
# (LE) or even (BE) positions; in UTF-32 the top byte of every character is zero. Real
# UTF-8 or legacy text has no zero bytes; binary data has them everywhere.
WIDE_MIN_ZEROS = 0.05  # of the positions where the zeros should be
WIDE_ASYMMETRY = 10  # times fewer zeros where they should not be
WIDE_MAX_CONTROL = 0.01  # control characters allowed in the decoded head (binary has many)
WIDE_MIN_ALLOWED = 2  # ... and undecodable ones, however short the head
WIDE_BOMS = {
    "utf-16-le": codecs.BOM_UTF16_LE,
    "utf-16-be": codecs.BOM_UTF16_BE,
    "utf-32-le": codecs.BOM_UTF32_LE,
    "utf-32-be": codecs.BOM_UTF32_BE,
}


def open_bytes(path: Path, max_uncompressed: int) -> BinaryIO:
    """The file's bytes; a gzip file (by its magic bytes) decompressed as it is read."""
    raw = open(path, "rb", buffering=BLOCK)  # noqa: SIM115 - the caller closes it
    if raw.peek(2)[:2] != GZIP_MAGIC:
        return raw
    return io.BufferedReader(_Gunzip(raw, path, max_uncompressed), BLOCK)


class _Gunzip(io.RawIOBase):
    """Every gzip member of a file (``cat a.gz b.gz`` and bgzip files have several), as one
    stream; corrupt or truncated data and output past ``max_uncompressed`` (a few kilobytes
    of "zip bomb" can inflate to many gigabytes) raise ``InputError``."""

    def __init__(self, raw: BinaryIO, path: Path, max_uncompressed: int):
        self.raw = raw
        self.path = path
        self.cap = max_uncompressed
        self.size = 0
        self.member = zlib.decompressobj(wbits=31)  # 31: gzip header and trailer, CRC checked
        self.pending = b""  # compressed input not yet given to the decompressor
        self.done = False

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self.raw.close()
        super().close()

    def readinto(self, buffer) -> int:
        out = self._produce(len(buffer))
        buffer[: len(out)] = out
        return len(out)

    def _produce(self, want: int) -> bytes:
        while not self.done:
            if self.member.eof:
                # Next member, if any; some writers pad members with zeros.
                rest = self.member.unused_data.lstrip(b"\0")
                while not rest:
                    more = self.raw.read(BLOCK)
                    if not more:
                        self.done = True
                        return b""
                    rest = more.lstrip(b"\0")
                self.member = zlib.decompressobj(wbits=31)
                self.pending = rest
            data = self.member.unconsumed_tail or self.pending or self.raw.read(BLOCK)
            self.pending = b""
            if not data:
                raise InputError(f"{self.path}: gzip data ends early (truncated file?)")
            try:
                # max_length bounds each output block, so a bomb never gets bigger.
                out = self.member.decompress(data, min(want, self.cap - self.size + 1))
            except zlib.error as exc:
                raise InputError(f"{self.path}: corrupt gzip data ({exc})") from None
            self.size += len(out)
            if self.size > self.cap:
                raise InputError(
                    f"{self.path}: gzip file expands to more than {self.cap} bytes uncompressed"
                )
            if out:
                return out
        return b""


# -- encodings -------------------------------------------------------------------------------


def bom_encoding(head: bytes) -> str | None:
    return next((enc for bom, enc in BOMS if head.startswith(bom)), None)


def wide_encoding(head: bytes) -> str | None:
    """UTF-16/32 (LE or BE) without a BOM, recognised by its zero bytes; else None."""
    if b"\0" not in head:
        return None
    n4 = len(head) // 4 * 4
    if n4:
        zeros = [head[k:n4:4].count(0) / (n4 // 4) for k in range(4)]
        for encoding, top, high in (("utf-32-le", 3, 2), ("utf-32-be", 0, 1)):
            if zeros[top] > 0.99 and zeros[high] > 0.9 and _plausible(head[:n4], encoding):
                return encoding
    n2 = len(head) // 2 * 2
    if not n2:
        return None
    even = head[0:n2:2].count(0) / (n2 // 2)
    odd = head[1:n2:2].count(0) / (n2 // 2)
    for encoding, hits, misses in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if (
            hits >= WIDE_MIN_ZEROS
            and misses * WIDE_ASYMMETRY <= hits
            and _plausible(head[:n2], encoding)
        ):
            return encoding
    return None


def _plausible(data: bytes, encoding: str) -> bool:
    """``data`` decodes in ``encoding`` (a surrogate pair cut at the end aside) to text with
    few control characters."""
    text = codecs.getincrementaldecoder(encoding)("replace").decode(data, final=False)
    if not text:
        return False
    allowed = max(WIDE_MIN_ALLOWED, len(text) * WIDE_MAX_CONTROL)
    control = sum(1 for c in text if c not in "\t\r\n" and unicodedata.category(c) == "Cc")
    return text.count("\ufffd") <= allowed and control <= allowed


@dataclass
class Survey:
    """What one pass over a file found: its encoding and whether it holds any text."""

    encoding: str
    blank: bool
    note: str = ""  # what the user should know: lines set aside, a guessed code page


def survey(path: Path, opener: Callable[[], BinaryIO], head: bytes, *, whole: bool) -> Survey:
    """Decide the file's encoding (module docstring). With ``whole`` (a gzip file) the file
    is read to its end even when the encoding is known from its head, so a corrupt one
    fails before any of its records is stored."""
    encoding = bom_encoding(head) or wide_encoding(head)
    if encoding:
        with opener() as fh:
            blank = _wide_blank(fh, encoding, whole=whole)
        return Survey(encoding, blank)
    blank = True
    decoder = codecs.getincrementaldecoder("utf-8")()
    with opener() as fh:
        try:
            while block := fh.read(BLOCK):
                if blank and block.strip():
                    blank = False
                decoder.decode(block)
        except UnicodeDecodeError:
            pass
        else:
            # A character cut by the end of the file is truncation, not another encoding.
            return Survey("utf-8", blank)
    good, bad, sample = _tally(opener)
    if good >= bad:
        return Survey("utf-8", False, f"{bad} line(s) not UTF-8: their records set aside")
    encoding = base.legacy_encoding(path, sample)
    return Survey(encoding, False, f"not UTF-8; read as {encoding}")


def _tally(opener: Callable[[], BinaryIO]) -> tuple[int, int, bytes]:
    """(segments with non-ASCII bytes that are valid UTF-8, segments that are not, a sample
    of the latter). A segment is a line, or ``SEGMENT`` bytes of a longer one (a JSON file
    may be one line). A UTF-8 file with damage has it in a few segments; in a legacy file
    every segment with non-ASCII bytes is invalid (their bytes seldom form UTF-8, and never
    all of them). A character cut by the end of the file is not counted."""
    good = bad = kept = 0
    sample: list[bytes] = []
    decoder = codecs.getincrementaldecoder("utf-8")()
    with opener() as fh:
        while piece := fh.readline(SEGMENT):
            pending = decoder.getstate()[0]
            if piece.isascii() and not pending:
                continue
            end = piece.endswith(b"\n")
            try:
                decoder.decode(piece, final=end)
                good += 1
            except UnicodeDecodeError:
                bad += 1
                decoder.reset()
                if kept < LEGACY_SAMPLE:
                    sample.append(piece)
                    kept += len(piece)
            if end:
                decoder.reset()
    return good, bad, b"".join(sample)


def _wide_blank(fh: BinaryIO, encoding: str, *, whole: bool) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)("replace")
    blank = True
    while block := fh.read(BLOCK):
        if blank and decoder.decode(block).strip("\ufeff \t\r\n\f\v"):
            blank = False
            if not whole:
                break
    return blank


def open_text(
    opener: Callable[[], BinaryIO], encoding: str, newline: str | None
) -> io.TextIOWrapper:
    """The file as text in ``encoding``; undecodable bytes flagged (``base.FLAG_ERRORS``)."""
    return io.TextIOWrapper(opener(), encoding=encoding, errors=FLAG_ERRORS, newline=newline)


# -- lines of bounded length -----------------------------------------------------------------


@dataclass(frozen=True)
class Overlong:
    """A line longer than ``MAX_RECORD_CHARS``: read through, never held; its start kept."""

    length: int
    head: str

    def reason(self, line: int) -> str:
        return (
            f"line {line} has {self.length:,} characters, more than the "
            f"{base.MAX_RECORD_CHARS:,} a record may have; set aside unread"
        )


def lines(stream: io.TextIOBase, cap: int | None = None) -> Iterator[str | Overlong]:
    """The lines of ``stream`` (line ends kept); a line longer than ``cap`` characters is
    read through in pieces and given as one :class:`Overlong`."""
    cap = base.MAX_RECORD_CHARS if cap is None else cap
    while line := stream.readline(cap + 1):
        if len(line) <= cap or line[-1] in "\r\n":
            yield line
            continue
        length, head = len(line), line[:RAW_PREVIEW]
        del line
        while True:
            piece = stream.readline(cap)
            length += len(piece)
            if not piece or piece[-1] in "\r\n":
                break
        yield Overlong(length, head)


def undecodable(text: str) -> bool:
    """Whether ``text`` (as decoded from the file) holds bytes its encoding could not read."""
    return base.SURROGATE.search(text) is not None


def encoding_name(stream) -> str:
    return {"utf-8-sig": "UTF-8"}.get(stream.encoding, stream.encoding.upper().replace("_", "-"))
