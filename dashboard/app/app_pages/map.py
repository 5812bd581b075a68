"""Map: outlines, places named in the items, the records' coordinates; click a place to filter."""

import streamlit as st

from dashboard.app import layout, state
from dashboard.app.markup import escape_markdown

st.title("Map")
filters = state.current_filters()
if layout.require_data():
    layout.chart("place_map", filters)
    st.caption("Blue: places named in the text; click one to filter every page on it.")
    frame = state.view("place_counts", filters)
    places = frame.loc[frame["layer"] == "text place", ["name", "admin1", "country", "n_items"]]
    names = places["name"].tolist()
    chosen = next((p for p in filters.places if p in names), None)
    place = st.selectbox(
        "Items naming a place",
        names,
        index=names.index(chosen) if chosen else None,
        placeholder="choose a place",
        key=f"map_place_{chosen}",  # a new place filter resets the choice
    )
    left, right = st.columns([2, 3])
    with left:
        layout.table(places)
    with right:
        if place:
            st.subheader(escape_markdown(place), anchor=False)
            layout.table(state.view("place_items", filters, place=place))
