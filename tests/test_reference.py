"""Reference figures: the casualty counts records carry in their own columns (issue 13)."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pandas as pd
import pytest

from dashboard import views
from dashboard.cli import main
from dashboard.ingest import ingest
from dashboard.items import iter_item_chunks
from dashboard.query import Filters
from dashboard.reference import parse_count
from dashboard.store import Store

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "data" / "datasets" / "ucdp_ged_ukraine.csv.gz"
CORPUS_UCDP = ROOT.parent / "shared" / "corpus" / "ucdp_ukraine_events.csv"
HEADER = (
    "id,source_headline,date_start,date_end,country,side_a,side_b,"
    "deaths_a,deaths_b,deaths_civilians,deaths_unknown,best,low,high\n"
)


def _figures(path, **options) -> tuple[pd.DataFrame, pd.DataFrame]:
    chunks = list(iter_item_chunks([path], as_of="2024-11-15", **options))
    figures = pd.concat([c.figures for c in chunks], ignore_index=True)
    rejects = pd.concat([c.rejects for c in chunks], ignore_index=True)
    return figures, rejects


def _ucdp(path: Path, rows: list[str]) -> Path:
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def _month_sums(frame: pd.DataFrame, date: str, value: str) -> pd.Series:
    months = pd.to_datetime(frame[date], format="mixed").dt.to_period("M")
    return frame.groupby(months)[value].sum().sort_index()


@pytest.mark.parametrize("path", [BUNDLED, CORPUS_UCDP], ids=["bundled", "corpus"])
def test_ucdp_reference_figures_sum_per_month_to_ucdps_best(path):
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{path} is missing on CI")
        pytest.skip(f"{path} is not here")
    figures, _ = _figures(path)
    source = pd.read_csv(path, encoding="utf-8" if path.suffix == ".gz" else "cp1252")
    assert (figures["origin"] == "dataset").all()
    assert (figures["per"] == "event").all() and (figures["claimant"] == "UCDP GED").all()
    ours = _month_sums(figures, "period_start", "value")
    theirs = _month_sums(source, "date_start", "best")
    theirs = theirs[theirs > 0]
    pd.testing.assert_series_equal(ours, theirs, check_names=False, check_dtype=False)


def test_each_count_gets_its_actors_side_and_group(tmp_path):
    path = _ucdp(
        tmp_path / "ged.csv",
        [
            "1,Shelling in Donetsk,2015-01-20,2015-01-21,Ukraine,Government of Ukraine,DPR,"
            "3,5,2,1,11,9,14",
            "2,Strike on Kharkiv,2022-03-01,2022-03-01,Ukraine,"
            "Government of Russia (Soviet Union),Civilians,0,7,0,0,7,6,9",
            "3,Clash,2022-04-01,2022-04-01,Ukraine,Government of Belarus,Some Brigade,"
            "4,0,0,0,4,4,4",
        ],
    )
    figures, _ = _figures(path)
    got = {(r.record_ref.split(":", 1)[1], r.value, r.side, r.group) for r in figures.itertuples()}
    assert got == {
        ("1:deaths_a", 3, "ukraine", "military"),
        ("1:deaths_b", 5, "russia", "military"),  # DPR counts as russia (sides.toml)
        ("1:deaths_civilians", 2, "ukraine", "civilian"),  # the event's country
        ("1:deaths_unknown", 1, "unknown", "unknown"),
        ("2:deaths_b", 7, "ukraine", "civilian"),  # "Civilians" are the country's
        ("3:deaths_a", 4, "belarus", "military"),  # not listed: read with the sides table
    }
    single = figures[figures["record_ref"].str.endswith("2:deaths_b")].iloc[0]
    assert (single["value_min"], single["value"], single["value_max"]) == (6, 7, 9)
    assert single["period_start"] == pd.Timestamp("2022-03-01")
    several = figures[figures["record_ref"].str.startswith("UCDP GED:1:")]
    assert several["value_min"].isna().all()  # a range of the total, not of each part
    assert (several["period_end"] == pd.Timestamp("2015-01-21")).all()


def test_bad_counts_are_set_aside_and_the_record_loads(tmp_path):
    path = _ucdp(
        tmp_path / "bad.csv",
        [
            "1,Shelling in Avdiivka,2016-05-01,2016-05-01,Ukraine,Government of Ukraine,DPR,"
            "many,-2,,4,4,5,3",
            "2,Clash near Popasna,2016-05-02,2016-05-02,Ukraine,Government of Ukraine,LPR,"
            "1.5,2,0,0,3,3,3",
        ],
    )
    figures, rejects = _figures(path)
    _, items = ingest_items(path)
    assert len(items) == 2  # both records load
    assert sorted(figures["record_ref"]) == ["UCDP GED:1:deaths_unknown", "UCDP GED:2:deaths_b"]
    reasons = " | ".join(rejects["reason"])
    assert "deaths_a: 'many' is not a count" in reasons
    assert "deaths_b: -2 is negative" in reasons
    assert "low 5 / high 3 do not hold best 4" in reasons
    assert "deaths_a: '1.5' is not a count" in reasons
    assert rejects["record"].tolist() == [0, 0, 0, 1]


def ingest_items(path):
    chunks = list(iter_item_chunks([path], as_of="2024-11-15"))
    return chunks, pd.concat([c.items for c in chunks])


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("12", 12), (" 1,234 ", 1234), (3.0, 3), (7, 7), ("", None), (None, None), ("5.0", 5)],
)
def test_parse_count_reads_counts(raw, expected):
    assert parse_count(raw) == expected


@pytest.mark.parametrize("raw", ["ten", "-1", -1, 2.5, True, "1e400", 10**9, "12 killed"])
def test_parse_count_refuses_what_is_not_a_count(raw):
    with pytest.raises(ValueError):
        parse_count(raw)


def test_a_users_own_death_column_is_mapped_and_claimed_by_the_dataset(tmp_path):
    path = tmp_path / "local_monitor.csv"
    path.write_text(
        "date,report,Toll\n2023-05-01,Drone strike on Odesa port,3\n"
        "2023-05-02,Quiet day in Odesa,0\n",
        encoding="utf-8",
    )
    figures, _ = _figures(path, columns={"deaths": "Toll", "text": "report"})
    assert figures[["claimant", "value", "side", "kind"]].values.tolist() == [
        ["local_monitor", 3, "unknown", "killed"]  # a zero count is no figure
    ]
    assert figures["period_start"].tolist() == [pd.Timestamp("2023-05-01")]


def test_acled_style_fatalities_column_is_found_by_name(tmp_path):
    path = tmp_path / "acled.jsonl"
    path.write_text(
        '{"event_date": "2023-06-01", "notes": "Shelling of Kherson", "fatalities": 2, '
        '"actor1": "Military Forces of Russia (2000-)", "country": "Ukraine"}\n',
        encoding="utf-8",
    )
    figures, _ = _figures(path)
    assert figures[["claimant", "value", "kind"]].values.tolist() == [["acled", 2, "killed"]]
    # an actor column without a per-actor count does not say whose the deaths are
    assert figures["side"].tolist() == ["unknown"]


def test_a_record_ingested_from_two_files_counts_once(tmp_path):
    row = (
        "7,Shelling in Donetsk,2015-01-20,2015-01-20,Ukraine,Government of Ukraine,DPR,"
        "3,5,0,0,8,8,8"
    )
    first = _ucdp(tmp_path / "extract.csv", [row])
    second = tmp_path / "full.csv.gz"
    second.write_bytes(gzip.compress((HEADER + row + "\nX\n").encode()))
    store = Store(tmp_path / "store")
    ingest([first], store=store, as_of="2024-11-15", discover=False)
    ingest([second], store=store, as_of="2024-11-15", discover=False)
    con = store.connect()
    rows = con.execute(
        "SELECT record_ref, value FROM casualties WHERE origin = 'dataset' ORDER BY 1"
    ).fetchall()
    assert rows == [("UCDP GED:7:deaths_a", 3), ("UCDP GED:7:deaths_b", 5)]


@pytest.fixture(scope="module")
def ucdp_store(tmp_path_factory):
    root = tmp_path_factory.mktemp("ucdp") / "store"
    ingest([BUNDLED], store=root, as_of="2024-11-15", discover=False)
    return Store(root)


def test_views_tell_text_and_dataset_figures_apart(ucdp_store):
    con = ucdp_store.connect()
    text, _ = Filters.parse({})
    both, _ = Filters.parse({"origin": ["all"]})
    only, _ = Filters.parse({"origin": ["dataset"]})
    assert set(views.casualty_figures(con, text)["origin"]) == {"text"}
    assert set(views.casualty_figures(con, only)["origin"]) == {"dataset"}
    n = {f: len(views.casualty_figures(con, f, limit=100_000)) for f in (text, both, only)}
    assert n[both] == n[text] + n[only]
    assert "figures from dataset counts" in only.describe("figure")


def test_reference_sums_run_up_to_the_datasets_total(ucdp_store):
    con = ucdp_store.connect()
    filters, _ = Filters.parse({"side": ["russia"], "kind": ["killed"]})
    sums = views.reference_sums(con, filters)
    assert sums["value"].is_monotonic_increasing
    total = con.execute(
        "SELECT sum(value) FROM casualties c JOIN items i USING (item_id) "
        "WHERE origin = 'dataset' AND side = 'russia' AND i.on_topic AND scope = 'this_war'"
    ).fetchall()[0][0]
    assert sums["value"].iloc[-1] == total
    assert (sums["low"] <= sums["value"]).all() and (sums["value"] <= sums["high"]).all()
    table = views.claimant_table(con, filters)
    row = table[table["claimant"] == "UCDP GED (sum of events)"].iloc[0]
    assert row["latest_value"] == total and row["n_claims"] == sums["n_events"].iloc[-1]
    chart = views.claims_with_reference(con, filters)
    assert set(chart["measure"]) >= {"dataset running sum"}


def test_ingest_cli_takes_a_death_column(tmp_path, capsys):
    path = tmp_path / "monitor.csv"
    path.write_text("date,text,Dead\n2023-05-01,Strike on Odesa,4\n", encoding="utf-8")
    store = tmp_path / "store"
    code = main(
        ["ingest", str(path), "--store", str(store), "--quiet", "--deaths-column", "Dead",
         "--no-discover", "--as-of", "2024-11-15"]
    )  # fmt: skip
    assert code == 0
    rows = (
        Store(store)
        .connect()
        .execute("SELECT value, claimant, origin FROM casualties WHERE origin = 'dataset'")
        .fetchall()
    )
    assert rows == [(4, "monitor", "dataset")]


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory):
    """The sample `make run` opens on: the seed digest and the bundled UCDP extract."""
    root = tmp_path_factory.mktemp("sample") / "store"
    seed = ROOT / "data" / "samples" / "seed_digest_2024-11-15.txt"
    ingest([seed, BUNDLED], store=root, as_of="2024-11-15", discover=False)
    return Store(root)


def test_claims_page_puts_ucdp_beside_the_text_claims_on_the_sample(sample_store, monkeypatch):
    """ "Civilians killed in Ukraine: text claims vs UCDP" on the sample store."""
    from test_app import _app

    query = {"side": "ukraine", "kind": "killed", "group": "civilian"}
    at = _app(sample_store, monkeypatch, query).switch_page("app_pages/claims.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="claims_groups").value == "civilian"
    table = at.dataframe[0].value
    assert "UCDP GED (sum of events)" in set(table["claimant"])
    chart = [e for e in at.get("vega_lite_chart") if "sums of events" in e.proto.spec]
    assert chart, "the claims chart with the datasets' sums"
