"""Map: places as circles sized by item count, projected offline (no tiles, no outlines).

Vega computes the projection and the graticule itself, so nothing is fetched from the
internet; clicking a circle selects the place (``PLACE_SELECTION``).
"""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from ._common import data, empty_note

# Name of the click selection the app reads back from ``st.altair_chart(on_select=...)``.
PLACE_SELECTION = "place"
# The projection's scale is fixed for this size (the app draws the map at its own size).
MAP_WIDTH, MAP_HEIGHT = 560, 420
# Countries with their own colour (the ones with the most items); the rest are "other".
TOP_COUNTRIES = 6


def place_map_chart(frame: pd.DataFrame) -> alt.Chart:
    """Circles at each place's coordinates, size = items naming it (``views.place_counts``).

    The map is framed on where most of the items are (the item-weighted 10th-90th
    percentiles of the coordinates); places outside are clipped here and listed in the
    page's table. Colour: the countries with the most items, the rest as "other".
    """
    frame = data(frame)
    top = frame.groupby("country", dropna=True)["n_items"].sum().nlargest(TOP_COUNTRIES).index
    frame["country_group"] = frame["country"].where(frame["country"].isin(top), "other")
    extent = _extent(frame)
    select = alt.selection_point(name=PLACE_SELECTION, fields=["name"], on="click")
    grid = alt.Chart(alt.graticule(extent=extent, step=[1, 1])).mark_geoshape(
        stroke="#dddddd", strokeWidth=0.5, fill=None, clip=True
    )
    points = (
        alt.Chart(frame)
        .mark_circle(stroke="#333333", strokeWidth=0.3, clip=True)
        .encode(
            longitude="lon:Q",
            latitude="lat:Q",
            size=alt.Size("n_items:Q", title="Items (count)", scale=alt.Scale(range=[15, 900])),
            color=alt.Color("country_group:N", title="Country"),
            opacity=alt.condition(select, alt.value(0.8), alt.value(0.25)),
            tooltip=[
                alt.Tooltip("name:N", title="Place"),
                alt.Tooltip("admin1:N", title="Region"),
                alt.Tooltip("country:N", title="Country"),
                alt.Tooltip("n_items:Q", title="Items"),
                alt.Tooltip("lat:Q", title="Latitude", format=".2f"),
                alt.Tooltip("lon:Q", title="Longitude", format=".2f"),
            ],
        )
        .add_params(select)
    )
    labels = (
        alt.Chart(frame.head(10))
        .mark_text(dy=-12, fontSize=11, color="#222222", clip=True)
        .encode(longitude="lon:Q", latitude="lat:Q", text="name:N")
    )
    width, height = MAP_WIDTH, MAP_HEIGHT
    chart = (
        alt.layer(grid, points, labels)
        .project(**_mercator(extent, width, height))
        .properties(width=width, height=height)
    )
    return empty_note(chart, frame, "Places named in the items (circle size: items)")


def _extent(frame: pd.DataFrame, pad: float = 1.5) -> list[list[float]]:
    """Where to look: the item-weighted 10th-90th percentile box of the places, plus a margin.

    With no places it shows Ukraine and its neighbours.
    """
    if frame.empty:
        return [[20.0, 43.0], [42.0, 54.0]]
    weights = frame["n_items"].to_numpy(dtype=float)
    bounds = []
    for col in ("lon", "lat"):
        values = frame[col].to_numpy(dtype=float)
        order = values.argsort()
        cum = weights[order].cumsum() / weights.sum()
        lo = values[order][min(int((cum < 0.10).sum()), len(values) - 1)]
        hi = values[order][min(int((cum < 0.90).sum()), len(values) - 1)]
        bounds.append((float(lo) - pad, float(hi) + pad))
    (lon0, lon1), (lat0, lat1) = bounds
    return [
        [max(-180.0, round(lon0)), max(-80.0, round(lat0))],
        [min(180.0, round(lon1)), min(80.0, round(lat1))],
    ]


def _mercator(extent: list[list[float]], width: int, height: int) -> dict:
    """A Mercator projection showing ``extent`` in a ``width`` x ``height`` view.

    An explicit scale and centre (rather than Vega-Lite's fit to all the data) is what
    keeps a few far-away places from shrinking the map around the bulk of the items.
    """
    (lon0, lat0), (lon1, lat1) = extent

    def y(lat: float) -> float:  # Mercator ordinate, radians
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    span_x = max(math.radians(lon1 - lon0), 1e-3)
    span_y = max(y(lat1) - y(lat0), 1e-3)
    scale = min(width / span_x, height / span_y)
    return {
        "type": "mercator",
        "scale": scale,
        "center": [
            (lon0 + lon1) / 2,
            math.degrees(2 * math.atan(math.exp((y(lat0) + y(lat1)) / 2)) - math.pi / 2),
        ],
        "translate": [width / 2, height / 2],
    }
