"""Export every chart of the app for some filters: images, HTML, the data behind each, a manifest.

``python -m dashboard export --store DIR --filters 'side=russia&from=2024-10-01' --out DIR``
writes, for each chart of :data:`dashboard.charts.CHARTS`, ``<name>.png|svg|html|pdf`` and
``<name>.csv`` (the frame the chart was drawn from), plus ``manifest.json`` (filters, store
version, source files, extraction versions, time) and optionally ``<out>.zip``.

The bytes come from :func:`chart_file`, which goes through the shared rendering layer
(:func:`dashboard.charts.render.chart_bytes`) and adds PDF. The app's download buttons call
the same :func:`chart_file` and :func:`frame_csv`.

Without ``--filters`` (or with filters naming no date) the export shows what the app's first
view shows: the store's default date range (``views.default_span``), this war's figures.

Examples
--------
>>> result = export_charts("data/store", "exports/russia", Filters.from_query("side=russia"))  # doctest: +SKIP
>>> result.manifest["charts"][0]["files"]  # doctest: +SKIP
{'csv': 'items_per_source.csv', 'png': 'items_per_source.png', ...}
"""

from __future__ import annotations

import json
import logging
import textwrap
import time
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs

import altair as alt
import pandas as pd

from . import labels, views
from .charts import CHARTS
from .charts import render as _render
from .query import PAGE_KEYS, Filters
from .store import Store, StoreError

log = logging.getLogger(__name__)

FORMATS = ("png", "svg", "html", "pdf")
DEFAULT_FORMATS = ("png", "svg", "html")
# Spreadsheets run cells starting with these as formulas (OWASP "CSV injection"): such text
# cells get a leading apostrophe so they stay text.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Pixel scale of PNGs: the charts are ~640 px wide, so 2x gives a crisp ~1300 px slide image.
PNG_SCALE = 2.0
# Caption lines are wrapped at this width (Vega does not wrap subtitles), and a part longer
# than CAPTION_LINES lines (a filter naming fifty places) is cut.
CAPTION_CHARS = 120
CAPTION_LINES = 3
# How many source files the caption names before "and N more".
CAPTION_FILES = 3


# -- CSV ------------------------------------------------------------------------------------
def csv_safe(value):
    """One cell made inert for spreadsheets: text starting with = + - @ TAB CR gets a ``'``.

    Only text is touched; numbers (a negative count) and missing values pass through.

    >>> csv_safe("=HYPERLINK(1)"), csv_safe("-12 killed"), csv_safe(-12), csv_safe("Kyiv")
    ("'=HYPERLINK(1)", "'-12 killed", -12, 'Kyiv')
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with :func:`csv_safe` applied to every text column (and names)."""
    out = frame.copy()
    for col in out.columns:
        dtype = out[col].dtype
        if pd.api.types.is_string_dtype(dtype) or pd.api.types.is_object_dtype(dtype):
            out[col] = out[col].map(csv_safe, na_action="ignore")
    out.columns = [csv_safe(str(c)) for c in out.columns]
    return out


def frame_csv(frame: pd.DataFrame) -> bytes:
    """The CSV bytes (UTF-8, ``\\n`` line ends, no index) of ``frame``, formula-safe.

    Every CSV the exporter writes goes through here; so should the app's CSV downloads.
    """
    return csv_safe_frame(frame).to_csv(index=False, lineterminator="\n").encode("utf-8")


# -- rendering ------------------------------------------------------------------------------
def _is_altair(chart) -> bool:
    return isinstance(chart, alt.TopLevelMixin)


def chart_file(chart, fmt: str, *, scale: float = PNG_SCALE) -> bytes:
    """The bytes of ``chart`` saved as ``fmt`` (png, svg, html or pdf), fetched from nowhere.

    PNG, SVG and HTML come from the shared ``render.chart_bytes`` (vl-convert; HTML with
    Vega inlined and the spec embedded script-safely); this adds PDF (vl-convert).
    """
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if _is_altair(chart):
        if fmt == "pdf":
            import vl_convert as vlc

            with _render.all_rows():
                return vlc.vegalite_to_pdf(chart.to_json())
        return _render.chart_bytes(chart, fmt, scale=scale)
    raise TypeError(f"cannot export a {type(chart).__name__}: not an altair chart")


# -- titles and captions --------------------------------------------------------------------
def _wrapped(text: str, width: int = CAPTION_CHARS, lines: int = CAPTION_LINES) -> list[str]:
    """``text`` wrapped at word boundaries into lines of at most ``width`` characters (Vega
    does not wrap subtitles); past ``lines`` lines the rest is cut, marked by "…"."""
    out = textwrap.wrap(" ".join(str(text).split()), width) or [""]
    if len(out) > lines:
        out = [*out[: lines - 1], out[lines - 1][: width - 1] + "…"]
    return out


