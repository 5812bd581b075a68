"""The exporter: valid files, CSVs equal to the charts' data, reproducible, escaped, CLI."""

from __future__ import annotations

import csv
import json
import re
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile

import pandas as pd
import pytest
from conftest import ROOT, SEED, SEED_AS_OF

from dashboard import EXTRACTION_VERSION, Filters, ingest, open_store, views
from dashboard.charts import CHARTS
from dashboard.cli import main
from dashboard.export import (
    FORMULA_PREFIXES,
    check_filters,
    csv_safe,
    export_charts,
    frame_csv,
    with_default_dates,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# A <script> that loads anything from the network (a CDN) makes the HTML not self-contained.
REMOTE_SCRIPT = re.compile(rb"<script[^>]*\bsrc\s*=\s*[\"']?(?:https?:)?//", re.I)
# Ids vl-convert numbers with a per-process counter (``gradient_2``, ``clip4``).
SVG_IDS = re.compile(rb"(?:gradient_|clip)\d+")
HOSTILE_TITLE = "</script><script>alert('pwned')</script>"
# Two items: a title that closes <script>, text and sources that spreadsheets run as formulas.
HOSTILE_ROWS = [
    {
        "title": HOSTILE_TITLE,
        "text": '=HYPERLINK("http://evil.example") On 3 November 2024 a drone strike hit '
        "Kharkiv, officials said.",
        "published": "2024-11-04",
        "source": "@evil",
    },
    {
        "title": "Shelling of Kherson",
        "text": "Shelling of Kherson on 5 November 2024 damaged twelve homes.",
        "published": "2024-11-06",
        "source": "<b>evil</b> & co",
    },
]


@pytest.fixture(scope="module")
def seed(tmp_path_factory):
    root = tmp_path_factory.mktemp("export")
    store = open_store(root / "store")
    ingest([SEED], store=store, as_of=SEED_AS_OF)
    return store, root


@pytest.fixture(scope="module")
def exported(seed):
    store, root = seed
    return export_charts(store, root / "all", Filters(), ("png", "svg", "html"), make_zip=True)


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def read_back(path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as the strings a CSV holds: dates ISO, numbers as written, NA empty."""
    out = pd.DataFrame(index=frame.index)
    for col in frame.columns:
        s = frame[col]
        if pd.api.types.is_datetime64_any_dtype(s.dtype):
            text = s.dt.strftime("%Y-%m-%d").where(s.dt.normalize() == s, s.astype(str))
        else:
            text = s.astype("string")
        out[col] = text.fillna("").astype(str)
    return out.reset_index(drop=True)


# -- files --------------------------------------------------------------------------------
def test_every_chart_is_exported_in_every_format(exported):
    names = {c["name"] for c in exported.manifest["charts"]}
    assert names == set(CHARTS)
    for name in CHARTS:
        for ext in ("png", "svg", "html", "csv"):
            assert (exported.out / f"{name}.{ext}").stat().st_size > 0


def test_png_files_are_images_of_slide_size(exported):
    for entry in exported.manifest["charts"]:
        width, height = png_size((exported.out / entry["files"]["png"]).read_bytes())
        if entry["rows"] == 0:  # "no data under these filters": a title card, no axes
            assert width >= 400, entry["name"]
            continue
        # ~640 px charts at scale 2: wide enough for a slide, not a thumbnail.
        assert width >= 1000, (entry["name"], width)
        assert height >= 300, (entry["name"], height)


def test_svg_files_parse_and_carry_title_and_caption(exported):
    for name, spec in CHARTS.items():
        root = ET.parse(exported.out / f"{name}.svg").getroot()
        assert root.tag.endswith("svg")
        text = " ".join(root.itertext())
        assert "Filters: no filters" in text, name
        assert "Data: seed_digest_2024-11-15 (10)" in text, name
        assert spec.title.split()[0] in text, name


def test_html_is_self_contained(exported):
    for name in CHARTS:
        page = (exported.out / f"{name}.html").read_bytes()
        assert page.startswith(b"<!DOCTYPE html>") or page.lower().startswith(b"<!doctype html")
        assert not REMOTE_SCRIPT.search(page), name
        assert b"cdn.jsdelivr" not in page, name
        assert b"vegaEmbed" in page, name


def test_axis_titles_name_their_units(exported):
    svg = (exported.out / "item_counts.svg").read_text("utf-8")
    assert "Items (count)" in svg
    svg = (exported.out / "casualties_over_time.svg").read_text("utf-8")
    assert "People (summed)" in svg
    svg = (exported.out / "casualty_totals.svg").read_text("utf-8")
    assert "People (cumulative total, log scale)" in svg


def test_pdf_is_a_pdf(seed):
    store, root = seed
    res = export_charts(store, root / "pdf", None, "pdf", charts=["item_counts"])
    assert (res.out / "item_counts.pdf").read_bytes().startswith(b"%PDF-")
    assert res.manifest["charts"][0]["files"] == {
        "csv": "item_counts.csv",
        "pdf": "item_counts.pdf",
    }


def test_zip_holds_every_file(exported):
    with zipfile.ZipFile(exported.zip) as zf:
        names = set(zf.namelist())
        assert names == {f"{exported.out.name}/{rel}" for rel in exported.files}
        manifest = json.loads(zf.read(f"{exported.out.name}/manifest.json"))
    assert manifest == exported.manifest


# -- data ---------------------------------------------------------------------------------
def test_csv_equals_the_data_behind_each_chart(seed, exported):
    store, _ = seed
    con = store.connect()
    non_empty = 0
    for name, spec in CHARTS.items():
        filters = views.claim_focus(con, Filters()) if spec.page == "claims" else Filters()
        frame = spec.frame(con, filters)
        back = read_back(exported.out / f"{name}.csv")
        assert list(back.columns) == list(frame.columns), name
        assert len(back) == len(frame), name
        expected = as_text(frame)
        for col in frame.columns:
            if pd.api.types.is_float_dtype(frame[col].dtype):
                got = pd.to_numeric(back[col].replace("", None))
                pd.testing.assert_series_equal(
                    got.reset_index(drop=True),
                    frame[col].astype(float).reset_index(drop=True),
                    check_names=False,
                    check_dtype=False,  # a CSV of whole floats reads back as integers
                )
            else:
                assert back[col].tolist() == expected[col].tolist(), (name, col)
        non_empty += len(frame) > 0
    # The seed has topics, figures, dated events and places: most charts carry data.
    assert non_empty >= 7


def test_same_filters_twice_give_identical_csvs(seed, exported):
    store, root = seed
    again = export_charts(store, root / "again", Filters(), ("svg",))
    for name in CHARTS:
        first = (exported.out / f"{name}.csv").read_bytes()
        assert (again.out / f"{name}.csv").read_bytes() == first, name
        # the chart is deterministic too (no export time drawn into it), up to the
        # gradient ids vl-convert numbers per process
        svgs = [(d / f"{name}.svg").read_bytes() for d in (exported.out, again.out)]
        assert SVG_IDS.sub(b"#", svgs[0]) == SVG_IDS.sub(b"#", svgs[1]), name


def test_manifest_records_filters_store_sources_and_versions(seed):
    store, root = seed
    query = "from=2024-10-01&side=russia"
    res = export_charts(store, root / "russia", Filters.from_query(query), ("svg",))
    manifest = json.loads((res.out / "manifest.json").read_text("utf-8"))
    assert manifest["filters"]["query"] == query
    assert "side: russia" in manifest["filters"]["description"]
    assert manifest["store"]["version"] == store.version
    assert [s["path"] for s in manifest["sources"]] == [
        f["path"] for f in store.manifest()["files"].values()
    ]
    assert manifest["sources"][0]["records"] == 10
    assert manifest["extraction_versions"] == [str(EXTRACTION_VERSION)]
    assert manifest["as_of"] == [SEED_AS_OF]
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", manifest["time"])
    for entry in manifest["charts"]:
        for rel in entry["files"].values():
            assert (res.out / rel).exists()
    # the filters reach the data and the caption
    sides = read_back(res.out / "casualties_over_time.csv")["side"]
    assert len(sides) > 0 and set(sides) == {"russia"}
    svg = (res.out / "casualties_over_time.svg").read_text("utf-8")
    assert "side: russia" in svg and "2024-10-01" in svg


# -- untrusted text ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+7 killed", "'+7 killed"),
        ("-12", "'-12"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Kyiv", "Kyiv"),
        ("a=b", "a=b"),
        ("", ""),
        (-12, -12),
        (3.5, 3.5),
    ],
)
def test_csv_safe(cell, expected):
    assert csv_safe(cell) == expected


def test_frame_csv_guards_text_but_not_numbers():
    frame = pd.DataFrame(
        {"claimant": pd.array(["=1+1", "Kyiv", None], dtype="string"), "delta": [-3, 4, 5]}
    )
    rows = list(csv.reader(frame_csv(frame).decode("utf-8").splitlines()))
    assert rows == [["claimant", "delta"], ["'=1+1", "-3"], ["Kyiv", "4"], ["", "5"]]
    assert FORMULA_PREFIXES == ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A store whose item title closes <script>, whose text and source start formulas."""
    root = tmp_path_factory.mktemp("hostile")
    path = root / "hostile.csv"
    pd.DataFrame(HOSTILE_ROWS).to_csv(path, index=False)
    store = open_store(root / "store")
    summary = ingest([path], store=store, as_of="2024-11-15", discover=False)
    assert summary.new == 2
    res = export_charts(
        store, root / "out", None, ("svg", "html"), charts=["timeline", "items_per_source"]
    )
    return res


def test_exported_html_keeps_item_text_inside_the_data(hostile):
    page = (hostile.out / "timeline.html").read_text("utf-8")
    assert "alert(" in page  # the title is there ...
    assert HOSTILE_TITLE not in page  # ... but not as markup
    assert "<script>alert" not in page
    # every </script> closes a <script> the template opened
    assert page.count("</script>") == len(re.findall(r"<script\b", page))


def test_exported_svg_escapes_item_text(hostile):
    svg = (hostile.out / "items_per_source.svg").read_text("utf-8")
    root = ET.fromstring(svg)  # would fail on a raw '<' from the data
    labels = [t.text for t in root.iter() if t.tag.endswith("text")]
    assert "<b>evil</b> & co" in labels
    assert "&lt;b&gt;evil&lt;/b&gt; &amp; co" in svg


def test_exported_csv_neutralises_formulas(hostile):
    timeline = read_back(hostile.out / "timeline.csv")
    assert HOSTILE_TITLE in timeline["title"].tolist()  # kept as text, not altered
    assert any(s.startswith("'=HYPERLINK") for s in timeline["sentence"])
    sources = read_back(hostile.out / "items_per_source.csv")["source"].tolist()
    assert "'@evil" in sources
    for path in hostile.out.glob("*.csv"):
        for row in csv.reader(path.read_text("utf-8").splitlines()):
            assert not any(cell.startswith(FORMULA_PREFIXES) and cell[:1] != "-" for cell in row)


# -- command line ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("topc=drones", "unknown filter topc"),
        ("from=2024-13-01", "is not a date"),
        ("date=yesterday", "Date: 'yesterday' is not one of event, published"),
    ],
)
def test_check_filters_rejects_typos(query, message):
    with pytest.raises(ValueError, match=message):
        check_filters(query)


