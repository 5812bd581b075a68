# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Bringing your own data
#
# Read a CSV or an RSS/Atom file, look at what the extractors find in it, ingest it into a
# store, and see it in the app's charts. Nothing is written into the repository: the store
# is copied into a temporary folder and your file is ingested into the copy.
#
# Parameters: `DATA` is your file (CSV, JSON, JSONL, RSS/Atom, or a text digest); empty
# writes a small example CSV and RSS feed. `STORE` is the store to start from (copied,
# never modified). `AS_OF` is the reference date for relative dates in undated items.

# %%
import os
import shutil
import tempfile
from pathlib import Path

import altair as alt
import pandas as pd
from IPython.display import display

import dashboard
from dashboard.charts import CHARTS

# Charts drawn as SVG by vl-convert: offline (the default renderer loads Vega from a CDN)
# and shown by any notebook viewer. The app has the interactive versions.
_ = alt.renderers.enable("svg")

# %% tags=["parameters"]
STORE = os.environ.get("DASHBOARD_STORE", "data/store")
DATA = ""
AS_OF = "2024-11-15"

# %%
ROOT = next(
    (p for p in (Path.cwd(), *Path.cwd().parents) if (p / "pyproject.toml").exists()), Path.cwd()
)
store_dir = Path(STORE) if Path(STORE).is_absolute() else ROOT / STORE
WORK = Path(tempfile.mkdtemp(prefix="dashboard-byod-"))
print("working folder:", WORK)

# %% [markdown]
# ## Your file
# With no `DATA`, two small example files: a CSV with the usual columns (`title`, `text`,
# `published`, `source`) and an RSS feed. Other column names can be mapped with
# `read_items(..., columns={"text": "body", ...})`.

# %%
if DATA:
    paths = [Path(DATA)]
else:
    example_csv = WORK / "my_news.csv"
    pd.DataFrame(
        {
            "title": ["Strikes on Kharkiv", "Losses near Pokrovsk"],
            "text": [
                "Russian drones struck Kharkiv on 12 November 2024, killing 3 civilians and injuring 14, the regional governor said.",
                "Ukraine's General Staff said 1,620 Russian soldiers were killed in the past day near Pokrovsk.",
            ],
            "published": ["2024-11-12", "2024-11-13"],
            "source": ["my-notes", "my-notes"],
        }
    ).to_csv(example_csv, index=False)
    example_rss = WORK / "my_feed.xml"
    example_rss.write_text(
        """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>My feed</title><link>https://example.org/</link>
<item><title>Odesa port hit</title><link>https://example.org/odesa</link>
<pubDate>Thu, 14 Nov 2024 08:00:00 GMT</pubDate>
<description>A missile strike on the port of Odesa on Wednesday killed 2 workers, officials said.</description></item>
</channel></rss>""",
        encoding="utf-8",
    )
    paths = [example_csv, example_rss]
items = dashboard.read_items(paths, as_of=AS_OF)
items[["item_id", "published", "source", "title", "text"]]

# %% [markdown]
# ## What the extractors find

# %%
found = dashboard.extract(items)
{name: len(frame) for name, frame in found.as_dict().items()}

# %%
found.casualties[["value", "kind", "side", "per", "claimant", "quote"]]

# %%
found.events[["phrase", "date", "precision"]] if len(found.events) else "no dates found"

# %%
found.entities[["name", "kind", "country"]].drop_duplicates() if len(
    found.entities
) else "no entities"

# %% [markdown]
# ## Into a store, and into the charts
# The store is copied first, so the original (`STORE`) is left exactly as it was.

# %%
mine = WORK / "store"
if store_dir.exists():
    shutil.copytree(store_dir, mine)
store = dashboard.open_store(mine)
before = store.version
summary = dashboard.ingest(paths, store=store, as_of=AS_OF)
print(summary.line())
assert store.version == before + 1

# %% [markdown]
# Only the new items: filter on their sources, as the app's URL would (`source=my-notes`).

# %%
new_sources = sorted(set(items["source"].dropna()))
filters = dashboard.Filters(sources=tuple(new_sources))
print("filters:", filters.describe(), "| app URL: ?" + filters.to_query_string())
con = store.connect()
for name in ("items_per_source", "casualties_over_time", "place_map"):
    spec = CHARTS[name]
    frame = spec.frame(con, filters)
    print(f"\n{spec.title}: {len(frame)} rows")
    display(spec.chart_fn(frame))

# %% [markdown]
# Clean up the temporary folder (skip this cell to keep the store and look at it in the
# app: `DASHBOARD_STORE=<folder>/store .venv/bin/streamlit run dashboard/app/main.py`).

# %%
con.close()
shutil.rmtree(WORK)
