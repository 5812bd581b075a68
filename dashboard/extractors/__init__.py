"""Extractors: pure functions ``items frame -> derived frame``.

Each ``extract_<what>(items)`` reads the columns ``item_id``, ``text``, ``published`` and
``as_of`` of an items frame and returns a frame validated against its schema in
:mod:`dashboard.schema`. None imports streamlit, the store or anything later in the flow.
"""
