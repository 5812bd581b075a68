"""Plain-text digests: items separated by ``Read More`` lines or ``… Continue reading`` tails.

An item may span several paragraphs; it ends at a line that is just "Read More" (any case,
optional trailing punctuation) or at a "… Continue reading" / "... Continue reading" tail,
which is cut off. A file with no such markers is split on blank lines instead, one item per
paragraph block. Digests carry no titles or dates: the title is derived from the text and
relative dates resolve against the ingest's ``as_of``.

The file is streamed line by line, twice: once to learn whether it has any marker, once to
split it. An item longer than ``base.MAX_RECORD_CHARS`` is rejected and read past.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from typing import TextIO

from . import base
from .base import Record, Reject, preview
from .stream import Overlong, encoding_name, lines, undecodable

# "Read More" on its own line, or glued to the end of the last paragraph ("...Read More").
READ_MORE = re.compile(r"(?im)(?:^|(?<=[.!?”\"’)]))[ \t]*read more[ \t]*[.…:>»]*[ \t]*$")
# "… Continue reading" (unicode ellipsis or three dots) ends an item mid-line.
CONTINUE_READING = re.compile(r"(?:…|\.\.\.)\s*Continue reading\b[^\n]*", re.I)
# The rest of a "… Continue reading" tail whose ellipsis ended an earlier line.
CONTINUE_TAIL = re.compile(r"\s*Continue reading\b[^\n]*", re.I)
ELLIPSES = ("…", "...")


def read_digest(source: str | Callable[[], TextIO]) -> Iterator[Record | Reject]:
    """Split a digest into item records, in file order.

    ``source`` is the text, or a callable opening it as a stream (read twice) whose lines
    end in "\\n" (``newline=None``).
    """
    if isinstance(source, str):
        text = source.replace("\r\n", "\n").replace("\r", "\n")
        source = lambda: io.StringIO(text)  # noqa: E731
    with source() as stream:
        marked = any(ended for ended, _ in _split(lines(stream), marked=True))
    with source() as stream:
        record = 0
        for _, item in _split(lines(stream), marked=marked):
            if isinstance(item, Reject):
                item.record = record
                yield item
                record += 1
                continue
            body = item.strip() if item is not None else ""
            if not body:
                continue
            if undecodable(body):
                yield Reject(
                    record,
                    f"item holds bytes that are not valid {encoding_name(stream)} text",
                    preview(body),
                )
            else:
                yield Record(record=record, text=body)
            record += 1


def _split(
    source: Iterator[str | Overlong], *, marked: bool
) -> Iterator[tuple[bool, str | Reject | None]]:
    """(ended by a marker, item text) per item — the text is None for an item that was too
    long, whose Reject came first.

    Equivalent to splitting the whole text at every match of ``READ_MORE`` and
    ``CONTINUE_READING`` (when ``marked``) or at blank lines, one line at a time: both
    markers end at a line end, and the only one that may start on an earlier line is a
    "Continue reading" whose ellipsis ended that line (held in ``tail``).
    """
    parts: list[str] = []
    size = 0
    too_long = False  # the item so far was too long: rejected, the rest of it dropped
    tail: list[str] = []  # an ellipsis that ended the item so far, and the blank lines after
    number = 0

    def flush():
        nonlocal parts, size, too_long
        item = None if too_long else "".join(parts)
        parts, size, too_long = [], 0, False
        return item

    for line in source:
        number += 1
        if isinstance(line, Overlong):
            if not too_long:
                yield False, Reject(None, line.reason(number), preview(line.head))
            parts, size, too_long, tail = [], 0, True, []
            continue
        if not marked:
            if line.strip():
                parts.append(line)
                size += len(line)
            elif parts or too_long:
                yield False, flush()
        else:
            pos = 0
            if tail:
                if not line.strip():
                    if not too_long:
                        tail.append(line)
                        size += len(line)
                    continue
                cont = CONTINUE_TAIL.match(line)
                if cont:  # "…\n\nContinue reading": the item ends before the ellipsis
                    tail = []
                    yield True, flush()
                    pos = cont.end()
                else:
                    parts.extend(tail)
                    tail = []
            while True:
                more = READ_MORE.search(line, pos)
                cont = CONTINUE_READING.search(line, pos)
                found = min(
                    (m for m in (more, cont) if m), key=lambda m: (m.start(), m.end()), default=None
                )
                if found is None:
                    break
                parts.append(line[pos : found.start()])
                yield True, flush()
                pos = found.end()
            rest = line[pos:]
            stripped = rest.rstrip()
            ellipsis = next((e for e in ELLIPSES if stripped.endswith(e)), None)
            if ellipsis:
                cut = len(stripped) - len(ellipsis)
                parts.append(rest[:cut])
                tail = [rest[cut:]]
            else:
                parts.append(rest)
            size += len(line)
        if not too_long and size > base.MAX_RECORD_CHARS:
            yield False, Reject(None, _too_long(number), preview(parts[0] if parts else ""))
            too_long = True
        if too_long:  # read on to the item's end without holding it
            parts, size = [], 0
            tail = tail[:1]  # keep the ellipsis: a "Continue reading" may still end the item
    parts.extend(tail)
    yield False, flush()


def _too_long(line: int) -> str:
    return (
        f"item running to line {line} is longer than the {base.MAX_RECORD_CHARS:,} "
        "characters an item may have; set aside"
    )
