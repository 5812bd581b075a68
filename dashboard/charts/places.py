"""Map: country outlines, oblast names, places named in the text and the records' coordinates.

Everything is drawn from data shipped with the package (``data/outlines_*.json``: Natural
Earth countries, see ``data/OUTLINES-LICENCE.md``; ``data/regions.tsv``: oblast centroids)
and passed inline, so nothing is fetched from the internet, in the app or in an export.
The map is framed on the filtered data; labels are placed here, in Python, on the projected
coordinates, so none overlaps another. Clicking a place circle selects it
(``PLACE_SELECTION``, field ``name``).
"""

from __future__ import annotations

import json
import math
from functools import cache
from importlib import resources

import altair as alt
import pandas as pd

from ._common import data, empty_note

# Name of the click selection the app reads back from ``st.altair_chart(on_select=...)``.
PLACE_SELECTION = "place"
# The projection's scale is fixed for this size (the app draws the map at its own size).
MAP_WIDTH, MAP_HEIGHT = 560, 420
# The frame: around the item-weighted median of the points, the nearest points holding
# FRAME_SHARE of the items; widened by PAD of its span, at least MIN_SPAN degrees (one place
# is not an infinitely zoomed map).
FRAME_SHARE = 0.7
PAD = 0.12
MIN_SPAN = (3.0, 2.0)  # lon, lat degrees
# The detailed outlines cover this box (lon0, lat0, lon1, lat1; scripts/build_outlines.py);
# a frame reaching outside it, or wider than DETAIL_SPAN degrees, gets the world at 1:110m.
REGION = (-25.0, 25.0, 65.0, 72.0)
DETAIL_SPAN = 30.0
OUTLINE_FILES = ("outlines_region_50m.json", "outlines_world_110m.json")
# Where the outlines are among the map's layers (after the sea), and their data's name.
OUTLINE_LAYER = 1
OUTLINE_DATA = "outlines"
# The layers of ``views.place_counts`` and their colours (one fixed meaning each).
TEXT_LAYER, DATASET_LAYER = "text place", "dataset coordinates"
LAYER_COLOURS = {TEXT_LAYER: "#1f5fa8", DATASET_LAYER: "#d9541e"}
LAND, BORDER, SEA = "#f2f1ec", "#a3a39b", "#dde9f3"
# Legends sit inside the map, in its western corners (the app draws the chart at its own
# size, so legends outside it would be cut off).
LEGEND = {"direction": "horizontal", "fillColor": "#ffffffdd", "padding": 4, "titleFontSize": 10}
# Labels: at most this many places, at this size; oblast names smaller, in grey.
MAX_LABELS = 14
LABEL_SIZE, REGION_LABEL_SIZE = 11, 9
CHAR_WIDTH = 0.62  # average glyph width in font sizes (a slight overestimate)
CIRCLE_AREA = (20, 900)  # px^2, from 0 to the most items


