"""Untrusted item text -> safe Streamlit markdown, with extracted spans highlighted.

No streamlit import here (pure functions, tested directly). Item text never reaches the
page as HTML: ``<``, ``>`` and ``&`` become entities (shown as the characters, never
parsed as tags) and every markdown/Streamlit control character is backslash-escaped, so
the text cannot open links, images, emphasis, LaTeX (``$``), emoji or colour directives
(``:``); only the highlight directives this module adds are live.

Escapes are not enough for what Streamlit's markdown does *after* parsing, on the text
itself: GFM's bare-URL autolinks (``https://x.y``, ``www.x.y``, ``a@b.org``), emoji and
icon shortcodes (``:smile:``, ``:material/home:``, ``:streamlit:``). Those patterns are
broken by an invisible WORD JOINER (U+2060) after ``:``, ``@`` and ``www``: the text reads
the same, but nothing in it becomes a link or an icon. Bidirectional control characters
(which would reverse the text around them) are removed from text shown anywhere, in
markdown and in table cells (:func:`plain`).
"""

from __future__ import annotations

import re

import pandas as pd

# Characters with a meaning in CommonMark, GitHub tables/strikethrough, Streamlit's
# LaTeX ($), emoji shortcodes and colour directives (:red[...]); all ASCII punctuation
# may be backslash-escaped in CommonMark.
MD_SPECIAL = frozenset("\\`*_{}[]()#+-.!|~$:\"'=^")
# HTML-significant characters become entities, which markdown displays as characters.
HTML_ENTITIES = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}
# Bidirectional controls: embeddings and overrides (U+202A-U+202E), isolates
# (U+2066-U+2069), the LTR/RTL and Arabic letter marks.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
# Invisible, zero-width, and no break: splits a pattern without changing the text's look.
WORD_JOINER = "\u2060"
# Where Streamlit's markdown would find a bare URL (http://, www.), an e-mail address, an
# emoji or icon shortcode, a directive: after ":" or "@" before a name, after "www" before
# ".". A word joiner goes there.
DEFUSE = re.compile(r"(?<=[:@])(?=[\w/+-])|(?i:(?<=www)(?=\.))")
# Highlight colour per mark (Streamlit's background colour directives).
MARK_COLOURS = {
    "figure": "red",
    "date": "blue",
    "place": "green",
    "country": "green",
    "person": "violet",
    "unit": "orange",
    "organisation": "orange",
}


def plain(text: str, reveal: bool = False) -> str:
    """``text`` without bidirectional control characters (they would reorder what is
    shown around them); with ``reveal``, each is shown as its code point (``<U+202E>``)."""
    if reveal:
        return BIDI_CONTROLS.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)
    return BIDI_CONTROLS.sub("", text)


def plain_cells(column: pd.Series) -> pd.Series:
    """A table's text column without bidirectional controls (:func:`plain`); missing
    values stay missing."""
    return column.astype("string").str.replace(BIDI_CONTROLS, "", regex=True)


def escape_markdown(text: str) -> str:
    """``text`` as markdown that displays exactly those characters (less bidirectional
    controls, plus invisible word joiners) and nothing else: no link, icon, LaTeX, colour."""
    out = []
    for ch in DEFUSE.sub(WORD_JOINER, plain(text)):
        if ch in HTML_ENTITIES:
            out.append(HTML_ENTITIES[ch])
        elif ch in MD_SPECIAL:
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("  \n")  # a hard line break, not a paragraph re-flow
        elif ch == "\r" or ch == "\t":
            out.append(" ")
        else:
            out.append(ch)
    # Leading spaces would make an indented code block; line starts are trimmed.
    return "\n".join(line.lstrip(" ") for line in "".join(out).split("\n"))


def highlight(text: str, marks: pd.DataFrame) -> str:
    """Escaped markdown of ``text`` with each mark's span on a coloured background.

    ``marks`` has ``start``, ``end`` and ``mark`` (see ``views.item_marks``); overlapping
    spans keep the first (longest at a position), and spans outside the text are ignored.
    """
    pieces, pos = [], 0
    rows = marks.sort_values(["start", "end"], ascending=[True, False]) if len(marks) else marks
    for start, end, mark in zip(rows["start"], rows["end"], rows["mark"], strict=True):
        start, end = int(start), int(end)
        if start < pos or end <= start or end > len(text):
            continue
        colour = MARK_COLOURS.get(str(mark), "gray")
        pieces.append(escape_markdown(text[pos:start]))
        pieces.append(f":{colour}-background[{escape_markdown(text[start:end])}]")
        pos = end
    pieces.append(escape_markdown(text[pos:]))
    return "".join(pieces)


def mark_quote(sentence: str | None, quote: str | None, left: str = "»", right: str = "«") -> str:
    """The sentence as plain text with the quote bracketed, for table cells (no markup)."""
    if not sentence:
        return quote or ""
    if quote and quote in sentence:
        i = sentence.index(quote)
        return f"{sentence[:i]}{left}{quote}{right}{sentence[i + len(quote) :]}"
    return sentence


def highlight_quote(sentence: str | None, quote: str | None) -> str:
    """Escaped markdown of ``sentence`` with ``quote`` (a figure's words) highlighted."""
    sentence, quote = sentence or "", quote or ""
    at = sentence.find(quote) if quote else -1
    spans = [(at, at + len(quote), "figure")] if at >= 0 else []
    return highlight(sentence, pd.DataFrame(spans, columns=["start", "end", "mark"]))


def web_links(urls: pd.Series) -> pd.Series:
    """Item URLs fit for a link: http(s) only (a ``javascript:`` URL from an untrusted
    record must never become a clickable link); others missing."""
    text = urls.astype("string")
    usable = text.str.match(r"(?i)https?://[^\s]+$") & ~text.str.contains(BIDI_CONTROLS)
    return text.where(usable.fillna(False).astype(bool))
