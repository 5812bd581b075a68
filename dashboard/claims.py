"""Claims: each claimant's casualty numbers as series, and where they do not add up.

War casualty numbers are claims: the Ukrainian General Staff's running totals of Russian
losses, the Russian Ministry of Defence's of Ukrainian ones, the UN's verified civilian
deaths. For one side and kind, this module turns the figures (a frame shaped like
``views.casualty_figures``) into:

- :func:`claim_series`: each claimant's cumulative totals, one row per date (the largest
  figure they gave that day), counting a figure repeated by many items once;
- :func:`claimant_table`: per claimant, the first and latest claim, the latest value, the
  number of claims and the implied average per day between consecutive totals;
- :func:`claim_flags`: what does not add up, each flag with the evidence sentences.

The rules and their tolerances (constants below):

1. **total_decreases**: a claimant's cumulative total is lower than their previous one by
   more than ``DECREASE_TOLERANCE`` (totals only grow; a drop is a misread or another scope).
2. **rate_contradicts_totals**: a daily rate outside ``RATE_FACTOR`` times the change per
   day of the same claimant's totals on either side of it, when those totals are at most
   ``RATE_WINDOW_DAYS`` apart.
3. **claimants_disagree**: two claimants' totals for the same side and kind in the same
   month differ by more than ``DISAGREE_FACTOR`` times.
4. **outlier**: a total more than ``OUTLIER_FACTOR`` times away from the median of the
   claimant's other totals within ``OUTLIER_WINDOW_DAYS`` (likely an extraction or scope
   error).
5. **syndicated**: the same figure from the same claimant on the same day in at least
   ``SYNDICATED_MIN`` items: counted once in the series, and said.

Figures nobody is named for ("unattributed") are kept as one series for the charts but are
not checked by rules 1-4: they are many sources' numbers, not one claimant's.

Reference data (``origin = "dataset"``: UCDP GED's deaths per event) is not a claimant's
running total but counts of single events: :func:`reference_table` sums them over the
same filters (``views.reference_sums``) so they stand beside the claimed totals.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

DECREASE_TOLERANCE = 0.02
RATE_FACTOR = 2.0
RATE_WINDOW_DAYS = 31
DISAGREE_FACTOR = 3.0
OUTLIER_FACTOR = 10.0
OUTLIER_WINDOW_DAYS = 90
SYNDICATED_MIN = 3
FLAG_COLUMNS = ["flag", "claimant", "date", "value", "other", "message", "evidence"]
UNATTRIBUTED = "unattributed"
# A dataset's running sum is labelled apart from its name as a claimant.
REFERENCE_SUFFIX = " (sum of events)"
TABLE_COLUMNS = ["claimant", "first_claim", "latest_claim", "latest_value", "n_claims", "per_day"]
# Counts are whole numbers; a missing average stays empty (not "None") in every table.
TABLE_TYPES = {"latest_value": "Int64", "n_claims": "Int64", "per_day": "float64"}


def _claims(figures: pd.DataFrame, per: str) -> pd.DataFrame:
    """Figures of one measure with a value, a claimant (or "unattributed") and a claim date:
    the end of the period they cover (``period_end``, when the frame has it), else ``date``."""
    rows = figures[(figures["per"] == per) & figures["value"].notna()].copy()
    rows["claimant"] = rows["claimant"].fillna("").str.strip().replace("", UNATTRIBUTED)
    end = pd.to_datetime(rows.get("period_end", pd.Series(None, index=rows.index)), errors="coerce")
    rows["day"] = end.fillna(pd.to_datetime(rows["date"], errors="coerce")).dt.normalize()
    return rows.dropna(subset=["day"])


def claim_series(figures: pd.DataFrame, per: str = "total") -> pd.DataFrame:
    """One row per claimant and day: the largest figure of that day (``value``), how many
    items reported it (``n_items``: a syndicated figure counts once) and one evidence
    sentence. Sorted by claimant and day."""
    rows = _claims(figures, per)
    if rows.empty:
        return pd.DataFrame(columns=["claimant", "day", "value", "n_items", "evidence"])
    rows = rows.sort_values(["claimant", "day", "value"], ascending=[True, True, False])
    return (
        rows.groupby(["claimant", "day"], as_index=False, sort=True)
        .agg(
            value=("value", "max"),
            n_items=("item_id", "nunique"),
            evidence=("sentence", "first"),
        )
        .reset_index(drop=True)
    )


def claimant_table(series: pd.DataFrame, sums: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per claimant: first and latest claim, latest value, claims, and the average change
    per day between consecutive totals (missing with a single claim). Unattributed figures
    are no one's series: left out. With ``sums`` (``views.reference_sums``), a row per
    dataset follows (:func:`reference_table`)."""
    if sums is not None:
        return pd.concat([claimant_table(series), reference_table(sums)], ignore_index=True)
    out = []
    named = series[series["claimant"] != UNATTRIBUTED]
    for claimant, rows in named.groupby("claimant", sort=True):
        rows = rows.sort_values("day")
        days = rows["day"].diff().dt.days
        per_day = (rows["value"].diff() / days.where(days > 0)).dropna()
        out.append(
            {
                "claimant": claimant,
                "first_claim": rows["day"].iloc[0],
                "latest_claim": rows["day"].iloc[-1],
                "latest_value": rows["value"].iloc[-1],
                "n_claims": len(rows),
                "per_day": per_day.mean() if len(per_day) else None,
            }
        )
    return pd.DataFrame(out, columns=TABLE_COLUMNS).astype(TABLE_TYPES)


