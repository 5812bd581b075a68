"""Sources named once per outlet at ingest: ``canonical_sources`` and ``data/outlets.toml``."""

from __future__ import annotations

import json

import pandas as pd
import pyarrow.parquet as pq
import pytest
from conftest import CORPUS_FILES, shared_path

from dashboard import read_items
from dashboard.normalise import (
    OUTLETS_FILE,
    canonical_sources,
    load_outlets,
    source_domain,
    source_key,
)
from dashboard.store import Store, StoreError


@pytest.mark.parametrize(
    ("raw", "url", "expected"),
    [
        # A known name, whatever its case and spacing.
        ("Ukrinform", None, ["Ukrinform"]),
        ("UKRINFORM", None, ["Ukrinform"]),
        ("  Euromaidan   Press ", None, ["Euromaidan Press"]),
        ("EuromaidanPress", None, ["Euromaidan Press"]),
        # Spellings from the table: abbreviations, feed names, typos, an outlet's accounts.
        ("Agence France Presse", None, ["AFP"]),
        ("Reuters News", None, ["Reuters"]),
        ("Associated Press Newswires", None, ["Associated Press"]),
        ("ITAR-TASS World Service", None, ["TASS"]),
        ("Interfax: Ukrainian General Newswire", None, ["Interfax-Ukraine"]),
        ("Interfax: Russia & CIS General Newswire", None, ["Interfax"]),
        ("BBC Monitoring Ukraine & Baltics", None, ["BBC Monitoring"]),
        ("BBC News", None, ["BBC"]),
        ("MeoryBook", None, ["MemoryBook"]),
        ("Euromaidan Press's twitter account", None, ["Euromaidan Press"]),
        ("Ministry of Defense of Ukraine (Facebook)", None, ["Ministry of Defence of Ukraine"]),
        ("NOËL", None, ["NOËL Reports"]),
        ("noel reports", None, ["NOËL Reports"]),
        # ";"-joined lists: split, each canonical, each once, in the order given.
        ("Ukrinform;Ukrinform", None, ["Ukrinform"]),
        (
            "Interfax: Ukrainian General Newswire;BBC Monitoring",
            None,
            ["Interfax-Ukraine", "BBC Monitoring"],
        ),
        ("Reuters News;Agence France Presse;Reuters News", None, ["Reuters", "AFP"]),
        ("Ukrinform;ukrinform.net;UKRINFORM", None, ["Ukrinform"]),
        ("Ukrinform; ;;AOAV;", None, ["Ukrinform", "AOAV"]),
        # " / " is no separator: it joins two spellings of one name.
        ("Kyiv Post / Kyiv Independent", None, ["Kyiv Post / Kyiv Independent"]),
        # Domains: www. (and www3., a mistyped wwww.), m., amp., scheme, path, case folded.
        ("ukrinform.ua", None, ["Ukrinform"]),
        ("www.ukrinform.net", None, ["Ukrinform"]),
        ("wwww.theguardian.com", None, ["The Guardian"]),
        ("https://www.Reuters.com/world/europe/x-2022-03-01/", None, ["Reuters"]),
        ("bbc.co.uk", None, ["BBC"]),
        ("bbc.com", None, ["BBC"]),
        ("MilitaryLand.net", None, ["MilitaryLand"]),
        # A subdomain is its outlet; the most specific listed domain wins.
        ("edition.cnn.com", None, ["CNN"]),
        ("amp.cnn.com", None, ["CNN"]),
        ("mobile.twitter.com", None, ["Twitter"]),
        ("uk.news.yahoo.com", None, ["Yahoo"]),
        ("monitoring.bbc.co.uk", None, ["BBC Monitoring"]),
        # Unknown domain: the bare lower-case host, subdomains kept.
        ("www.Example.ORG", None, ["example.org"]),
        ("http://news.example.org:8080/a/b?c=d", None, ["news.example.org"]),
        ("www3.nhk.or.jp", None, ["nhk.or.jp"]),
        ("nation.africa", None, ["nation.africa"]),
        # Unknown names keep their spelling, whitespace collapsed; a dotted name is no domain.
        ("Unified news feed", None, ["Unified news feed"]),
        ("World  Service\tWire", None, ["World Service Wire"]),
        ("Sibir.Realii", None, ["Sibir.Realii"]),
        ("St.Petersburg", None, ["St.Petersburg"]),
        ("ICRC;icrc", None, ["ICRC"]),
        ("??? ???????;??? ???????", None, ["??? ???????"]),
        # No source: the URL's domain stands in; the record's own source wins over its URL.
        (None, "https://twitter.com/GirkinGirkin/status/1488544876908187650", ["Twitter"]),
        (None, "t.me/RVvoenkor/12877", ["Telegram"]),
        ("", "https://www.bbc.co.uk/news/world-europe-1", ["BBC"]),
        (" ; ", "https://hk.npu.gov.ua/news/x", ["National Police of Ukraine"]),
        (None, "https://files.slack.com/x", ["files.slack.com"]),
        ("Wire", "https://www.reuters.com/x", ["Wire"]),
        # Neither: nothing (the caller names the file); a URL field holding prose is no URL.
        (None, None, []),
        (None, "Access can be requested, hidden for privacy reasons", []),
        (None, "mailto:desk@example.org", []),
    ],
)
def test_canonical_sources(raw, url, expected):
    assert canonical_sources(raw, url) == expected


