"""Items: search (the sidebar's text filter) and browse, a page at a time; one item's text
with its extractions marked (click a row, pick a title, or open ``?item=ID``)."""

import pandas as pd
import streamlit as st

from dashboard import views
from dashboard.app import layout, markup, state

st.title("Items")
filters = state.current_filters()
if layout.require_data():
    total = state.view("item_total", filters)
    first = layout.pager(total, key="items_page", filters=filters)
    found = state.view("search_items", filters, limit=layout.PAGE_ROWS, offset=first)
    shown = f"{first + 1:,}–{first + len(found):,}" if len(found) else "none"
    st.caption(
        f"{total:,} items match · rows {shown}, newest first · select a row to read it · "
        f"{markup.escape_markdown(filters.describe())}"
    )
    layout.items_table(found, key="items_table")
    item_id = layout.item_picker(found)
    record = state.query(views.item_record, item_id) if item_id else None
    if record is not None and not record.empty:
        item = record.iloc[0]
        marks = state.query(views.item_marks, item_id)
        st.subheader(markup.escape_markdown(item["title"] or item_id), anchor=False)
        st.caption(markup.escape_markdown(layout.item_line(item)))
        link = markup.web_links(record["url"]).iloc[0]
        if pd.notna(link):
            st.link_button("Open the original", link, icon=":material/open_in_new:")
        st.markdown(
            "Marked: :red-background[figures] :blue-background[dates] "
            ":green-background[places] :violet-background[people] "
            ":orange-background[units, organisations]"
        )
        with st.container(border=True, key="item_text"):
            st.markdown(markup.highlight(item["text"] or "", marks))
        story = state.query(views.story_items, item_id)
        if len(story):  # the same story as other outlets or versions carried it
            with st.expander(f"The same story in {len(story):,} other item(s)"):
                layout.items_table(story, key="story_table")
        with st.expander("Extracted spans"):
            layout.table(marks)
        with st.expander("Raw text"):  # bidirectional controls shown as <U+202E>
            st.text(markup.plain(item["text"] or "", reveal=True))
