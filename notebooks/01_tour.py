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
# # A tour of the store
#
# What `dashboard ingest` stored: the store's version and source files, every frame with
# its columns, and every chart of the app, drawn from the same views the app uses.
#
# Parameters (the cell tagged `parameters`): `STORE` is the store directory, relative to the repository root
# (default `data/store`, or `$DASHBOARD_STORE`); on a fresh checkout the sample is ingested
# into it first, as `make sample` does. `FILTERS` is a query string, the same syntax as the
# app's URL (e.g. `side=russia&from=2024-10-01`).

# %%
import os
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
FILTERS = ""
AS_OF = "2024-11-15"  # reference date of the bundled sample

# %%
# The repository root, whether the kernel runs in notebooks/ or at the root.
ROOT = next(
    (p for p in (Path.cwd(), *Path.cwd().parents) if (p / "pyproject.toml").exists()), Path.cwd()
)
store_dir = Path(STORE) if Path(STORE).is_absolute() else ROOT / STORE
store = dashboard.open_store(store_dir)
if not store.exists():
    print(dashboard.ingest([ROOT / "data" / "samples"], store=store, as_of=AS_OF).line())
print(f"store {store_dir}, version {store.version}")

# %% [markdown]
# ## Where the data came from
# One row per file ingested (content hash, path, records), and one per ingest (batch).

# %%
manifest = store.manifest()
files = pd.DataFrame([{"sha256": h[:12], **info} for h, info in manifest["files"].items()])
batches = pd.DataFrame(manifest["batches"])
display(files)
display(
    batches[
        [
            c
            for c in (
                "version",
                "time",
                "read",
                "new",
                "duplicate",
                "rejected",
                "extraction_version",
                "as_of",
            )
            if c in batches
        ]
    ]
)

# %% [markdown]
# ## The frames
# Every table of the store as a typed pandas frame (`store.frame(name)`); the schemas are in
# `dashboard.SCHEMAS`.

# %%
frames = {name: store.frame(name) for name in dashboard.SCHEMAS}
pd.DataFrame(
    {
        "rows": {name: len(f) for name, f in frames.items()},
        "columns": {name: ", ".join(f.columns) for name, f in frames.items()},
    }
)

# %%
frames["items"][["item_id", "published", "event_date", "source", "title"]].head()

# %%
frames["casualties"][["value", "value_max", "kind", "side", "per", "claimant", "quote"]].head(10)

# %%
frames["entities"].groupby("kind").size().rename("mentions").to_frame()

# %% [markdown]
# ## Every chart of the app
# `CHARTS` is the app's registry: each entry's view makes the frame from a DuckDB connection
# and the filters, its chart function draws it. The frame shown under each chart is exactly
# what the exporter writes as that chart's CSV.

# %%
filters = dashboard.Filters.from_query(FILTERS)
con = store.connect()
print("filters:", filters.describe())
shown = []
for name, spec in CHARTS.items():
    frame = spec.frame(con, filters)
    print(f"\n{spec.title} ({spec.page} page): {len(frame)} rows")
    display(spec.chart_fn(frame))
    display(frame.head(5))
    shown.append(name)
assert shown == list(CHARTS)