def place_map_chart(frame: pd.DataFrame) -> alt.LayerChart:
    """The map of ``views.place_counts``: outlines, oblast names, two layers of points.

    Blue circles are places named in the items' text (size: items naming the place;
    click one to filter on it); small orange dots are the coordinates dataset records carry
    themselves (CIR, UCDP), pooled per cell (size: records). The view is framed on where
    most of the items are; points outside it are clipped (the page lists every place).
    """
    frame = data(frame)
    if "layer" not in frame:
        frame["layer"] = TEXT_LAYER
    frame["layer"] = frame["layer"].astype("string")
    places = frame[frame["layer"] == TEXT_LAYER]
    coords = frame[frame["layer"] == DATASET_LAYER]
    extent = frame_extent(frame)
    width, height = MAP_WIDTH, MAP_HEIGHT
    proj = _mercator(extent, width, height)
    colour = alt.Color(
        "layer:N",
        title="Points",
        scale=alt.Scale(domain=list(LAYER_COLOURS), range=list(LAYER_COLOURS.values())),
        legend=alt.Legend(orient="top-left", **LEGEND),
    )
    select = alt.selection_point(name=PLACE_SELECTION, fields=["name"], on="click")
    layers = [
        alt.Chart(alt.sphere()).mark_geoshape(fill=SEA, stroke=None),
        alt.Chart(alt.Data(values=[])).mark_geoshape(  # the outlines, filled in at the end
            fill=LAND, stroke=BORDER, strokeWidth=0.6, clip=True
        ),
        alt.Chart(coords if not coords.empty else _no_points())
        .mark_circle(opacity=0.55, clip=True)
        .encode(
            longitude="lon:Q",
            latitude="lat:Q",
            size=alt.Size("n_items:Q", scale=alt.Scale(range=[6, 90]), legend=None),
            color=colour,
            tooltip=[
                alt.Tooltip("layer:N", title="Layer"),
                alt.Tooltip("n_items:Q", title="Records"),
                alt.Tooltip("files:N", title="From"),
                alt.Tooltip("lat:Q", title="Latitude", format=".2f"),
                alt.Tooltip("lon:Q", title="Longitude", format=".2f"),
            ],
        ),
        alt.Chart(places if not places.empty else _no_points())
        .mark_circle(stroke="white", strokeWidth=0.8, clip=True, cursor="pointer")
        .encode(
            longitude="lon:Q",
            latitude="lat:Q",
            size=alt.Size(
                "n_items:Q",
                title="Items naming the place",
                scale=alt.Scale(range=list(CIRCLE_AREA), zero=True),
                legend=alt.Legend(
                    orient="bottom-left", values=_legend_values(places), format="d", **LEGEND
                ),
            ),
            color=colour,
            opacity=alt.condition(select, alt.value(0.8), alt.value(0.3)),
            tooltip=[
                alt.Tooltip("name:N", title="Place"),
                alt.Tooltip("admin1:N", title="Region"),
                alt.Tooltip("country:N", title="Country"),
                alt.Tooltip("n_items:Q", title="Items"),
                alt.Tooltip("lat:Q", title="Latitude", format=".2f"),
                alt.Tooltip("lon:Q", title="Longitude", format=".2f"),
            ],
        )
        .add_params(select),
    ]
    labels = place_labels(places, proj, width, height)
    for style, group in labels.groupby("style", sort=True):  # italic (oblasts) under normal
        text = alt.Chart(group).encode(longitude="lon:Q", latitude="lat:Q", text="label:N")
        font = {"fontSize": int(group["size"].iloc[0]), "fontStyle": style, "clip": True}
        layers += [
            text.mark_text(stroke="white", strokeWidth=3, strokeJoin="round", **font),
            text.mark_text(color=group["colour"].iloc[0], **font),
        ]
    chart = (
        alt.layer(*layers)
        .resolve_scale(size="independent")
        .project(**proj)
        # "pad": the drawing grows by its title; a fitted one keeps 420 px in all and the
        # projection's fixed scale pushes the map's bottom (and its size legend) out of view
        .properties(width=width, height=height, autosize=alt.AutoSizeParams(type="pad"))
    )
    chart = empty_note(chart, places, "Places named in the items and the records' coordinates")
    # The outlines go in last, into the finished chart, as one JSON text Vega parses: Altair
    # deep-copies every value of a chart at each step above and walks every coordinate
    # again in ``to_dict`` (thousands of them cost it a third of a second, then ~70 ms).
    # Named, so Altair leaves them in their layer: Streamlit sends a chart's top-level
    # datasets as Arrow tables, which a JSON text is not.
    features = outline_features(_visible(proj, width, height))
    chart.layer[OUTLINE_LAYER].data = alt.InlineData(
        values=json.dumps(features, separators=(",", ":")),
        format=alt.DataFormat(type="json"),
        name=OUTLINE_DATA,
    )
    return chart


# -- frame and projection ------------------------------------------------------------------
def frame_extent(frame: pd.DataFrame) -> list[list[float]]:
    """Where to look: ``[[lon0, lat0], [lon1, lat1]]`` around most of the filtered items.

    Both layers count, each point weighted by its items. From the weighted median of the
    points, the box takes the nearest points that hold FRAME_SHARE of the weight (so a few
    far-away places, or many places each named once, do not zoom the map out), widened by
    PAD and to at least MIN_SPAN. With no points it shows Ukraine and its neighbours.
    """
    points = frame.dropna(subset=["lat", "lon"]) if not frame.empty else frame
    if points.empty:
        return [[20.0, 43.0], [42.0, 54.0]]
    weights = points["n_items"].to_numpy(dtype=float).clip(min=1)
    lon, lat = points["lon"].to_numpy(dtype=float), points["lat"].to_numpy(dtype=float)
    lon_c, lat_c = (_weighted_quantile(v, weights, 0.5) for v in (lon, lat))
    dist = ((lon - lon_c) * math.cos(math.radians(lat_c))) ** 2 + (lat - lat_c) ** 2
    near = dist <= _weighted_quantile(dist, weights, FRAME_SHARE)
    bounds = []
    for values, min_span in zip((lon[near], lat[near]), MIN_SPAN, strict=True):
        lo, hi = float(values.min()), float(values.max())
        pad = max((hi - lo) * PAD, (min_span - (hi - lo)) / 2)
        bounds.append((lo - pad, hi + pad))
    (lon0, lon1), (lat0, lat1) = bounds
    return [
        [max(-180.0, lon0), max(-75.0, lat0)],
        [min(180.0, lon1), min(80.0, lat1)],
    ]