def test_check_filters_accepts_the_app_syntax():
    query = "from=2024-10-01&to=2024-11-15&date=published&topic=A&topic=B&side=russia&q=drone"
    assert check_filters(query) == Filters.from_query(query)


def run_cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "dashboard", "export", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def test_cli_exports_and_reports(seed):
    store, root = seed
    out = root / "cli"
    proc = run_cli(
        "--store",
        str(store.root),
        "--out",
        str(out),
        "--filters",
        "side=russia",
        "--format",
        "png",
        "--chart",
        "item_counts",
        "--zip",
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("exported 1 charts (png)")
    assert sorted(p.name for p in out.iterdir()) == [
        "item_counts.csv",
        "item_counts.png",
        "manifest.json",
    ]
    assert (root / "cli.zip").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--filters", "sid=russia"], "unknown filter sid"),
        (["--format", "png,gif"], "unknown format gif"),
        (["--chart", "pie"], "unknown chart pie"),
    ],
)
def test_cli_errors_are_one_line_exit_2(seed, capsys, args, message):
    store, root = seed
    status = main(["export", "--store", str(store.root), "--out", str(root / "bad"), *args])
    err = capsys.readouterr().err
    assert status == 2
    assert err.count("\n") == 1 and message in err


def test_cli_missing_store_is_an_error(tmp_path, capsys):
    status = main(["export", "--store", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out")])
    assert status == 2
    assert "no store here" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_app_downloads_equal_the_exported_files(seed, exported):
    """The app's download buttons call report_chart_bytes: same title and caption as export."""
    from dashboard.export import report_chart_bytes

    store, _ = seed
    spec = CHARTS["topic_frequency"]
    con = store.connect()
    chart = spec.chart_fn(spec.frame(con, Filters()))
    svg = report_chart_bytes(chart, spec.title, Filters(), store, "svg").decode()
    exported_svg = (exported.out / f"{spec.name}.svg").read_text()
    strip_ids = re.compile(r'(id|clip-path|fill)="[^"]*"')
    assert strip_ids.sub("", svg) == strip_ids.sub("", exported_svg)


def test_export_without_filters_is_the_apps_first_view(seed_store, tmp_path):
    result = export_charts(seed_store, tmp_path / "first", None, ("svg",), charts=["item_counts"])
    first_view = views.default_filters(seed_store.connect())
    assert result.manifest["filters"]["first_view"] is True
    assert result.manifest["filters"]["query"] == first_view.to_query_string()
    assert f"from={first_view.date_from}" in result.manifest["filters"]["query"]
    # the command line: a query naming no date gets the same range; one naming a date keeps it
    assert with_default_dates("side=russia", seed_store).date_from == first_view.date_from
    assert with_default_dates("side=russia", seed_store).sides == ("russia",)
    assert with_default_dates("from=2024-01-01", seed_store).date_to is None


def test_a_chart_of_more_than_5000_rows_exports(tmp_path):
    """Altair refuses to serialise more than 5,000 rows by default; the app draws such
    charts (a Claims chart at a million items), so every export format takes them too."""
    import altair as alt
    import pandas as pd

    from dashboard.charts.render import chart_bytes

    frame = pd.DataFrame({"x": range(6000), "y": range(6000)})
    chart = alt.Chart(frame).mark_point().encode(x="x:Q", y="y:Q")
    with pytest.raises(alt.MaxRowsError):
        chart.to_dict()  # Altair's own default, untouched outside an export
    for fmt in ("svg", "html"):
        assert len(chart_bytes(chart, fmt)) > 6000