def test_source_domain():
    assert source_domain("https://WWW.BBC.co.uk/news") == "bbc.co.uk"
    assert source_domain("m.dw.com") == "dw.com"
    assert source_domain("www.com") == "www.com"  # a www that is the name itself stays
    assert source_domain("Reuters") is None
    assert source_domain("http://[::1") is None


def test_vocabulary_is_well_formed():
    outlets = load_outlets()
    assert len(set(outlets.by_name.values())) > 100
    for domain in outlets.by_domain:
        assert domain == domain.lower() and "/" not in domain, domain
        assert not domain.startswith("www."), domain
        assert source_domain(domain) == domain, domain
    # A canonical name is its own canonical name (normalising twice changes nothing).
    for name in set(outlets.by_name.values()):
        assert canonical_sources(name) == [name]
    # Distinct services that share a word stay apart.
    assert len({outlets.by_name[source_key(n)] for n in ("BBC", "BBC Monitoring")}) == 2
    assert outlets.by_domain["interfax.com.ua"] != outlets.by_domain["interfax.ru"]


def test_a_spelling_claimed_twice_is_refused(tmp_path):
    def table(name: str, text: str):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    twice = table(
        "twice.toml",
        '[[outlet]]\nname = "A"\ndomains = ["a.test"]\nnames = ["Alpha"]\n'
        '[[outlet]]\nname = "B"\ndomains = []\nnames = ["ALPHA"]\n',
    )
    with pytest.raises(ValueError, match="'alpha' is claimed by both 'A' and 'B'"):
        load_outlets(twice)
    lean = table(
        "lean.toml", '[[outlet]]\nname = "A"\n[[outlet]]\nname = "B"\ndomains = ["B.test"]\n'
    )
    assert load_outlets(lean).by_domain == {"b.test": "B"}
    for name, text in [("bad.toml", "[outlet]\nname = 1\n"), ("noname.toml", "[[outlet]]\n")]:
        with pytest.raises(ValueError, match=name):
            load_outlets(table(name, text))
    assert load_outlets(OUTLETS_FILE).by_domain  # the shipped table loads


def test_items_carry_canonical_and_raw_sources(tmp_path):
    a = tmp_path / "wire_dump.jsonl"
    rows = [  # a JSONL file's fields are those of its first object
        {"text": "Shelling in Kherson.", "source": "Ukrinform;Agence France Presse", "url": ""},
        {"text": "Drones over Kyiv.", "source": None, "url": "https://www.bbc.co.uk/news/1"},
        {"text": "Strike on Odesa.", "source": " "},
    ]
    a.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    items = read_items(a).set_index("text")
    assert items.loc["Shelling in Kherson.", "source"] == "Ukrinform"
    assert items.loc["Shelling in Kherson.", "sources"] == ["Ukrinform", "AFP"]
    assert items.loc["Shelling in Kherson.", "source_raw"] == "Ukrinform;Agence France Presse"
    # No source field: the URL's outlet; the record gave no source, so source_raw is missing.
    assert items.loc["Drones over Kyiv.", "source"] == "BBC"
    assert pd.isna(items.loc["Drones over Kyiv.", "source_raw"])
    # Neither source nor URL: the file's name, as before outlets were named.
    assert items.loc["Strike on Odesa.", "source"] == "wire_dump"
    assert items.loc["Strike on Odesa.", "sources"] == ["wire_dump"]
    # A copy from another file adds its canonical outlets to the first copy's.
    b = tmp_path / "other.csv"
    b.write_text("text,source\nShelling in Kherson.,ukrinform.net;Reuters News\n")
    both = read_items([a, b]).set_index("text").loc["Shelling in Kherson."]
    assert both["n_copies"] == 2 and sorted(both["sources"]) == ["AFP", "Reuters", "Ukrinform"]
    assert both["source_raw"] == "Ukrinform;Agence France Presse"  # the first copy's


