"""Map: outlines, places named in the items, the records' coordinates; click a place to filter."""

import streamlit as st

from dashboard.app import layout, state
from dashboard.app.markup import escape_markdown
from dashboard.charts import PLACE_SELECTION


def _filter_on_clicked_place() -> None:
    """Chart callback, run before the rerun: the clicked place becomes the place filter
    (the sidebar widget, hence the URL's ``place=``)."""
    event = st.session_state.get(layout.chart_key("place_map")) or {}
    points = (event.get("selection") or {}).get(PLACE_SELECTION) or []
    names = [p["name"] for p in points if p.get("name")]
    if names:
        st.session_state[state.KEYS["places"]] = names[:1]


st.title("Map")
filters = state.current_filters()
if layout.require_data():
    layout.chart(
        "place_map", filters, selection=PLACE_SELECTION, on_select=_filter_on_clicked_place
    )
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