def caption_lines(filters: Filters, store: Store, con=None, level: str = "item") -> list[str]:
    """The lines under a chart: the filters; the datasets the filtered items come from, the
    store and extraction versions; the credit lines those datasets' licences ask for."""
    own = con is None
    con = store.connect() if own else con
    try:
        parts = caption_parts(filters, views.datasets(con, filters), store.manifest(), level)
    finally:
        if own:
            con.close()
    return wrap_caption(parts)


def wrap_caption(parts: Sequence[str]) -> list[str]:
    """:func:`caption_parts` as the lines of a chart file's subtitle."""
    return [line for part in parts for line in _wrapped(part)]


def caption_parts(
    filters: Filters, datasets: pd.DataFrame, manifest: dict, level: str = "item"
) -> list[str]:
    """What :func:`caption_lines` says, unwrapped (the app wraps them at its own width)."""
    names = [f"{d} ({n:,})" for d, n in zip(datasets["dataset"], datasets["n_items"], strict=True)]
    shown = ", ".join(names[:CAPTION_FILES])
    if len(names) > CAPTION_FILES:
        shown += f" and {len(names) - CAPTION_FILES} more"
    versions = sorted({str(b.get("extraction_version", "?")) for b in manifest["batches"]})
    return [
        f"Filters: {filters.describe(level)}",
        f"Data: {shown or 'none'} · store version {manifest['version']}"
        f" · extraction {', '.join(versions) or 'none'}",
        *(f"Data credit: {c}" for c in labels.credits(datasets["dataset"])),
    ]


def titled(chart, title: str, caption: Sequence[str]):
    """``chart`` with ``title`` (unless it has one) and ``caption`` under it as subtitle lines.

    The chart functions title their charts; the registry's title is the fallback. Lines
    already in the subtitle (e.g. "no data under these filters") are kept first.
    """
    if _is_altair(chart):
        text, subtitle = title, []
        with _render.all_rows():
            current = chart.to_dict(validate=False).get("title")
        if isinstance(current, str):
            text = current
        elif isinstance(current, dict):
            text = current.get("text") or title
            sub = current.get("subtitle") or []
            subtitle = [sub] if isinstance(sub, str) else list(sub)
        params = alt.TitleParams(
            text,
            subtitle=[*subtitle, *caption],
            anchor="start",
            fontSize=16,
            subtitleFontSize=11,
            subtitleColor="#555555",
        )
        return chart.properties(title=params)
    raise TypeError(f"cannot title a {type(chart).__name__}")


def report_chart_bytes(
    chart,
    title: str,
    filters: Filters,
    store: Store,
    fmt: str,
    level: str = "item",
    parts: Sequence[str] | None = None,
) -> bytes:
    """One chart as the exporter writes it (title, caption with filters and sources).

    The app's download buttons call this, so a downloaded chart equals the exported one;
    they pass the caption's ``parts`` they already drew (no second look at the store).
    """
    lines = wrap_caption(parts) if parts is not None else caption_lines(filters, store, level=level)
    return chart_file(titled(chart, title, lines), fmt)


# -- the export -----------------------------------------------------------------------------
@dataclass(frozen=True)
class ExportResult:
    """What one export wrote: the folder, its files (relative names), the manifest, timing."""

    out: Path
    files: tuple[str, ...]
    manifest: dict
    seconds: float
    zip: Path | None = None

    def line(self) -> str:
        formats = ", ".join(self.manifest["formats"])
        where = f"{self.out}" + (f" and {self.zip}" if self.zip else "")
        return (
            f"exported {len(self.manifest['charts'])} charts ({formats}) and their CSVs "
            f"to {where} in {self.seconds:.1f}s"
        )


def parse_formats(text: str | Iterable[str]) -> tuple[str, ...]:
    """``"png,svg"`` -> ``("png", "svg")``; unknown formats raise ValueError."""
    items = text.split(",") if isinstance(text, str) else list(text)
    formats = tuple(dict.fromkeys(f.strip().lower() for f in items if f.strip()))
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise ValueError(
            f"unknown format {', '.join(bad) or '(none)'}; choose from {','.join(FORMATS)}"
        )
    return formats


def check_filters(query: str) -> Filters:
    """Parse an app URL query string strictly: any problem (an unknown key, a bad date,
    From after To, a value not on offer) is a ValueError naming the filter.

    ``Filters.parse`` forgives them (a shared URL should still open); on the command line a
    typo would silently export the unfiltered charts.
    """
    filters, problems = Filters.parse(query.strip(), extra_keys=PAGE_KEYS)  # an app URL
    if problems:
        raise ValueError("; ".join(problems))
    return filters


def with_default_dates(query: str, store: Store | str | Path) -> Filters:
    """``check_filters(query)``, with the app's default date range when the query names no
    date (a URL without dates opens on that range in the app too)."""
    filters = check_filters(query)
    params = parse_qs(query.strip().lstrip("?"))
    if "from" in params or "to" in params:
        return filters
    store = store if isinstance(store, Store) else Store(store)
    if not store.exists():
        return filters
    con = store.connect()
    try:
        first_view = views.default_filters(con)
    finally:
        con.close()
    return filters.replace(date_from=first_view.date_from, date_to=first_view.date_to)


