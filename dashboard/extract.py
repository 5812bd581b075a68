"""Items -> every derived frame, in one call: ``extract(items) -> Frames``.

Per-item extractors (casualties, dates, entities, taxonomy topics) run on any chunk of
items independently, which is what lets ingest work chunk by chunk (and on Dask).
Discovered topics are a property of the whole corpus and are computed separately by
``discover`` over the store.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import pandas as pd

from .extractors.casualties import extract_casualties
from .extractors.dates import extract_events, item_event_dates
from .extractors.entities import extract_entities
from .extractors.scope import casualty_scope, war_relevance
from .extractors.topics import discover_topics, load_taxonomy, tag_topics
from .schema import CASUALTIES, DISCOVERED_TOPICS, ITEMS, TOPICS, validate

# Bump when an extractor's output changes, so stores and exports can tell what made them.
EXTRACTION_VERSION = "5"


@dataclass(frozen=True)
class Frames:
    """The frames of the data layer, each validated against its schema."""

    items: pd.DataFrame
    casualties: pd.DataFrame
    events: pd.DataFrame
    entities: pd.DataFrame
    topics: pd.DataFrame
    discovered_topics: pd.DataFrame

    def as_dict(self) -> dict[str, pd.DataFrame]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def extract_chunk(items: pd.DataFrame, taxonomy=None) -> Frames:
    """Run the per-item extractors; ``discovered_topics`` is left empty."""
    items = validate(items, ITEMS)
    events = extract_events(items)
    dated = item_event_dates(items, events).set_index("item_id")
    items = items.assign(
        event_date=items["item_id"].map(dated["event_date"]),
        event_precision=items["item_id"].map(dated["event_precision"]),
    )
    entities = extract_entities(items)
    topics = tag_topics(items, taxonomy if taxonomy is not None else load_taxonomy())
    items = war_relevance(items, entities, topics)
    casualties = casualty_scope(extract_casualties(items), items, events)
    return Frames(
        items=validate(items, ITEMS),
        casualties=validate(casualties, CASUALTIES),
        events=events,
        entities=entities,
        topics=topics,
        discovered_topics=DISCOVERED_TOPICS.empty(),
    )


def extract(items: pd.DataFrame, *, taxonomy=None, discover: bool = True, seed: int = 0) -> Frames:
    """Derive every frame from an items frame.

    Parameters
    ----------
    items : an items frame, e.g. from :func:`dashboard.read_items`.
    taxonomy : a taxonomy from :func:`load_taxonomy` (default: ``data/taxonomy.toml``).
    discover : also discover topics from the corpus itself (TF-IDF + NMF, seeded).

    Examples
    --------
    >>> frames = extract(read_items("data/samples", as_of="2024-11-15"))  # doctest: +SKIP
    >>> frames.casualties[["value", "kind", "side", "quote"]]  # doctest: +SKIP
    """
    frames = extract_chunk(items, taxonomy)
    if not discover:
        return frames
    found, discovered = discover_topics(frames.items, seed=seed)
    topics = pd.concat([frames.topics, found], ignore_index=True)
    return Frames(
        items=frames.items,
        casualties=frames.casualties,
        events=frames.events,
        entities=frames.entities,
        topics=validate(topics, TOPICS),
        discovered_topics=validate(discovered, DISCOVERED_TOPICS),
    )
