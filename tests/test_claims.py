"""Claims: synthetic claim series with known flags give exactly those flags."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import claims

COLUMNS = ["value", "per", "claimant", "period_end", "date", "sentence", "item_id"]


def _figures(rows: list[tuple]) -> pd.DataFrame:
    """(value, per, claimant, day, item_id) -> a frame shaped like views.casualty_figures."""
    frame = pd.DataFrame(
        [
            (v, per, who, None, pd.Timestamp(day), f"{who} says {v} ({per}, {day}).", item)
            for v, per, who, day, item in rows
        ],
        columns=COLUMNS,
    )
    return frame


def _steady(who: str, start: int, per_day: int, days: int, step: int = 7, item: str = "i"):
    """A claimant's totals growing by ``per_day``, one claim every ``step`` days."""
    first = pd.Timestamp("2023-01-01")
    return [
        (start + per_day * d, "total", who, first + pd.Timedelta(days=d), f"{item}{d}")
        for d in range(0, days, step)
    ]


def _kinds(figures: pd.DataFrame) -> list[str]:
    return claims.claim_flags(figures)["flag"].tolist()


def test_a_steady_series_has_no_flags():
    figures = _figures(_steady("General Staff", 100_000, 500, 60))
    assert _kinds(figures) == []
    table = claims.claimant_table(claims.claim_series(figures))
    assert table.loc[0, "per_day"] == pytest.approx(500)
    assert table.loc[0, "n_claims"] == 9 and table.loc[0, "latest_value"] == 100_000 + 500 * 56


def test_a_decreasing_total_is_flagged():
    rows = _steady("General Staff", 100_000, 500, 60)
    rows.append((98_000, "total", "General Staff", pd.Timestamp("2023-03-15"), "drop"))
    flags = claims.claim_flags(_figures(rows))
    assert flags["flag"].tolist() == ["total_decreases"]
    assert flags.loc[0, "value"] == 98_000
    assert any("98000" in s for s in flags.loc[0, "evidence"])  # the sentences involved


def test_a_rate_that_contradicts_the_totals_is_flagged():
    rows = _steady("General Staff", 100_000, 500, 60)
    ok = (520, "day", "General Staff", pd.Timestamp("2023-01-10"), "r1")
    wrong = (5_000, "day", "General Staff", pd.Timestamp("2023-01-20"), "r2")
    flags = claims.claim_flags(_figures([*rows, ok, wrong]))
    assert flags["flag"].tolist() == ["rate_contradicts_totals"]
    assert flags.loc[0, "value"] == 5_000 and flags.loc[0, "other"] == pytest.approx(500)


def test_divergent_claimants_are_flagged():
    rows = _steady("General Staff", 100_000, 0, 10, step=30)
    rows.append((10_000, "total", "Ministry of Defence", pd.Timestamp("2023-01-05"), "m"))
    flags = claims.claim_flags(_figures(rows))
    assert flags["flag"].tolist() == ["claimants_disagree"]
    assert (flags.loc[0, "claimant"], flags.loc[0, "other"]) == ("General Staff", 10_000)


def test_an_outlier_is_flagged():
    rows = _steady("General Staff", 100_000, 100, 60)
    rows.append((1_900_000, "total", "General Staff", pd.Timestamp("2023-01-18"), "x"))
    flags = claims.claim_flags(_figures(rows))
    # far above its neighbours; the next claim is then a drop as well
    assert flags["flag"].tolist() == ["total_decreases", "outlier"]
    assert flags.loc[1, "value"] == 1_900_000


def test_a_syndicated_figure_counts_once_and_is_said():
    rows = _steady("General Staff", 100_000, 500, 30)
    copies = [
        (103_500, "total", "General Staff", pd.Timestamp("2023-01-08"), f"c{k}") for k in range(4)
    ]
    figures = _figures([*rows, *copies])
    series = claims.claim_series(figures)
    day = series[series["day"] == pd.Timestamp("2023-01-08")]
    assert len(day) == 1 and day["n_items"].iloc[0] == 5  # the claim and its 4 copies
    assert _kinds(figures) == ["syndicated"]


def test_unattributed_figures_are_one_claimant_and_empty_input_is_fine():
    rows = [
        (10, "total", None, pd.Timestamp("2023-01-01"), "a"),
        (12, "total", " ", pd.Timestamp("2023-01-02"), "b"),
    ]
    series = claims.claim_series(_figures(rows))
    assert set(series["claimant"]) == {claims.UNATTRIBUTED}
    empty = _figures([])
    assert claims.claim_flags(empty).empty and claims.claim_series(empty).empty
    assert list(claims.claim_flags(empty).columns) == claims.FLAG_COLUMNS


def test_the_claims_command_prints_the_flags(tmp_path):
    """``dashboard claims`` on a store whose one claimant's total goes down."""
    import json
    import subprocess
    import sys

    from dashboard.ingest import ingest
    from dashboard.store import Store

    digest = tmp_path / "digest.txt"
    digest.write_text(
        "The General Staff said on 1 March 2023 that Russia has lost 150,000 soldiers since "
        "the invasion.\nRead More\n"
        "The General Staff said on 2 April 2023 that Russia has lost 120,000 soldiers since "
        "the invasion.\nRead More\n",
        encoding="utf-8",
    )
    store = Store(tmp_path / "store")
    ingest([digest], store=store, as_of="2023-04-03", discover=False)
    figures = store.frame("casualties")
    assert len(figures) == 2, figures[["value", "per", "claimant"]]

    def run(*args):
        cmd = [sys.executable, "-m", "dashboard", "claims", "--store", str(store.root), *args]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120)

    query = "from=2023-01-01&to=2023-12-31&side=russia&on_topic=0"  # two short items
    out = run("--filters", query, "--json")
    assert out.returncode == 0, out.stderr
    flags = [json.loads(line) for line in out.stdout.splitlines()]
    assert [f["flag"] for f in flags] == ["total_decreases"], flags
    assert len(flags[0]["evidence"]) == 2
    table = run("--filters", query)
    assert "total_decreases" in table.stdout and "150,000" in table.stdout
    bad = run("--filters", "kindx=1")
    assert bad.returncode == 2 and "unknown filter kindx" in bad.stderr


def test_the_claims_read_only_span_figures_and_find_the_same(corpus_store):
    """``views.claimed_figures`` leaves single events out; the table and the flags of the
    Claims page are those every figure of the side and kind gives, on the corpus store."""
    from dashboard import views
    from dashboard.query import Filters

    con = corpus_store.connect()
    n_flags = 0
    for query in ("side=russia&kind=killed", "side=ukraine&kind=killed", "kind=killed"):
        filters = Filters.from_query(query)
        claimed = views.claimed_figures(con, filters)
        every = views.casualty_figures(con, filters, limit=10_000_000)
        assert set(claimed["per"]) <= {"total", "day", "month"}
        assert len(claimed) == (every["per"] != "event").sum() < len(every)
        flags = claims.claim_flags(claimed)
        pd.testing.assert_frame_equal(flags, claims.claim_flags(every))
        pd.testing.assert_frame_equal(
            claims.claimant_table(claims.claim_series(claimed)),
            claims.claimant_table(claims.claim_series(every)),
        )
        n_flags += len(flags)
    assert n_flags  # the comparison covers flags, not only empty frames
