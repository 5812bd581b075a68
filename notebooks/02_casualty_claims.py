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
# # Casualty claims: who says what, over time
#
# The same side and kind of loss (e.g. Russian soldiers killed) is reported by different
# claimants: a general staff, a defence ministry, an intelligence service. This notebook
# puts their figures side by side over time, one measure at a time (per event, daily rate,
# monthly figure, cumulative total are different quantities and are never mixed), with the
# sentence each figure was read from.
#
# Parameters: `STORE` as in the tour; `SIDE` and `KIND` pick the comparison (empty: the
# side and kind with the most claimants); `FILTERS` narrows the items (app URL syntax).

# %%
import os
from pathlib import Path

import altair as alt
from IPython.display import display

import dashboard
from dashboard import views
from dashboard.charts import CHARTS

# Charts drawn as SVG by vl-convert: offline (the default renderer loads Vega from a CDN)
# and shown by any notebook viewer. The app has the interactive versions.
_ = alt.renderers.enable("svg")

# %% tags=["parameters"]
STORE = os.environ.get("DASHBOARD_STORE", "data/store")
FILTERS = ""
SIDE = ""
KIND = ""
AS_OF = "2024-11-15"

# %%
ROOT = next(
    (p for p in (Path.cwd(), *Path.cwd().parents) if (p / "pyproject.toml").exists()), Path.cwd()
)
store_dir = Path(STORE) if Path(STORE).is_absolute() else ROOT / STORE
store = dashboard.open_store(store_dir)
if not store.exists():
    print(dashboard.ingest([ROOT / "data" / "samples"], store=store, as_of=AS_OF).line())
filters = dashboard.Filters.from_query(FILTERS)
con = store.connect()
print(f"store {store_dir}, version {store.version}; filters: {filters.describe()}")

# %% [markdown]
# ## Every figure with a claimant, under the filters
# The filters go to SQL exactly as in the app (`Filters.item_where`, `casualty_where`).

# %%
item_where, item_params = filters.item_where("i", con=con)
casualty_where, casualty_params = filters.casualty_where("c")
claims = con.execute(
    f"""
    SELECT CAST(coalesce(c.period_end, i.published, i.event_date) AS DATE) AS date,
           c.side, c.kind, c.per, c.claimant, c.value, c.value_max, c.approximate,
           c.quote, c.sentence, i.title, i.source, c.item_id
    FROM casualties c JOIN items i ON i.item_id = c.item_id
    WHERE {item_where} AND {casualty_where}
      AND c.claimant IS NOT NULL AND c.claimant <> '' AND c.value IS NOT NULL
    ORDER BY date, c.item_id, c.start
    """,
    item_params + casualty_params,
).df()
print(f"{len(claims)} figures with a claimant")
claimants = (
    claims.groupby(["side", "kind"])["claimant"]
    .nunique()
    .rename("claimants")
    .sort_values(ascending=False)
)
claimants.to_frame()

# %% [markdown]
# ## One side and kind
# The pair with the most distinct claimants, unless `SIDE` and `KIND` say otherwise.

# %%
side, kind = SIDE, KIND
if (not side or not kind) and len(claimants):
    side, kind = claimants.index[0]
chosen = claims[(claims["side"] == side) & (claims["kind"] == kind)]
print(
    f"side {side or '-'}, kind {kind or '-'}: {len(chosen)} figures from {chosen['claimant'].nunique()} claimant(s)"
)
if chosen["claimant"].nunique() < 2:
    print("Only one claimant here: nothing to compare yet (try another store or other filters).")
chosen.pivot_table(index="date", columns=["per", "claimant"], values="value", aggfunc="max")

# %%
if chosen.empty:
    print("No figures to draw.")
else:
    chart = (
        alt.Chart(chosen.astype({"claimant": "string", "per": "string", "quote": "string"}))
        .mark_line(point=True)
        .encode(
            x=alt.X("date:T", title="Date reported"),
            y=alt.Y("value:Q", title="People (reported)"),
            color=alt.Color("claimant:N", title="Claimant"),
            tooltip=["date:T", "claimant:N", "value:Q", "quote:N"],
        )
        .properties(width=560, height=160, title=f"{side} · {kind}: figures by claimant")
        .facet(row=alt.Row("per:N", title="Measure"))
        .resolve_scale(y="independent")
    )
    display(chart)

# %% [markdown]
# ## The evidence
# Each figure with the sentence it was read from (HTML in item text is shown as text).

# %%
for claimant, group in chosen.groupby("claimant", sort=True):
    print(f"\n== {claimant}: {len(group)} figure(s)")
    for row in group.itertuples():
        print(f"  {row.date:%Y-%m-%d}  {row.value:>9,} per {row.per}  [{row.source}]")
        print(f"      “{row.sentence}”")

# %% [markdown]
# ## The app's claimant chart
# The casualties page compares every side · kind · per group that has two or more claimants.

# %%
spec = CHARTS["claimant_ranges"]
ranges = spec.frame(con, filters)
display(spec.chart_fn(ranges))
display(ranges)

# %% [markdown]
# ## What does not add up
# `dashboard.claim_flags` checks each claimant's series of totals (the rules and their
# tolerances are in `dashboard/claims.py`): a total going down, a daily rate against the
# claimant's own totals, claimants far apart in a month, an outlier, a figure many items
# repeat. Each flag comes with the sentences involved. The app's Claims page shows the same.

# %%
series = dashboard.claim_series(chosen)
display(dashboard.claimant_table(series))
flags = dashboard.claim_flags(chosen)
print(f"{len(flags)} flag(s) for {side or '-'} · {kind or '-'}")
for row in flags.itertuples():
    print(f"- {row.flag}: {row.message}")
    for sentence in row.evidence:
        print(f"      “{sentence}”")

# %% [markdown]
# ## Reference data beside the claims
# Records that carry their own death counts (UCDP GED's deaths per event, an ACLED export's
# fatalities) are stored as figures with `origin = "dataset"`, the dataset as claimant
# (`dashboard/reference.py`). They count single events, so they are summed from the first
# day in the filters and drawn beside the claimed running totals; the claimant table ends
# with each dataset's sum. The app's Claims page shows the same.

# %%
focus = filters.replace(sides=(side,) if side else (), kinds=(kind,) if kind else ())
display(views.claimant_table(con, focus))
sums = views.reference_sums(con, focus)
print(f"{len(sums)} day(s) of dataset counts for {side or '-'} · {kind or '-'}")
display(CHARTS["claims_reference"].build(con, focus))