def test_a_store_without_source_raw_is_refused(tmp_path):
    """A store written before ``source_raw`` existed: refused with a message, no crash."""
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"text": "Shelling in Kherson.", "source": "Ukrinform"}) + "\n")
    store = Store(tmp_path / "store")
    batch = store.begin()
    store.append(batch, "items", read_items(path))
    store.commit(batch)
    part = store.parts("items")[0]
    pq.write_table(pq.read_table(part).drop(["source_raw"]), part)
    with pytest.raises(StoreError, match=r"items table .* \(no source_raw\); ingest the files"):
        store.check_columns()


# -- the shared corpora ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_items() -> dict[str, pd.DataFrame]:
    """Each corpus file read on its own (~19k items, a few seconds)."""
    return {
        name: read_items(shared_path("corpus", name), as_of="2024-11-15") for name in CORPUS_FILES
    }


def _ukrinform(values: pd.Series) -> set[str]:
    return {v for v in values.dropna() if "ukrinform" in v.casefold()}


def test_one_spelling_per_outlet_on_the_corpora(corpus_items):
    items = pd.concat(corpus_items.values(), ignore_index=True)
    # The raw values spell Ukrinform 29 ways ("Ukrinform;Ukrinform", "ukrinform.net", ...);
    # the items name it once.
    assert len(_ukrinform(items["source_raw"])) >= 25
    assert _ukrinform(items["source"]) == {"Ukrinform"}
    assert {s for lst in items["sources"] for s in lst if "ukrinform" in s.casefold()} == {
        "Ukrinform"
    }
    # Every item's source is the first outlet of its raw value (or of its URL).
    for row in items.itertuples():
        raw, url = (None if pd.isna(v) else v for v in (row.source_raw, row.url))
        assert row.source == (canonical_sources(raw, url) or [row.source])[0]
        assert row.source in row.sources
    # Every outlet with 20 or more items has a name, not a bare domain.
    counts = pd.Series([s for lst in items["sources"] for s in lst]).value_counts()
    assert [s for s, n in counts.items() if n >= 20 and source_domain(s)] == []


def test_raw_values_are_kept(corpus_items):
    ucdp = corpus_items["ucdp_ukraine_events.csv"]
    first = ucdp.iloc[0]
    assert first["source_raw"] == ";".join(["Agence France Presse"] * 5)
    assert first["source"] == "AFP" and first["sources"] == ["AFP"]
    raw = set(ucdp["source_raw"])
    assert {"Ukrinform;Ukrinform", "Interfax: Ukrainian General Newswire;Euromaidan Press"} <= raw
    # UCDP's ~335 raw spellings name ~60 first outlets.
    assert ucdp["source"].nunique() < ucdp["source_raw"].nunique() / 4
    headlines = corpus_items["news_headlines_2022.json"]
    assert {"ukrinform.net", "ukrinform.ua", "bbc.com", "bbc.co.uk"} <= set(headlines["source_raw"])
    assert headlines["source_raw"].notna().all()
    # CIR and GDELT records name no source: source_raw is missing, never invented.
    for name in ("cir_events.csv", "gdelt_articles.jsonl"):
        assert corpus_items[name]["source_raw"].isna().all()
    assert set(corpus_items["gdelt_articles.jsonl"]["source"]) == {"gdelt_articles"}
    cir = corpus_items["cir_events.csv"]["source"].value_counts()
    assert cir.index[:2].tolist() == ["Twitter", "Telegram"]
    assert cir["cir_events"] < 100  # links that are no URL ("Access can be requested")
