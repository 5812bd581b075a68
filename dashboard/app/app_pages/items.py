"""Items: search (the sidebar's text filter) and browse; one item's text with its extractions marked."""

import streamlit as st

from dashboard import views
from dashboard.app import markup, state
from dashboard.app.layout import require_data, table

st.title("Items")
filters = state.current_filters()
if require_data():
    found = state.view("search_items", filters)
    st.caption(
        f"{len(found):,} items shown (newest first, at most 500) · {markup.escape_markdown(filters.describe())}"
    )
    picked = table(
        found.drop(columns=["item_id"]),
        key="items_table",
        on_select="rerun",
        selection_mode="single-row",
    )
    ids = found["item_id"].tolist()
    titles = dict(zip(found["item_id"], found["title"], strict=True))
    rows = picked.selection.rows if picked is not None else []
    wanted = ids[rows[0]] if rows else st.query_params.get("item")
    linked = state.query(views.item_record, wanted) if wanted and wanted not in ids else None
    if linked is not None and not linked.empty:  # a link names it: open it, filters or not
        ids, titles[wanted] = [wanted, *ids], linked.iloc[0]["title"]
    item_id = st.selectbox(
        "Item",
        ids,
        index=ids.index(wanted) if wanted in ids else None,
        format_func=lambda i: str(titles.get(i) or i)[:120],
        placeholder="choose an item to read",
        key="item_pick",
    )
    if item_id:
        st.query_params["item"] = item_id
        record = state.query(views.item_record, item_id)
        if not record.empty:
            item = record.iloc[0]
            marks = state.query(views.item_marks, item_id)
            st.subheader(markup.escape_markdown(item["title"] or item_id), anchor=False)
            st.caption(
                markup.escape_markdown(
                    f"{item['source']} · published {item['published']} · event date "
                    f"{item['event_date']} ({item['event_precision']}) · {item['n_words']} words"
                )
            )
            st.markdown(
                "Marked: :red-background[figures] :blue-background[dates] "
                ":green-background[places] :violet-background[people] "
                ":orange-background[units, organisations]"
            )
            with st.container(border=True, key="item_text"):
                st.markdown(markup.highlight(item["text"] or "", marks))
            with st.expander("Extracted spans"):
                st.dataframe(marks, hide_index=True, width="stretch")
            with st.expander("Raw text"):
                st.text(item["text"] or "")