def _weighted_quantile(v, weights, q: float) -> float:
    order = v.argsort()
    cum = weights[order].cumsum() / weights.sum()
    return float(v[order][min(int((cum < q).sum()), len(v) - 1)])


def _merc(lat: float) -> float:
    """Mercator ordinate of a latitude (radians)."""
    lat = max(min(lat, 85.0), -85.0)
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def _mercator(extent: list[list[float]], width: int, height: int) -> dict:
    """A Mercator projection showing ``extent`` in a ``width`` x ``height`` view.

    An explicit scale and centre (rather than Vega-Lite's fit to all the data) is what
    keeps a few far-away places from shrinking the map around the bulk of the items.
    """
    (lon0, lat0), (lon1, lat1) = extent
    span_x = max(math.radians(lon1 - lon0), 1e-3)
    span_y = max(_merc(lat1) - _merc(lat0), 1e-3)
    scale = min(width / span_x, height / span_y)
    return {
        "type": "mercator",
        "scale": scale,
        "center": [
            (lon0 + lon1) / 2,
            math.degrees(2 * math.atan(math.exp((_merc(lat0) + _merc(lat1)) / 2)) - math.pi / 2),
        ],
        "translate": [width / 2, height / 2],
    }


def project(proj: dict, lon: float, lat: float) -> tuple[float, float]:
    """Pixel position of (lon, lat) under ``proj`` (as Vega draws it)."""
    (lon_c, lat_c), (tx, ty), s = proj["center"], proj["translate"], proj["scale"]
    return tx + s * math.radians(lon - lon_c), ty - s * (_merc(lat) - _merc(lat_c))


def unproject(proj: dict, x: float, y: float) -> tuple[float, float]:
    """(lon, lat) drawn at pixel (x, y) under ``proj``."""
    (lon_c, lat_c), (tx, ty), s = proj["center"], proj["translate"], proj["scale"]
    m = _merc(lat_c) - (y - ty) / s
    return lon_c + math.degrees((x - tx) / s), math.degrees(
        2 * math.atan(math.exp(m)) - math.pi / 2
    )


def _visible(proj: dict, width: int, height: int) -> tuple[float, float, float, float]:
    """The lon/lat box the view shows (lon0, lat0, lon1, lat1)."""
    lon0, lat0 = unproject(proj, 0, height)
    lon1, lat1 = unproject(proj, width, 0)
    return lon0, lat0, lon1, lat1


# -- outlines ------------------------------------------------------------------------------
@cache
def _outlines(name: str) -> tuple[dict, ...]:
    text = resources.files("dashboard").joinpath("data", name).read_text(encoding="utf-8")
    return tuple(json.loads(text)["features"])


def outline_features(box: tuple[float, float, float, float], margin: float = 2.0) -> list[dict]:
    """The countries meeting ``box`` (lon0, lat0, lon1, lat1), as GeoJSON features.

    1:50m inside the shipped region, 1:110m for a view reaching beyond it or very wide
    (where 1:50m would only make the chart heavier).
    """
    lon0, lat0, lon1, lat1 = box
    inside = lon0 >= REGION[0] and lat0 >= REGION[1] and lon1 <= REGION[2] and lat1 <= REGION[3]
    detailed = inside and lon1 - lon0 <= DETAIL_SPAN
    features = _outlines(OUTLINE_FILES[0] if detailed else OUTLINE_FILES[1])
    return [
        {"type": "Feature", "properties": f["properties"], "geometry": f["geometry"]}
        for f in features
        if f["bbox"][0] <= lon1 + margin
        and f["bbox"][2] >= lon0 - margin
        and f["bbox"][1] <= lat1 + margin
        and f["bbox"][3] >= lat0 - margin
    ]


@cache
def oblast_centroids() -> tuple[tuple[str, float, float], ...]:
    """(label, lat, lon) of Ukraine's oblasts and Crimea from ``data/regions.tsv``."""
    text = resources.files("dashboard").joinpath("data", "regions.tsv").read_text("utf-8")
    out = []
    for line in text.splitlines():
        cols = line.split("\t")
        if line.startswith("#") or len(cols) < 5 or cols[1] != "UA" or not cols[2]:
            continue
        out.append((cols[0].replace(" Oblast", " obl."), float(cols[3]), float(cols[4])))
    return tuple(out)