def reference_table(sums: pd.DataFrame) -> pd.DataFrame:
    """The claimant table's row for each dataset's running sum (``views.reference_sums``):
    its first and latest event, the sum, the number of events, and the average per day
    over the span (a sum of events grows by each event, not between claims)."""
    out = []
    for claimant, rows in sums.groupby("claimant", sort=True):
        rows = rows.sort_values("date")
        # each side and kind runs its own sum: their latest values add up
        latest = rows.groupby(["side", "kind"]).tail(1)
        first, last = pd.Timestamp(rows["date"].iloc[0]), pd.Timestamp(rows["date"].iloc[-1])
        total = latest["value"].sum()
        out.append(
            {
                "claimant": claimant + REFERENCE_SUFFIX,
                "first_claim": first,
                "latest_claim": last,
                "latest_value": total,
                "n_claims": int(latest["n_events"].sum()),
                "per_day": total / ((last - first).days + 1),
            }
        )
    return pd.DataFrame(out, columns=TABLE_COLUMNS).astype(TABLE_TYPES)


def _flag(flag, claimant, day, value, other, message, evidence) -> dict:
    values = (flag, claimant, day, value, other, message, evidence)
    return dict(zip(FLAG_COLUMNS, values, strict=True))


def _decreases(series: pd.DataFrame) -> list[dict]:
    flags = []
    for claimant, rows in series.groupby("claimant", sort=True):
        rows = rows.sort_values("day").reset_index(drop=True)
        for before, after in zip(rows.itertuples(), rows.iloc[1:].itertuples(), strict=False):
            if after.value < before.value * (1 - DECREASE_TOLERANCE):
                message = (
                    f"{claimant}'s total went down from {before.value:,.0f} "
                    f"({before.day:%Y-%m-%d}) to {after.value:,.0f} ({after.day:%Y-%m-%d})"
                )
                evidence = [before.evidence, after.evidence]
                flags.append(
                    _flag("total_decreases", claimant, after.day, after.value, before.value,
                          message, evidence)
                )  # fmt: skip
    return flags