# The Claims page's tables: exported beside its chart, for the same side and kind.
CLAIMS_PAGE = "claims"
TABLES = {
    "claimant_table": ("Claimants' totals", views.claimant_table),
    "claim_flags": ("What does not add up", views.claim_flags),
}


def _write_tables(con, filters: Filters, out: Path) -> list[dict]:
    """Each table of :data:`TABLES` as ``<name>.csv`` (list cells such as a flag's
    evidence sentences joined by " | "); their manifest entries."""
    entries = []
    for name, (title, view) in TABLES.items():
        frame = view(con, filters)
        frame = frame.assign(
            **{
                c: frame[c].map(lambda v: " | ".join(map(str, v)) if isinstance(v, list) else v)
                for c in frame.columns
                if frame[c].dtype == object
            }
        )
        (out / f"{name}.csv").write_bytes(frame_csv(frame))
        entries.append(
            {"name": name, "title": title, "page": CLAIMS_PAGE, "rows": len(frame),
             "files": {"csv": f"{name}.csv"}}
        )  # fmt: skip
    return entries


def export_charts(
    store: Store | str | Path,
    out: str | Path,
    filters: Filters | None = None,
    formats: Sequence[str] = DEFAULT_FORMATS,
    *,
    charts: Sequence[str] | None = None,
    make_zip: bool = False,
) -> ExportResult:
    """Write every chart of the app (or the named ``charts``) for ``filters`` into ``out``.

    ``filters=None`` exports the app's first view (:func:`dashboard.views.default_filters`);
    the manifest's ``filters.first_view`` says whether the filters are those.
    Each chart gets one file per format and ``<name>.csv`` with exactly the frame it was
    drawn from; ``manifest.json`` records the filters, the store version, the source files,
    the extraction versions and the time. With ``make_zip``, ``<out>.zip`` holds them all.
    Views run on a single DuckDB thread so the same filters give byte-identical CSVs.
    """
    started = time.perf_counter()
    store = store if isinstance(store, Store) else Store(store)
    formats = parse_formats(formats)
    names = list(charts) if charts else list(CHARTS)
    unknown = [n for n in names if n not in CHARTS]
    if unknown:
        raise ValueError(f"unknown chart {', '.join(unknown)}; choose from {', '.join(CHARTS)}")
    if not store.exists():
        raise StoreError(f"{store.root}: no store here (run `dashboard ingest` first)")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    manifest = store.manifest()
    con = store.connect()
    # Parallel scans may break ties and pick any_value() rows differently from run to run.
    con.execute("SET threads TO 1")
    first_view = views.default_filters(con)
    filters = first_view if filters is None else filters
    written: list[str] = []
    entries = []
    focus = views.claim_focus(con, filters)  # one side and kind, as the Claims page shows
    try:
        for name in names:
            spec = CHARTS[name]
            frame = spec.frame(con, focus if spec.page == CLAIMS_PAGE else filters)
            caption = caption_lines(filters, store, con, spec.level)
            chart = titled(spec.chart_fn(frame), spec.title, caption)
            files = {"csv": f"{name}.csv"}
            (out / files["csv"]).write_bytes(frame_csv(frame))
            for fmt in formats:
                files[fmt] = f"{name}.{fmt}"
                (out / files[fmt]).write_bytes(chart_file(chart, fmt))
            written.extend(files.values())
            entries.append(
                {
                    "name": name,
                    "title": spec.title,
                    "page": spec.page,
                    "options": spec.options,
                    "rows": len(frame),
                    "files": files,
                }
            )
        tables = _write_tables(con, focus, out) if not charts else []
        written.extend(t["files"]["csv"] for t in tables)
    finally:
        con.close()
    record = {
        "filters": {
            "query": filters.to_query_string(),
            "description": filters.describe(),
            "first_view": filters == first_view,
        },
        "store": {"path": str(store.root), "version": manifest["version"]},
        "sources": [
            {"sha256": digest, **info} for digest, info in sorted(manifest["files"].items())
        ],
        "extraction_versions": sorted(
            {str(b["extraction_version"]) for b in manifest["batches"] if "extraction_version" in b}
        ),
        "as_of": sorted({str(b["as_of"]) for b in manifest["batches"] if b.get("as_of")}),
        "caption": caption,
        "formats": list(formats),
        "charts": entries,
        "tables": tables,
        "claims_focus": focus.to_query_string(),
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    (out / "manifest.json").write_text(json.dumps(record, indent=1, ensure_ascii=False), "utf-8")
    written.append("manifest.json")
    archive = None
    if make_zip:
        archive = out.with_name(out.name + ".zip")
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
            for rel in written:
                zf.write(out / rel, f"{out.name}/{rel}")
    seconds = time.perf_counter() - started
    log.info("exported %d charts in %.1fs", len(entries), seconds)
    return ExportResult(out, tuple(written), record, seconds, archive)