# -- labels --------------------------------------------------------------------------------
def place_labels(places: pd.DataFrame, proj: dict, width: int, height: int) -> pd.DataFrame:
    """Labels that do not overlap: the places with most items first, then oblast names.

    Each label tries above, right, below and left of its circle and is dropped when every
    spot overlaps a label already placed, a labelled circle, or the view's edge. Columns:
    ``label``, ``lon``, ``lat`` (the label's centre), ``size``, ``colour``, ``style``, and
    ``x0, y0, x1, y1`` (its box in pixels, for tests).
    """
    top = places.sort_values("n_items", ascending=False)
    most = float(top["n_items"].max()) if not top.empty else 1.0
    # the legends' corners (top-left, bottom-left; see LEGEND) take no labels
    # (measured on the drawn map: the size legend with three circles is ~215 px by ~80 px)
    boxes = [(0, 0, 230, 80), (0, height - 90, 235, height)]
    rows = []
    for name, lat, lon, n in top[["name", "lat", "lon", "n_items"]].itertuples(index=False):
        if len([r for r in rows if r["style"] == "normal"]) >= MAX_LABELS:
            break
        x, y = project(proj, lon, lat)
        if not (0 <= x <= width and 0 <= y <= height):
            continue
        area = CIRCLE_AREA[0] + (CIRCLE_AREA[1] - CIRCLE_AREA[0]) * float(n) / most
        r = math.sqrt(area / math.pi) + 1
        row = _place(str(name), x, y, r, LABEL_SIZE, boxes, width, height)
        boxes.append((x - r, y - r, x + r, y + r))  # its circle stays visible too
        if row:
            rows.append({**row, "colour": "#1b1b1b", "style": "normal"})
    for label, lat, lon in oblast_centroids():
        x, y = project(proj, lon, lat)
        row = _place(label, x, y, 0, REGION_LABEL_SIZE, boxes, width, height, spots=1)
        if row:
            rows.append({**row, "colour": "#77776f", "style": "italic"})
    if not rows:
        return pd.DataFrame(columns=["label", "lon", "lat", "size", "colour", "style"])
    out = pd.DataFrame(rows)
    lonlat = [unproject(proj, cx, cy) for cx, cy in zip(out["cx"], out["cy"], strict=True)]
    out["lon"], out["lat"] = [p[0] for p in lonlat], [p[1] for p in lonlat]
    return out.drop(columns=["cx", "cy"])


def _place(text, x, y, r, size, boxes, width, height, spots=4) -> dict | None:
    """The first free spot for ``text`` around a circle of radius ``r`` at (x, y)."""
    w, h = len(text) * size * CHAR_WIDTH, size * 1.2
    candidates = [
        (x, y - r - h / 2 - 1),  # above
        (x + r + w / 2 + 3, y),  # right
        (x, y + r + h / 2 + 1),  # below
        (x - r - w / 2 - 3, y),  # left
    ]
    if spots == 1:
        candidates = [(x, y)]
    for cx, cy in candidates:
        box = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
        if box[0] < 2 or box[1] < 2 or box[2] > width - 2 or box[3] > height - 2:
            continue
        if any(_overlap(box, other) for other in boxes):
            continue
        boxes.append(box)
        x0, y0, x1, y1 = box
        return {
            "label": text,
            "cx": cx,
            "cy": cy,
            "size": size,
            "x0": x0,
            "y0": y0,
            "x1": x1,
            "y1": y1,
        }
    return None


def _overlap(a, b, gap: float = 1.0) -> bool:
    return not (
        a[2] + gap <= b[0] or b[2] + gap <= a[0] or a[3] + gap <= b[1] or b[3] + gap <= a[1]
    )


def _legend_values(places: pd.DataFrame) -> list[int]:
    """Three round counts up to the largest (a size legend without a 0 circle)."""
    most = int(places["n_items"].max()) if not places.empty else 1
    third = max(most / 3, 1)
    power = 10 ** math.floor(math.log10(third))
    step = max(k * power for k in (1, 2, 5) if k * power <= third)
    return [int(v) for v in (step, 2 * step, 3 * step) if v <= most]


def _no_points() -> pd.DataFrame:
    """An empty layer that still has the encoded columns (Vega-Lite needs the fields)."""
    return pd.DataFrame(
        {c: pd.Series(dtype="float64") for c in ("lat", "lon", "n_items")}
        | {c: pd.Series(dtype="string") for c in ("layer", "name", "admin1", "country", "files")}
    )
