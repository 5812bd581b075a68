"""Say when Streamlit ignored a link's whole query string.

Streamlit drops a query string of more than 1,000 parameters or 512 KiB before any page
sees it (``streamlit.runtime.state.query_params.sanitize_query_string``), so a link naming
2,000 sources opens with the default filters and no word of why. This module wraps that
function, as ``AppSession`` calls it, to note which session lost its query string and why;
the filter sidebar shows the note once. If a Streamlit release moves the call, the wrapper is
simply not reached: nothing breaks, the note is not shown.

It is installed when the app's first page runs, so the very first session of a server is not
covered (its query string was read before any of our code ran).
"""

from __future__ import annotations

import sys
import threading

from streamlit.runtime import app_session
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.state import query_params

_LOCK = threading.Lock()
# session id -> why its query string was ignored, until its page says so
_DROPPED: dict[str, str] = {}


def why_dropped(query_string: str) -> str:
    """The note for a query string Streamlit ignores."""
    n = query_string.count("&") + 1
    if len(query_string) > query_params.CLIENT_STATE_QUERY_STRING_MAX_LENGTH:
        size = f"{len(query_string):,} characters, more than the {query_params.CLIENT_STATE_QUERY_STRING_MAX_LENGTH:,}"
    else:
        size = (
            f"{n:,} parameters, more than the {query_params.CLIENT_STATE_QUERY_STRING_MAX_FIELDS:,}"
        )
    return (
        f"the link's filters were ignored: its query string has {size} Streamlit accepts; "
        "the default filters apply"
    )


def _noting(original):
    def sanitize_query_string(query_string: str) -> str:
        kept = original(query_string)
        if query_string and not kept:
            # the caller is AppSession handling the browser's rerun request
            session = sys._getframe(1).f_locals.get("self")
            session_id = getattr(session, "id", None)
            if isinstance(session_id, str):
                with _LOCK:
                    _DROPPED[session_id] = why_dropped(query_string)
        return kept

    sanitize_query_string.dashboard_wrapper = True
    return sanitize_query_string


def install() -> None:
    """Wrap Streamlit's check once per server process."""
    with _LOCK:
        current = app_session.sanitize_query_string
        if not getattr(current, "dashboard_wrapper", False):
            app_session.sanitize_query_string = _noting(current)


def take_note() -> list[str]:
    """The note for this session's last ignored query string (once), else nothing."""
    ctx = get_script_run_ctx()
    if ctx is None:
        return []
    with _LOCK:
        note = _DROPPED.pop(ctx.session_id, None)
    return [note] if note else []
