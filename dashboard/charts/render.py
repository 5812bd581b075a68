"""Chart -> file bytes, offline: PNG/SVG through vl-convert (altair), self-contained HTML.

The app's download buttons and the exporter both call :func:`chart_bytes`.
"""

from __future__ import annotations

import io
import json

import altair as alt

FORMATS = {"png": "image/png", "svg": "image/svg+xml", "html": "text/html"}


class ScriptSafeJSON(json.JSONEncoder):
    """JSON that cannot end the ``<script>`` it is embedded in.

    Chart data holds item titles and sentences (untrusted); a title containing
    ``</script><img onerror=...>`` would otherwise close the HTML export's script block.
    ``<``, ``>`` and ``&`` are written as ``\\u003c``-style escapes: the same JSON values.
    """

    def encode(self, o) -> str:
        text = super().encode(o)
        return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def all_rows():
    """A context in which Altair serialises a chart's data without its 5,000-row guard: the
    views bound every chart's rows (top N, at most so many points), and a chart the app
    draws (Streamlit sends its data as Arrow, unguarded) must export too. A Claims chart
    at a million items holds ~5,100 rows."""
    return alt.data_transformers.enable("default", max_rows=None)


def formats(chart) -> tuple[str, ...]:
    """The formats a chart can be saved as (every chart is altair: png, svg, html)."""
    return tuple(FORMATS) if isinstance(chart, alt.TopLevelMixin) else ()


def chart_bytes(chart, fmt: str, *, scale: float = 2.0) -> bytes:
    """Serialise ``chart`` as ``fmt`` ('png', 'svg' or 'html'); nothing is fetched.

    HTML inlines the Vega libraries (``inline=True``), so it opens without the internet.

    Examples
    --------
    >>> png = chart_bytes(topic_frequency_chart(frame), "png")  # doctest: +SKIP
    """
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {tuple(FORMATS)}, not {fmt!r}")
    if not isinstance(chart, alt.TopLevelMixin):
        raise TypeError(f"cannot render a {type(chart).__name__}: not an altair chart")
    if fmt == "html":
        buf = io.StringIO()
        with all_rows():
            chart.save(buf, format="html", inline=True, json_kwds={"cls": ScriptSafeJSON})
        return buf.getvalue().encode("utf-8")
    import vl_convert as vlc

    with all_rows():
        spec = chart.to_json()
    if fmt == "png":
        return vlc.vegalite_to_png(spec, scale=scale)
    return vlc.vegalite_to_svg(spec).encode("utf-8")
