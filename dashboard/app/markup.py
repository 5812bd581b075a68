"""Untrusted item text -> safe Streamlit markdown, with extracted spans highlighted.

No streamlit import here (pure functions, tested directly). Item text never reaches the
page as HTML: ``<``, ``>`` and ``&`` become entities (shown as the characters, never
parsed as tags) and every markdown/Streamlit control character is backslash-escaped, so
the text cannot open links, images, emphasis, LaTeX (``$``), emoji or colour directives
(``:``); only the highlight directives this module adds are live.
"""

from __future__ import annotations

import pandas as pd

# Characters with a meaning in CommonMark, GitHub tables/strikethrough, Streamlit's
# LaTeX ($), emoji shortcodes and colour directives (:red[...]); all ASCII punctuation
# may be backslash-escaped in CommonMark.
MD_SPECIAL = frozenset("\\`*_{}[]()#+-.!|~$:\"'=^")
# HTML-significant characters become entities, which markdown displays as characters.
HTML_ENTITIES = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}
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


def escape_markdown(text: str) -> str:
    """``text`` as markdown that displays exactly those characters and nothing else."""
    out = []
    for ch in text:
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
    return text.where(text.str.match(r"(?i)https?://[^\s]+$").fillna(False).astype(bool))
