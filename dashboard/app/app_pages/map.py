"""Map: places named in the items, sized by item count; the items behind a place on click."""

import streamlit as st

from dashboard.app import layout, state
from dashboard.app.markup import escape_markdown
from dashboard.charts import PLACE_SELECTION

st.title("Map")
filters = state.current_filters()
if layout.require_data():
    places = state.view("place_counts", filters)
    event = layout.chart("place_map", filters, selection=PLACE_SELECTION)
    clicked = [p.get("name") for p in (event.selection.get(PLACE_SELECTION) or [])] if event else []
    names = places["name"].tolist()
    chosen = clicked[0] if clicked and clicked[0] in names else None
    place = st.selectbox(
        "Items naming a place (or click a circle)",
        names,
        index=names.index(chosen) if chosen else None,
        placeholder="choose a place",
        key="map_place",
    )
    place = chosen or place
    left, right = st.columns([2, 3])
    with left:
        st.dataframe(
            places[["name", "admin1", "country", "n_items"]],
            hide_index=True,
            width="stretch",
            column_config={
                "name": "Place",
                "admin1": "Region",
                "country": "Country",
                "n_items": "Items",
            },
        )
    with right:
        if place:
            st.subheader(escape_markdown(place), anchor=False)
            st.dataframe(
                state.view("place_items", filters, place=place),
                hide_index=True,
                width="stretch",
                column_config={"date": st.column_config.DateColumn("Date", format="YYYY-MM-DD")},
            )
