"""The notebooks run top to bottom with nbclient, on the sample store and on another store.

Parameters are injected papermill-style: a cell after the one tagged ``parameters``.
"""

from __future__ import annotations

import json
from pathlib import Path

import jupytext
import nbformat
import pandas as pd
import pytest
from conftest import ROOT, SEED, SEED_AS_OF
from nbclient import NotebookClient

from dashboard import ingest, open_store
from dashboard.charts import CHARTS

NOTEBOOKS = ROOT / "notebooks"
# Per-cell timeout: the slowest cell (nb 3's ingest with topic discovery) takes ~2 s here.
CELL_TIMEOUT = 60
# The notebooks draw charts as SVG (offline); one output per chart.
SVG = "image/svg+xml"
# The other store: claims by two claimants on the same side and kind, in a CSV.
CLAIMS = [
    (
        "Russian losses",
        "Ukraine's General Staff said 1,230 Russian soldiers were killed in the past day near "
        "Pokrovsk.",
        "2024-11-04",
        "kyivindependent.com",
    ),
    (
        "Moscow's count",
        "Russia's Defence Ministry said 400 Ukrainian soldiers were killed near Kurakhove on "
        "Sunday.",
        "2024-11-04",
        "tass.com",
    ),
    (
        "British estimate",
        "British intelligence said about 1,500 Russian soldiers were killed per day in October.",
        "2024-11-12",
        "bbc.co.uk",
    ),
    (
        "Russian losses rise",
        "Ukraine's General Staff said 1,550 Russian soldiers were killed in the past day, a "
        "record.",
        "2024-11-11",
        "kyivindependent.com",
    ),
]
FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Test feed</title><link>https://example.org/</link>
<item><title>Zaporizhzhia strike</title><link>https://example.org/z</link>
<pubDate>Fri, 15 Nov 2024 09:00:00 GMT</pubDate>
<description>A guided bomb hit Zaporizhzhia on Thursday, killing 4 people, the governor said.
</description></item></channel></rss>"""


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    root = tmp_path_factory.mktemp("notebooks")
    sample = open_store(root / "sample")
    ingest([SEED], store=sample, as_of=SEED_AS_OF)
    claims = root / "claims.csv"
    pd.DataFrame(CLAIMS, columns=["title", "text", "published", "source"]).to_csv(
        claims, index=False
    )
    other = open_store(root / "other")
    ingest([claims], store=other, as_of="2024-11-15")
    feed = root / "feed.xml"
    feed.write_text(FEED, "utf-8")
    return {"sample": sample, "other": other, "feed": feed}


def run(name: str, **params) -> nbformat.NotebookNode:
    """Execute notebooks/<name>.py with ``params`` injected after its parameters cell."""
    nb = jupytext.read(NOTEBOOKS / f"{name}.py")
    at = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    source = "\n".join(f"{key} = {value!r}" for key, value in params.items())
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": ["injected-parameters"]})
    nb.cells.insert(at + 1, cell)
    client = NotebookClient(
        nb,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    client.execute()  # raises CellExecutionError with the cell and traceback on failure
    return nb


def text_of(nb) -> str:
    out = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if "text" in output:
                out.append(output["text"])
            out.append(output.get("data", {}).get("text/plain", ""))
    return "\n".join(out)


def charts_of(nb) -> list[dict]:
    return [
        o["data"][SVG] for c in nb.cells for o in c.get("outputs", []) if SVG in o.get("data", {})
    ]


@pytest.mark.parametrize("which", ["sample", "other"])
def test_tour_shows_frames_and_every_chart(stores, which):
    store = stores[which]
    nb = run("01_tour", STORE=str(store.root))
    text = text_of(nb)
    assert f"store {store.root}, version {store.version}" in text
    assert len(charts_of(nb)) == len(CHARTS)
    for spec in CHARTS.values():
        assert spec.title in text
    n_items = len(store.frame("items"))
    assert f"'rows': {n_items}" in text or f"items {n_items}" in " ".join(text.split())


def test_claims_compare_two_claimants_with_their_sentences(stores):
    nb = run("02_casualty_claims", STORE=str(stores["other"].root))
    text = text_of(nb)
    assert "side russia, kind killed" in text
    assert "== General Staff of the Armed Forces of Ukraine: 2 figure(s)" in text
    assert "== UK Ministry of Defence: 1 figure(s)" in text
    assert "“Ukraine's General Staff said 1,230 Russian soldiers were killed" in text
    assert charts_of(nb)  # the claimants-over-time chart and the app's ranges chart


def test_claims_on_the_sample_say_there_is_nothing_to_compare(stores):
    nb = run("02_casualty_claims", STORE=str(stores["sample"].root), SIDE="russia", KIND="killed")
    assert "Only one claimant here" in text_of(nb) or "from 0 claimant" in text_of(nb)


@pytest.mark.parametrize("which", ["sample", "other"])
def test_bring_your_own_data_leaves_the_store_and_repo_alone(stores, which):
    store = stores[which]
    manifest = (store.root / "manifest.json").read_bytes()
    params = {"STORE": str(store.root)}
    if which == "other":
        params["DATA"] = str(stores["feed"])
    nb = run("03_bring_your_own_data", **params)
    text = text_of(nb)
    work = Path(text.split("working folder:", 1)[1].split()[0])
    assert not work.is_relative_to(ROOT)
    assert not work.exists()  # cleaned up by its last cell
    assert (store.root / "manifest.json").read_bytes() == manifest
    expected_new = 1 if which == "other" else 3  # the feed's item; the CSV's 2 + RSS's 1
    assert f"new {expected_new}," in text
    assert len(charts_of(nb)) == 3


def test_notebooks_are_paired_and_committed_without_outputs():
    scripts = sorted(NOTEBOOKS.glob("*.py"))
    assert [p.stem for p in scripts] == [
        "01_tour",
        "02_casualty_claims",
        "03_bring_your_own_data",
    ]
    for script in scripts:
        paired = script.with_suffix(".ipynb")
        assert paired.exists(), f"{paired.name} missing: run `jupytext --sync {script}`"
        py, ipynb = jupytext.read(script), nbformat.read(paired, as_version=4)
        assert [c.source for c in ipynb.cells] == [c.source for c in py.cells], paired.name
        for cell in ipynb.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, paired.name
        assert json.loads(paired.read_text("utf-8"))["metadata"]["jupytext"]["formats"] == (
            "ipynb,py:percent"
        )
