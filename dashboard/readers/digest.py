"""Plain-text digests: items separated by ``Read More`` lines or ``… Continue reading`` tails.

An item may span several paragraphs; it ends at a line that is just "Read More" (any case,
optional trailing punctuation) or at a "… Continue reading" / "... Continue reading" tail,
which is cut off. A file with no such markers is split on blank lines instead, one item per
paragraph block. Digests carry no titles or dates: the title is derived from the text and
relative dates resolve against the ingest's ``as_of``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .base import Record, Reject

# "Read More" on its own line, or glued to the end of the last paragraph ("...Read More").
READ_MORE = re.compile(r"(?im)(?:^|(?<=[.!?”\"’)]))[ \t]*read more[ \t]*[.…:>»]*[ \t]*$")
# "… Continue reading" (unicode ellipsis or three dots) ends an item mid-line.
CONTINUE_READING = re.compile(r"(?:…|\.\.\.)\s*Continue reading\b[^\n]*", re.I)
BLANK_LINES = re.compile(r"\n\s*\n")


def read_digest(text: str) -> Iterator[Record | Reject]:
    """Split a digest into item records, in file order."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    marked = bool(READ_MORE.search(text) or CONTINUE_READING.search(text))
    chunks = _split_marked(text) if marked else BLANK_LINES.split(text)
    record = 0
    for chunk in chunks:
        body = chunk.strip()
        if not body:
            continue
        yield Record(record=record, text=body)
        record += 1


def _split_marked(text: str) -> Iterator[str]:
    pos = 0
    markers = sorted(
        [(m.start(), m.end()) for m in READ_MORE.finditer(text)]
        + [(m.start(), m.end()) for m in CONTINUE_READING.finditer(text)]
    )
    for start, end in markers:
        if start < pos:
            continue
        yield text[pos:start]
        pos = end
    yield text[pos:]