def _rates(figures: pd.DataFrame, series: pd.DataFrame) -> list[dict]:
    """Daily rates against the change per day of the same claimant's surrounding totals."""
    flags = []
    totals = {who: rows.reset_index(drop=True) for who, rows in series.groupby("claimant")}
    for rate in claim_series(figures, per="day").itertuples():
        rows = totals.get(rate.claimant)
        # the claimant's last total before the rate's day and first on or after it (a
        # claimant's series is sorted by day, one row a day)
        k = 0 if rows is None else int(rows["day"].searchsorted(rate.day, side="left"))
        if rows is None or k == 0 or k == len(rows):
            continue
        before, after = rows.iloc[k - 1], rows.iloc[k]
        days = (after["day"] - before["day"]).days
        if not 0 < days <= RATE_WINDOW_DAYS:
            continue
        implied = (after["value"] - before["value"]) / days
        if implied <= 0 or not implied / RATE_FACTOR <= rate.value <= implied * RATE_FACTOR:
            message = (
                f"{rate.claimant} claims {rate.value:,.0f} a day on {rate.day:%Y-%m-%d}; "
                f"their totals imply {implied:,.0f} a day over those {days} days"
            )
            evidence = [rate.evidence, before["evidence"], after["evidence"]]
            flags.append(
                _flag("rate_contradicts_totals", rate.claimant, rate.day, rate.value,
                      implied, message, evidence)
            )  # fmt: skip
    return flags


def _disagreements(series: pd.DataFrame) -> list[dict]:
    """Claimants' latest totals of the same month, pairwise."""
    month = series.assign(month=series["day"].dt.to_period("M"))
    latest = month.sort_values("day").groupby(["month", "claimant"], as_index=False).last()
    flags = []
    for _, rows in latest.groupby("month", sort=True):
        rows = rows.sort_values("value").reset_index(drop=True)
        low, high = rows.iloc[0], rows.iloc[-1]
        if len(rows) >= 2 and low["value"] > 0 and high["value"] > low["value"] * DISAGREE_FACTOR:
            message = (
                f"{high['claimant']} says {high['value']:,.0f}, {low['claimant']} says "
                f"{low['value']:,.0f} in {high['day']:%B %Y}"
            )
            evidence = [high["evidence"], low["evidence"]]
            flags.append(
                _flag("claimants_disagree", high["claimant"], high["day"], high["value"],
                      low["value"], message, evidence)
            )  # fmt: skip
    return flags


def _outliers(series: pd.DataFrame) -> list[dict]:
    """A total far from the median of the claimant's other totals within the window."""
    flags = []
    window = pd.Timedelta(days=OUTLIER_WINDOW_DAYS)
    for claimant, rows in series.groupby("claimant", sort=True):
        # a claimant's series is sorted by day: each window is a slice of it
        days, values = rows["day"], rows["value"].to_numpy(dtype=float)
        starts = days.searchsorted(days - window, side="left")
        ends = days.searchsorted(days + window, side="right")
        for i, row in enumerate(rows.itertuples()):
            others = np.delete(values[starts[i] : ends[i]], i - starts[i])
            if len(others) < 2:
                continue
            median = float(np.median(others))
            if median > 0 and not median / OUTLIER_FACTOR <= row.value <= median * OUTLIER_FACTOR:
                message = (
                    f"{claimant}'s {row.value:,.0f} on {row.day:%Y-%m-%d} is far from their "
                    f"other totals around then (median {median:,.0f})"
                )
                flags.append(
                    _flag("outlier", claimant, row.day, row.value, median, message,
                          [row.evidence])
                )  # fmt: skip
    return flags


def _syndicated(series: pd.DataFrame) -> list[dict]:
    rows = series[series["n_items"] >= SYNDICATED_MIN]
    return [
        _flag("syndicated", r.claimant, r.day, r.value, r.n_items,
              f"{r.claimant}'s {r.value:,.0f} on {r.day:%Y-%m-%d} is in {r.n_items} items: "
              "counted once", [r.evidence])
        for r in rows.itertuples()
    ]  # fmt: skip


def claim_flags(figures: pd.DataFrame) -> pd.DataFrame:
    """Every flag of :mod:`dashboard.claims`'s rules for ``figures`` (one side and kind),
    in rule order, then by claimant and date. ``evidence`` lists the sentences involved."""
    series = claim_series(figures)
    if series.empty:  # no totals: nothing to check rates or claimants against
        return pd.DataFrame(columns=FLAG_COLUMNS)
    # figures nobody is named for are not one claimant's series: only syndication applies
    named = series[series["claimant"] != UNATTRIBUTED]
    flags = [
        *_decreases(named),
        *_rates(figures, named),
        *_disagreements(named),
        *_outliers(named),
        *_syndicated(series),
    ]
    return pd.DataFrame(flags, columns=FLAG_COLUMNS)
